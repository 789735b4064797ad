/** The tracking state as tests and the benchmark read it (types only: no DOM, no styles). */
import type { ObjectKind } from '../../core/tracker/trackTypes';
import type { Backend } from '../../protocol/workerMessages';

/** What the tests and the benchmark read (testHook's `tracking()`). */
export interface TrackingSnapshot {
  readonly model: string | null;
  readonly backend: Backend | null;
  readonly note: string | null;
  readonly busy: boolean;
  readonly selected: number | null;
  readonly objects: readonly {
    id: number;
    name: string;
    kind: ObjectKind;
    layers: Record<number, number>;
    prompts: number;
    /** Drawn prompts as "KIND@LAYER" (e.g. "box@5"), by layer then drawing order. */
    shapes: string[];
  }[];
  readonly lastClickMs: number | null;
  readonly lastTrack: {
    layers: number;
    ms: number;
    layersPerSecond: number;
    cancelled: boolean;
  } | null;
  readonly surfaces: { surfaces: number; triangles: number };
  readonly errors: readonly string[];
}
