/**
 * The prompt-kind comparison of issue 20 (docs/evaluation.md "Prompt kinds"): one object of a
 * labelled volume prompted on its largest layer as a user would — one click, five clicks, one
 * scribble along the vessel tree, one box or lasso around the FAZ — tracked through all layers,
 * and scored by 3D Dice. The prompts are derived from the label so that the comparison is
 * repeatable: the click on the object's innermost pixel, the scribble along the longest path
 * through its largest piece, the box and lasso around that piece.
 */
import { chamferDistance } from '../../labels/chamferDistance';
import { labelComponents } from '../../labels/connectedComponents';
import { Random } from '../../synth/random';
import { alongPath, type PromptShape, type ShapePoint } from '../promptShapes';
import type { SamTracker } from '../tracker';
import type { LayerPrompt, ObjectKind, PromptPoint } from '../trackTypes';
import { objectMask, type EvalCase } from './layerSequenceEval';
import { positivePoints } from './promptSampling';

export type PromptKind =
  | 'click'
  | 'clicks5'
  | 'scribble'
  | 'scribble-8pts'
  | 'scribble-16pts'
  | 'scribble-mask'
  | 'box'
  | 'lasso'
  | 'lasso-mask';

export const VESSEL_KINDS: readonly PromptKind[] = [
  'click',
  'clicks5',
  'scribble',
  'scribble-8pts',
  'scribble-16pts',
  'scribble-mask',
];
export const FAZ_KINDS: readonly PromptKind[] = ['click', 'box', 'lasso', 'lasso-mask'];

/** Where and how an object gets prompted: its layer and the pieces each kind is made from. */
export interface ObjectPromptPlan {
  layer: number;
  /** The innermost pixel of the largest piece (a user clicks the thick middle). */
  click: ShapePoint;
  /** The longest path through the largest piece, pixel by pixel. */
  stroke: ShapePoint[];
  /** Five positive clicks by the paper's sampler (trainer/samocta2/prompts.py), seed 0. */
  clicks5: ShapePoint[];
  box: PromptShape;
  lasso: PromptShape;
}

/** The plan for one object: prompted on the layer where it is largest. */
export function planObjectPrompts(c: EvalCase, object: number): ObjectPromptPlan {
  const { rows, cols, count } = c.layers;
  let layer = 0;
  let largest = -1;
  for (let k = 0; k < count; k++) {
    const area = objectMask(c, object, k).reduce((s, v) => s + v, 0);
    if (area > largest) [layer, largest] = [k, area];
  }
  const piece = largestPiece(objectMask(c, object, layer), rows, cols);
  const distance = chamferDistance(piece, cols, rows);
  let inner = 0;
  for (let i = 0; i < distance.length; i++) if (distance[i] > distance[inner]) inner = i;
  const at = (i: number): ShapePoint => ({ x: i % cols, y: Math.floor(i / cols) });
  const xs: number[] = [];
  const ys: number[] = [];
  piece.forEach((v, i) => {
    if (v) [xs[xs.length], ys[ys.length]] = [i % cols, Math.floor(i / cols)];
  });
  const pad = 2; // a hand-drawn box or lasso runs a little outside the object
  return {
    layer,
    click: at(inner),
    stroke: longestPath(piece, rows, cols).map(at),
    clicks5: positivePoints(new Random(0), objectMask(c, object, layer), rows, cols, 5).map(
      ([x, y]) => ({ x, y }),
    ),
    box: {
      kind: 'box',
      from: { x: Math.min(...xs) - pad, y: Math.min(...ys) - pad },
      to: { x: Math.max(...xs) + pad, y: Math.max(...ys) + pad },
    },
    lasso: { kind: 'lasso', path: radialOutline(piece, rows, cols, at(inner), 32, pad) },
  };
}

/** The prompt of one kind from a plan. */
export function promptOfKind(plan: ObjectPromptPlan, kind: PromptKind): LayerPrompt {
  const clicks = (points: readonly ShapePoint[]): PromptPoint[] =>
    points.map((p) => ({ x: p.x, y: p.y, positive: true }));
  const scribble: PromptShape = { kind: 'scribble', path: plan.stroke, positive: true };
  const layer = plan.layer;
  switch (kind) {
    case 'click':
      return { layer, points: clicks([plan.click]) };
    case 'clicks5':
      return { layer, points: clicks(plan.clicks5) };
    case 'scribble-8pts':
      return { layer, points: clicks(alongPath(plan.stroke, 8)) };
    case 'scribble-16pts':
      return { layer, points: clicks(alongPath(plan.stroke, 16)) };
    case 'scribble':
    case 'scribble-mask':
      return { layer, points: [], shapes: [scribble] };
    case 'box':
      return { layer, points: [], shapes: [plan.box] };
    case 'lasso':
    case 'lasso-mask':
      return { layer, points: [], shapes: [plan.lasso] };
  }
}

/** Kinds sent through the decoder's mask input (a tracker built with shapeEncoding 'mask'). */
export function usesMaskInput(kind: PromptKind): boolean {
  return kind.endsWith('-mask');
}

/**
 * 3D Dice of the object tracked from one prompt over all the case's layers, tracked as the
 * editor tracks an object of that kind (vessels through the visibility gate).
 */
export async function trackedDice3d(
  tracker: SamTracker,
  c: EvalCase,
  object: number,
  prompt: LayerPrompt,
  kind: ObjectKind,
): Promise<number> {
  const result = await tracker.track([prompt], { kind });
  let inter = 0;
  let total = 0;
  for (let k = 0; k < c.layers.count; k++) {
    const truth = objectMask(c, object, k);
    const pred = result.frames.get(k)?.mask;
    for (let i = 0; i < truth.length; i++) {
      const p = pred ? pred[i] : 0;
      inter += p & truth[i];
      total += p + truth[i];
    }
  }
  return total === 0 ? 1 : (2 * inter) / total;
}

function largestPiece(mask: Uint8Array, rows: number, cols: number): Uint8Array {
  const { labels, count } = labelComponents(mask, cols, rows, 8);
  if (count === 0) throw new RangeError('The object is absent from its largest layer.');
  const sizes = new Array<number>(count + 1).fill(0);
  for (const l of labels) sizes[l]++;
  let best = 1;
  for (let l = 2; l <= count; l++) if (sizes[l] > sizes[best]) best = l;
  return Uint8Array.from(labels, (l) => (l === best ? 1 : 0));
}

/** Pixel indices of a longest shortest path (8-connected) through a mask: two BFS sweeps. */
function longestPath(mask: Uint8Array, rows: number, cols: number): number[] {
  const sweep = (from: number): { parent: Int32Array; farthest: number } => {
    const parent = new Int32Array(mask.length).fill(-2);
    parent[from] = -1;
    const queue = [from];
    for (let q = 0; q < queue.length; q++) {
      const p = queue[q];
      const [x, y] = [p % cols, Math.floor(p / cols)];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const n = ny * cols + nx;
          if (mask[n] && parent[n] === -2) {
            parent[n] = p;
            queue.push(n);
          }
        }
      }
    }
    return { parent, farthest: queue[queue.length - 1] };
  };
  const { parent, farthest } = sweep(sweep(mask.indexOf(1)).farthest);
  const path: number[] = [];
  for (let p = farthest; p !== -1; p = parent[p]) path.push(p);
  return path;
}

/** A polygon of `rays` vertices: along each ray from `centre`, `pad` px past the last mask pixel. */
function radialOutline(
  mask: Uint8Array,
  rows: number,
  cols: number,
  centre: ShapePoint,
  rays: number,
  pad: number,
): ShapePoint[] {
  const out: ShapePoint[] = [];
  for (let r = 0; r < rays; r++) {
    const angle = (2 * Math.PI * r) / rays;
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    let reach = 0;
    for (let t = 0; t < rows + cols; t += 0.5) {
      const [x, y] = [Math.round(centre.x + t * dx), Math.round(centre.y + t * dy)];
      if (x < 0 || y < 0 || x >= cols || y >= rows) break;
      if (mask[y * cols + x]) reach = t;
    }
    out.push({ x: centre.x + (reach + pad) * dx, y: centre.y + (reach + pad) * dy });
  }
  return out;
}
