/**
 * The dense prompt a model bundle can ask for (manifest `prompts.dense_prior`, docs/model-bundle.md):
 * the region the classical rule grows from a prompted layer's points (the side the points say),
 * pooled to the mask decoder's mask input. The twin of trainer/samocta2/prompt_prior.py, held to
 * it by shared vectors (test/fixtures/promptPrior).
 */
import { gaussianSmooth2d } from '../sparse/gaussianSmooth2d';
import {
  CLASSICAL_SIGMA_PX,
  classicalFrameMask,
  partsHolding,
  pointPixel,
} from './eval/classicalBaseline';
import type { SampledPoint } from './eval/promptSampling';
import type { PromptPoint } from './trackTypes';

export const DENSE_PRIOR_KIND = 'threshold-region';
/** Version 2 added `carve` (the region cut at the negative points inside it): a reader of
 * version 1 would ignore the flag and track with a prompt the bundle was not trained on. */
export const DENSE_PRIOR_VERSIONS = [1, 2] as const;

/**
 * A layer gets the dense prompt when its points hold a positive and a negative one: without a
 * negative the threshold's other side is the layer's median, and a single click's region then
 * floods the capillaries around a vessel (those layers keep their points only).
 */
export function priorApplies(points: readonly PromptPoint[]): boolean {
  return points.some((p) => p.positive) && points.some((p) => !p.positive);
}

/**
 * rows × cols 0/1: the classical region of these points on a layer windowed to [0, 1]; with
 * `carve` (manifest prompts.dense_prior.carve), cut at the negative points inside it.
 */
export function priorMask(
  layer: Float32Array,
  rows: number,
  cols: number,
  points: readonly PromptPoint[],
  carve = false,
): Uint8Array {
  const smoothed = gaussianSmooth2d(layer, cols, rows, CLASSICAL_SIGMA_PX);
  const sampled = points.map((p): SampledPoint => [p.x, p.y, p.positive ? 1 : 0]);
  const region = classicalFrameMask(smoothed, rows, cols, sampled, 'auto');
  return carve ? carveRegion(region, rows, cols, points) : region;
}

/**
 * The region without the pixels nearer to a negative point inside it than to every positive
 * point, keeping the 8-connected parts that hold a positive point. Why: on a deep layer the FAZ
 * label is a crescent of the dark FAZ the layer shows, and a negative point the user puts in the
 * dark says where the object ends, which a threshold cannot see (docs/model-bundle.md 5.8).
 */
export function carveRegion(
  region: Uint8Array,
  rows: number,
  cols: number,
  points: readonly PromptPoint[],
): Uint8Array {
  const pixelOf = (p: PromptPoint): number => pointPixel(p.x, p.y, rows, cols);
  const positives = points.filter((p) => p.positive).map(pixelOf);
  const inside = points
    .filter((p) => !p.positive)
    .map(pixelOf)
    .filter((p) => region[p] === 1);
  if (positives.length === 0 || inside.length === 0) return region;
  // Squared distance to the nearest of these pixels; a plain loop, as it runs per layer pixel.
  const nearest = (from: readonly number[], r: number, c: number): number => {
    let best = Infinity;
    for (const p of from) {
      const dr = r - Math.floor(p / cols);
      const dc = c - (p % cols);
      best = Math.min(best, dr * dr + dc * dc);
    }
    return best;
  };
  const kept = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const p = r * cols + c;
      kept[p] = region[p] && nearest(positives, r, c) <= nearest(inside, r, c) ? 1 : 0;
    }
  }
  return partsHolding(kept, rows, cols, positives);
}

/**
 * side × side values in [-1, 1]: each cell's share of the mask, binned as PyTorch's
 * adaptive_avg_pool2d bins (cell i covers floor(i·n/side) .. ceil((i+1)·n/side)), times 2 minus 1.
 */
export function priorInput(
  mask: Uint8Array,
  rows: number,
  cols: number,
  side: number,
): Float32Array {
  const out = new Float32Array(side * side);
  for (let i = 0; i < side; i++) {
    const r0 = Math.floor((i * rows) / side);
    const r1 = Math.ceil(((i + 1) * rows) / side);
    for (let j = 0; j < side; j++) {
      const c0 = Math.floor((j * cols) / side);
      const c1 = Math.ceil(((j + 1) * cols) / side);
      let sum = 0;
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += mask[r * cols + c];
      out[i * side + j] = (2 * sum) / ((r1 - r0) * (c1 - c0)) - 1;
    }
  }
  return out;
}
