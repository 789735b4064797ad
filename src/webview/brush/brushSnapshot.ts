/** The brush and region state as tests read it (testHook's `brush()`; types only). */
import type { Axis } from '../../core/volume/volume';
import type { BrushTarget, BrushTool } from './brushTools';

export interface BrushSnapshot {
  readonly tool: BrushTool;
  /** 'region' or a tracked object's id. */
  readonly target: BrushTarget;
  readonly radius: number;
  /** False until the host sent `regions`. */
  readonly regionsLoaded: boolean;
  /** Axis of the annotated layers. */
  readonly regionAxis: Axis;
  readonly annotatedLayers: readonly number[];
  /** Region voxels per layer along the view's depth axis (layers with none left out). */
  readonly regionLayers: Record<number, number>;
  /** Strokes, fills and clears posted to the host so far. */
  readonly edits: number;
  /** En-face RV pixels (x + width · y, ascending), drawn on the projection view. */
  readonly enfaceRv: readonly number[];
  readonly status: string;
}
