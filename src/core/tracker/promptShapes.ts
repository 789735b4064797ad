/**
 * Prompts drawn rather than clicked (issue 20): a scribble along a vessel, a box or a lasso
 * around the FAZ. This file holds their types, their check when read from a sidecar, and how
 * each reaches the model: a scribble as evenly spaced points along the stroke, a box as SAM 2's
 * two corner points (labels 2 and 3, the prompt encoder's 3rd and 4th point embeddings), a
 * lasso as points spread inside the polygon. docs/evaluation.md "Prompt kinds" measured these
 * against the dense mask-input alternatives and says why these won.
 */
import type { PromptPoint } from './trackTypes';

/** A vertex in layer pixels (x = column, y = row; floats allowed). */
export interface ShapePoint {
  x: number;
  y: number;
}

/** A stroke along an object: its points become positive (or negative) clicks. */
export interface ScribblePrompt {
  kind: 'scribble';
  /** The stroke's vertices in drawing order (at least one). */
  path: readonly ShapePoint[];
  positive: boolean;
}

/** Two opposite corners, in any order (the model gets top-left and bottom-right). */
export interface BoxPrompt {
  kind: 'box';
  from: ShapePoint;
  to: ShapePoint;
}

/** A closed polygon around an object (the last vertex joins the first). */
export interface LassoPrompt {
  kind: 'lasso';
  path: readonly ShapePoint[];
}

export type PromptShape = ScribblePrompt | BoxPrompt | LassoPrompt;

/** SAM 2's point labels (docs/model-bundle.md section 4.2). */
export const POINT_LABEL = { negative: 0, positive: 1, boxTopLeft: 2, boxBottomRight: 3 } as const;

/**
 * Points a scribble is sent as. Measured on the shipped nano model over 28 vessel trees
 * (docs/evaluation.md "Prompt kinds"; the tracker's visibility gate on): 4 points 0.446 mean 3D
 * Dice, 8 points 0.416, 16 points 0.365; on the 21 synthetic trees 4 and 8 tie (0.459, 0.462),
 * on the 7 real ones 4 leads (0.409 against 0.277): level on two trees, ahead on five.
 */
export const SCRIBBLE_POINTS = 4;
/** Points spread inside a lasso: a blob, a few points cover it (measured above a mask input). */
export const LASSO_POINTS = 5;

/** A model-ready point: layer pixels and its SAM 2 label. */
export interface LabelledPoint {
  x: number;
  y: number;
  label: number;
}

/** Clicks and shapes of one layer as the points the decoder gets, clicks first. */
export function labelledPoints(
  points: readonly PromptPoint[],
  shapes: readonly PromptShape[] = [],
): LabelledPoint[] {
  const out: LabelledPoint[] = points.map((p) => ({
    x: p.x,
    y: p.y,
    label: p.positive ? POINT_LABEL.positive : POINT_LABEL.negative,
  }));
  for (const shape of shapes) out.push(...shapePoints(shape));
  return out;
}

/** One shape's model points (see the file comment). */
export function shapePoints(shape: PromptShape): LabelledPoint[] {
  if (shape.kind === 'box') {
    const [a, b] = [shape.from, shape.to];
    return [
      { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), label: POINT_LABEL.boxTopLeft },
      { x: Math.max(a.x, b.x), y: Math.max(a.y, b.y), label: POINT_LABEL.boxBottomRight },
    ];
  }
  if (shape.kind === 'scribble') {
    const label = shape.positive ? POINT_LABEL.positive : POINT_LABEL.negative;
    return alongPath(shape.path, SCRIBBLE_POINTS).map((p) => ({ ...p, label }));
  }
  return insidePolygon(shape.path, LASSO_POINTS).map((p) => ({
    ...p,
    label: POINT_LABEL.positive,
  }));
}

/**
 * `count` points evenly spaced by arc length along a polyline, both ends included (one point
 * for a stroke without length). Evenly by length, not by vertex, so a slow drag does not crowd
 * the points where the hand lingered.
 */
export function alongPath(path: readonly ShapePoint[], count: number): ShapePoint[] {
  if (path.length === 0) return [];
  const cumulative = [0];
  for (let i = 1; i < path.length; i++) {
    cumulative.push(
      cumulative[i - 1] + Math.hypot(path[i].x - path[i - 1].x, path[i].y - path[i - 1].y),
    );
  }
  const length = cumulative[cumulative.length - 1];
  if (length === 0 || count <= 1) return [{ x: path[0].x, y: path[0].y }];
  const out: ShapePoint[] = [];
  let segment = 1;
  for (let k = 0; k < count; k++) {
    const at = (k * length) / (count - 1);
    while (segment < path.length - 1 && cumulative[segment] < at) segment++;
    const span = cumulative[segment] - cumulative[segment - 1];
    const t = span > 0 ? Math.min(1, Math.max(0, (at - cumulative[segment - 1]) / span)) : 0;
    const a = path[segment - 1];
    const b = path[segment];
    out.push({ x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) });
  }
  return out;
}

/** Even-odd rule: is (x, y) inside the closed polygon? */
export function polygonContains(path: readonly ShapePoint[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = path.length - 1; i < path.length; j = i++) {
    const a = path[i];
    const b = path[j];
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/**
 * Up to `count` points inside a polygon: the vertex centroid first when it is inside, then
 * points of a grid over the bounding box, spread from the centre out, so a concave lasso still
 * gets points on its own inside.
 */
export function insidePolygon(path: readonly ShapePoint[], count: number): ShapePoint[] {
  if (path.length < 3) return path.slice(0, count).map((p) => ({ x: p.x, y: p.y }));
  const xs = path.map((p) => p.x);
  const ys = path.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const cx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const cy = ys.reduce((s, v) => s + v, 0) / ys.length;
  const n = 7; // a 7 × 7 grid: enough candidates for a handful of spread points
  const candidates: ShapePoint[] = [];
  if (polygonContains(path, cx, cy)) candidates.push({ x: cx, y: cy });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = { x: x0 + ((j + 0.5) * (x1 - x0)) / n, y: y0 + ((i + 0.5) * (y1 - y0)) / n };
      if (polygonContains(path, p.x, p.y)) candidates.push(p);
    }
  }
  // Farthest-point order: each next point is the candidate farthest from those already taken.
  const chosen: ShapePoint[] = [];
  while (chosen.length < count && candidates.length > 0) {
    let best = 0;
    if (chosen.length > 0) {
      let bestDistance = -1;
      candidates.forEach((c, k) => {
        const d = Math.min(...chosen.map((q) => Math.hypot(q.x - c.x, q.y - c.y)));
        if (d > bestDistance) [best, bestDistance] = [k, d];
      });
    }
    chosen.push(candidates.splice(best, 1)[0]);
  }
  return chosen;
}

/** rows × cols 0/1: the pixels whose centres lie inside the closed polygon. */
export function rasterizePolygon(
  path: readonly ShapePoint[],
  rows: number,
  cols: number,
): Uint8Array {
  const mask = new Uint8Array(rows * cols);
  if (path.length < 3) return mask;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (polygonContains(path, c, r)) mask[r * cols + c] = 1;
  }
  return mask;
}

/** Shapes moved by (dx, dy) layer pixels: the webview's drag of a drawn prompt. */
export function movedShape(shape: PromptShape, dx: number, dy: number): PromptShape {
  const move = (p: ShapePoint): ShapePoint => ({ x: p.x + dx, y: p.y + dy });
  if (shape.kind === 'box') return { kind: 'box', from: move(shape.from), to: move(shape.to) };
  return { ...shape, path: shape.path.map(move) };
}

/** Whether any of the shape's model points lie inside a rows × cols layer. */
export function shapeTouchesLayer(shape: PromptShape, rows: number, cols: number): boolean {
  return shapePoints(shape).some((p) => p.x >= 0 && p.y >= 0 && p.x < cols && p.y < rows);
}

/** Why a value read from a file is not a prompt shape, or null when it is one. */
export function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'a shape must be an object';
  const s = value as {
    kind?: unknown;
    path?: unknown;
    positive?: unknown;
    from?: unknown;
    to?: unknown;
  };
  const isPoint = (p: unknown): boolean =>
    typeof p === 'object' &&
    p !== null &&
    Number.isFinite((p as ShapePoint).x) &&
    Number.isFinite((p as ShapePoint).y);
  const isPath = (p: unknown, min: number): boolean =>
    Array.isArray(p) && p.length >= min && p.every(isPoint);
  if (s.kind === 'scribble') {
    if (!isPath(s.path, 1)) return 'a scribble needs a "path" of {x, y} points';
    if (typeof s.positive !== 'boolean') return 'a scribble needs "positive" true or false';
    return null;
  }
  if (s.kind === 'box') {
    return isPoint(s.from) && isPoint(s.to) ? null : 'a box needs "from" and "to" {x, y} corners';
  }
  if (s.kind === 'lasso') {
    return isPath(s.path, 3) ? null : 'a lasso needs a "path" of at least 3 {x, y} points';
  }
  return `unknown shape kind ${JSON.stringify(s.kind)} (scribble, box or lasso)`;
}

/**
 * The measured alternative (docs/evaluation.md "Prompt kinds"): scribbles and lassos as one
 * rows × cols 0/1 mask for the decoder's mask input instead of points; a scribble is drawn
 * `radius` pixels wide. Kept for the benchmark that re-measures the choice.
 */
export function shapeMask(
  shapes: readonly PromptShape[],
  rows: number,
  cols: number,
  radius = 2,
): Uint8Array | undefined {
  const drawn = shapes.filter((s) => s.kind !== 'box' && (s.kind === 'lasso' || s.positive));
  if (drawn.length === 0) return undefined;
  const mask = new Uint8Array(rows * cols);
  for (const shape of drawn) {
    if (shape.kind === 'lasso') {
      rasterizePolygon(shape.path, rows, cols).forEach((v, i) => (mask[i] |= v));
      continue;
    }
    if (shape.kind !== 'scribble') continue;
    const length = shape.path.reduce(
      (sum, p, i) =>
        i === 0 ? 0 : sum + Math.hypot(p.x - shape.path[i - 1].x, p.y - shape.path[i - 1].y),
      0,
    );
    for (const p of alongPath(shape.path, Math.max(2, Math.ceil(length) + 1))) {
      for (let r = Math.floor(p.y - radius); r <= Math.ceil(p.y + radius); r++) {
        for (let c = Math.floor(p.x - radius); c <= Math.ceil(p.x + radius); c++) {
          if (r >= 0 && c >= 0 && r < rows && c < cols && Math.hypot(c - p.x, r - p.y) <= radius)
            mask[r * cols + c] = 1;
        }
      }
    }
  }
  return mask;
}
