/**
 * Table II sequences and points under the `paper` protocol (evalProtocol.ts), ported from the
 * trainer's trainer/samocta2/data/paper_draws.py (which says where each rule comes from in the
 * authors' code): one sequence per subject spread evenly (numpy.linspace, floored) over its
 * labelled depth span; prompted positions first, last, T // 2; every object shown on a prompted
 * layer tracked through it; points drawn on the object's mask upsampled (nearest) to the
 * model's S x S input — one positive per 20+ px component in random order, one negative per
 * component from its ring (Chebyshev distance 4..9 px, outside the object), the rest from the
 * whole object and its ring, no point twice — and returned in frame pixels,
 * x = x_model * W / S - 0.5. Same rules, the project's generator instead of numpy's: the
 * layers and objects equal the trainer's, the points differ (`--prompts` replays the trainer's).
 */
import { labelComponents } from '../../labels/connectedComponents';
import type { Random } from '../../synth/random';
import { shownMask, type Draw, type EvalCase, type EvalSequence } from './layerSequenceEval';
import { chooseWithout, promptedPositions, type SampledPoint } from './promptSampling';

const RING_INNER = 3;
const RING_OUTER = 9;
const MIN_COMPONENT_PX = 20;

/** Object ids with at least max(1, minPx) pixels on one layer, ascending. */
export function shownObjects(c: EvalCase, layer: number, minPx: number): number[] {
  const plane = c.layers.rows * c.layers.cols;
  const counts = new Map<number, number>();
  for (let i = plane * layer; i < plane * (layer + 1); i++) {
    const id = c.labels[i];
    if (id > 0) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, n]) => n >= Math.max(1, minPx))
    .map(([id]) => id)
    .sort((a, b) => a - b);
}

/** `length` layers spread evenly over the labelled span, as numpy.linspace(..., dtype=int). */
export function subjectLayers(c: EvalCase, length: number, minPx: number): number[] {
  const shown: number[] = [];
  for (let k = 0; k < c.layers.count; k++) if (shownObjects(c, k, minPx).length) shown.push(k);
  if (shown.length === 0) return [];
  const lo = shown[0];
  const last = shown[shown.length - 1] - lo;
  if (length === 1) return [lo];
  const step = last / (length - 1);
  return Array.from({ length }, (_, i) => lo + (i === length - 1 ? last : Math.floor(i * step)));
}

/** rows x cols -> side x side: output pixel i reads source floor((2i + 1) * n / (2 side)). */
export function upsampleNearest(
  mask: Uint8Array,
  rows: number,
  cols: number,
  side: number,
): Uint8Array {
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    const sy = Math.floor(((2 * y + 1) * rows) / (2 * side));
    for (let x = 0; x < side; x++)
      out[y * side + x] = mask[sy * cols + Math.floor(((2 * x + 1) * cols) / (2 * side))];
  }
  return out;
}

/** Square (Chebyshev) dilation by `radius`, zero outside. */
function squareDilation(mask: Uint8Array, rows: number, cols: number, radius: number): Uint8Array {
  const across = new Uint8Array(mask.length);
  for (let y = 0; y < rows; y++) {
    // The latest set pixel at or left of at + radius is within reach of `at` exactly when any is.
    let last = -Infinity;
    for (let x = 0; x < cols + radius; x++) {
      if (x < cols && mask[y * cols + x]) last = x;
      const at = x - radius;
      if (at >= 0 && at - last <= radius) across[y * cols + at] = 1;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < cols; x++) {
    let last = -Infinity;
    for (let y = 0; y < rows; y++) {
      if (across[y * cols + x]) last = y;
      if (y - last <= radius) out[y * cols + x] = 1;
    }
    let next = Infinity;
    for (let y = rows - 1; y >= 0; y--) {
      if (across[y * cols + x]) next = y;
      if (next - y <= radius) out[y * cols + x] = 1;
    }
  }
  return out;
}

/** Pixels at Chebyshev distance 3 < d <= 9 from `mask` (the authors' two dilations). */
export function paperRing(mask: Uint8Array, rows: number, cols: number): Uint8Array {
  const outer = squareDilation(mask, rows, cols, RING_OUTER);
  const inner = squareDilation(mask, rows, cols, RING_INNER);
  for (let i = 0; i < outer.length; i++) outer[i] &= 1 - inner[i];
  return outer;
}

/** One component's ring outside the whole object, computed in the component's padded box. */
function componentRing(members: number[], object: Uint8Array, side: number): number[] {
  let r0 = side;
  let r1 = 0;
  let c0 = side;
  let c1 = 0;
  for (const i of members) {
    const r = Math.floor(i / side);
    const c = i % side;
    r0 = Math.min(r0, r);
    r1 = Math.max(r1, r);
    c0 = Math.min(c0, c);
    c1 = Math.max(c1, c);
  }
  const pad = RING_OUTER + 1;
  r0 = Math.max(0, r0 - pad);
  c0 = Math.max(0, c0 - pad);
  r1 = Math.min(side, r1 + pad + 1);
  c1 = Math.min(side, c1 + pad + 1);
  const h = r1 - r0;
  const w = c1 - c0;
  const box = new Uint8Array(h * w);
  for (const i of members) box[(Math.floor(i / side) - r0) * w + ((i % side) - c0)] = 1;
  const ring = paperRing(box, h, w);
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y + r0) * side + (x + c0);
      if (ring[y * w + x] && !object[i]) out.push(i);
    }
  }
  return out.sort((a, b) => a - b);
}

function pickOne(rng: Random, region: readonly number[], taken: Set<number>): number | undefined {
  const free = region.filter((i) => !taken.has(i));
  return free.length ? free[rng.int(0, free.length - 1)] : undefined;
}

function shuffled<T>(rng: Random, items: readonly T[]): T[] {
  return chooseWithout(rng, items, items.length);
}

/**
 * Up to `count` points, one from the region of each component in shuffled order (a component
 * whose region has no free pixel is passed over); each point picked joins `taken`.
 */
function onePerComponent(
  rng: Random,
  components: readonly number[][],
  count: number,
  taken: Set<number>,
  regionOf: (component: number[]) => readonly number[],
): number[] {
  const picked: number[] = [];
  for (const component of shuffled(rng, components)) {
    if (picked.length === count) break;
    const point = pickOne(rng, regionOf(component), taken);
    if (point === undefined) continue;
    picked.push(point);
    taken.add(point);
  }
  return picked;
}

/** Flat indices on the side x side grid: positives, then negatives (the authors' rule). */
export function modelResolutionPoints(
  rng: Random,
  mask: Uint8Array,
  rows: number,
  cols: number,
  nPos: number,
  nNeg: number,
  side: number,
): { positives: number[]; negatives: number[] } {
  const big = upsampleNearest(mask, rows, cols, side);
  const { labels, count } = labelComponents(big, side, side, 8);
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < labels.length; i++) if (labels[i] > 0) members[labels[i] - 1].push(i);
  const kept = members.filter((m) => m.length >= MIN_COMPONENT_PX);
  const taken = new Set<number>();
  const positives = onePerComponent(rng, kept, nPos, taken, (component) => component);
  const negatives = onePerComponent(rng, kept, nNeg, taken, (component) =>
    componentRing(component, big, side),
  );
  const inside = members.flat().sort((a, b) => a - b);
  const more = chooseWithout(
    rng,
    inside.filter((i) => !taken.has(i)),
    Math.max(0, Math.min(nPos - positives.length, inside.length)),
  );
  positives.push(...more);
  for (const i of more) taken.add(i);
  const ring = paperRing(big, side, side);
  const around: number[] = [];
  for (let i = 0; i < ring.length; i++) if (ring[i] && !taken.has(i)) around.push(i);
  negatives.push(
    ...chooseWithout(rng, around, Math.max(0, Math.min(nNeg - negatives.length, around.length))),
  );
  return { positives, negatives };
}

/** Points [x, y, label] in frame pixels, drawn at model resolution. */
export function paperFramePrompt(
  rng: Random,
  mask: Uint8Array,
  rows: number,
  cols: number,
  nPos: number,
  nNeg: number,
  side: number,
): SampledPoint[] {
  const { positives, negatives } = modelResolutionPoints(rng, mask, rows, cols, nPos, nNeg, side);
  const toFrame = (i: number, label: 0 | 1): SampledPoint => [
    ((i % side) * cols) / side - 0.5,
    (Math.floor(i / side) * rows) / side - 0.5,
    label,
  ];
  return [...positives.map((i) => toFrame(i, 1)), ...negatives.map((i) => toFrame(i, 0))];
}

/** The subject's one sequence, once per object shown on its prompted layers (ids ascending). */
export function subjectSequences(
  rng: Random,
  c: EvalCase,
  draw: Draw,
  side: number,
  minPx: number,
): EvalSequence[] {
  const layers = subjectLayers(c, draw.frames, minPx);
  if (layers.length === 0) return [];
  const positions = promptedPositions(draw.prompted, layers.length, 'upper');
  const objects = [...new Set(positions.flatMap((p) => shownObjects(c, layers[p], minPx)))].sort(
    (a, b) => a - b,
  );
  const { rows, cols } = c.layers;
  return objects.map((object) => ({
    case: c.name,
    object,
    layers,
    prompts: positions
      .map((position) => ({ position, mask: shownMask(c, object, layers[position], minPx) }))
      .filter(({ mask }) => mask.some((v) => v === 1))
      .map(({ position, mask }) => ({
        position,
        points: paperFramePrompt(
          rng,
          mask,
          rows,
          cols,
          Math.max(1, draw.positive),
          draw.negative,
          side,
        ),
      })),
  }));
}
