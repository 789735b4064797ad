/**
 * The brush tools' settings: which tool the layer view's left button runs, what it paints (the
 * vessel region of the sparse workflow, or one tracked object), and the brush radius.
 */

/** `prompt`: clicks are SAM 2 point prompts (the tracking default); the others edit labels. */
export type BrushTool = 'prompt' | 'paint' | 'erase' | 'fill';
export const BRUSH_TOOLS: readonly BrushTool[] = ['prompt', 'paint', 'erase', 'fill'];

/** The region label, or a tracked object's id. */
export type BrushTarget = 'region' | number;

export const MIN_RADIUS = 1;
export const MAX_RADIUS = 100;
export const DEFAULT_RADIUS = 6;

export interface BrushSettings {
  readonly tool: BrushTool;
  readonly target: BrushTarget;
  /** Image pixels; the brush paints pixels whose centre lies within it. */
  readonly radius: number;
}

export function clampRadius(radius: number): number {
  if (!Number.isFinite(radius)) return DEFAULT_RADIUS;
  return Math.min(MAX_RADIUS, Math.max(MIN_RADIUS, Math.round(radius)));
}

/** `[` / `]`: about 15 % smaller or larger, at least one pixel. */
export function stepRadius(radius: number, direction: -1 | 1): number {
  return clampRadius(radius + direction * Math.max(1, Math.round(radius * 0.15)));
}

/** Paint and erase follow the pointer: they take drags and show the brush ring. */
export function isStrokeTool(tool: BrushTool): boolean {
  return tool === 'paint' || tool === 'erase';
}
