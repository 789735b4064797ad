/**
 * What the editor remembers when its page starts over. Hidden editors stay alive
 * (`retainContextWhenHidden`, see src/extension/volumeEditorProvider.ts), but a window reload or
 * "Reload Webviews" still starts the page fresh: it posts `ready`, the host re-sends the volume,
 * and this small record (saved with `setState`) puts the user back on the same layer, view,
 * window, camera and brush.
 */
import type { Axis } from '../core/volume/volume';
import type { ViewKind } from '../protocol/editorMessages';
import { BRUSH_TOOLS, DEFAULT_RADIUS, clampRadius, type BrushTool } from './brush/brushTools';

export type ProjectionMode = 'mean' | 'max';
export type RenderMode = 'mip' | 'alpha';

export interface WindowState {
  /** true: percentile window from the settings; false: the user's min/max. */
  readonly auto: boolean;
  readonly min: number;
  readonly max: number;
}

export interface CameraState {
  readonly position: readonly [number, number, number];
  readonly target: readonly [number, number, number];
}

export interface ViewState {
  readonly version: 1;
  readonly view: ViewKind;
  /** 0-based layer index along the depth axis. */
  readonly layer: number;
  /** null: follow the `samOcta2.depthAxis` setting. */
  readonly depthAxis: 'auto' | Axis | null;
  readonly window: WindowState;
  /** Inclusive layer range used by the projection and as the 3D view's depth clip; null = all. */
  readonly range: readonly [number, number] | null;
  readonly projection: ProjectionMode;
  readonly render3d: RenderMode;
  readonly camera: CameraState | null;
  /** The brush tool and radius (not its target: object ids belong to the segmentation). */
  readonly brush: { readonly tool: BrushTool; readonly radius: number };
}

export const DEFAULT_VIEW_STATE: ViewState = {
  version: 1,
  view: 'layer',
  layer: -1,
  depthAxis: null,
  window: { auto: true, min: 0, max: 1 },
  range: null,
  projection: 'max',
  render3d: 'mip',
  camera: null,
  brush: { tool: 'prompt', radius: DEFAULT_RADIUS },
};

/** Accepts anything (state written by an older version, or nothing) and returns a valid record. */
export function sanitizeViewState(raw: unknown): ViewState {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_VIEW_STATE;
  const r = raw as Record<string, unknown>;
  const d = DEFAULT_VIEW_STATE;
  return {
    version: 1,
    view: r.view === 'layer' || r.view === '3d' || r.view === 'projection' ? r.view : d.view,
    layer: Number.isInteger(r.layer) ? (r.layer as number) : d.layer,
    depthAxis: r.depthAxis === 'auto' || isAxis(r.depthAxis) ? r.depthAxis : null,
    window: sanitizeWindow(r.window),
    range: isPair(r.range) ? [r.range[0], r.range[1]] : null,
    projection: r.projection === 'mean' ? 'mean' : 'max',
    render3d: r.render3d === 'alpha' ? 'alpha' : 'mip',
    camera: sanitizeCamera(r.camera),
    brush: sanitizeBrush(r.brush),
  };
}

function isAxis(v: unknown): v is Axis {
  return v === 0 || v === 1 || v === 2;
}

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x));
}

function isVec3(v: unknown): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => Number.isFinite(x));
}

function sanitizeWindow(v: unknown): WindowState {
  if (typeof v !== 'object' || v === null) return DEFAULT_VIEW_STATE.window;
  const w = v as Record<string, unknown>;
  const min = Number(w.min);
  const max = Number(w.max);
  if (w.auto !== false || !Number.isFinite(min) || !Number.isFinite(max) || max <= min) {
    return DEFAULT_VIEW_STATE.window;
  }
  return { auto: false, min, max };
}

function sanitizeBrush(v: unknown): ViewState['brush'] {
  if (typeof v !== 'object' || v === null) return DEFAULT_VIEW_STATE.brush;
  const b = v as Record<string, unknown>;
  const tool = BRUSH_TOOLS.find((t) => t === b.tool) ?? DEFAULT_VIEW_STATE.brush.tool;
  return { tool, radius: typeof b.radius === 'number' ? clampRadius(b.radius) : DEFAULT_RADIUS };
}

function sanitizeCamera(v: unknown): CameraState | null {
  if (typeof v !== 'object' || v === null) return null;
  const c = v as Record<string, unknown>;
  return isVec3(c.position) && isVec3(c.target) ? { position: c.position, target: c.target } : null;
}
