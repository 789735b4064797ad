/**
 * The classical baseline every evaluation scores beside the model (docs/evaluation.md), the
 * TypeScript twin of trainer/samocta2/classical.py: a threshold a user could set by hand from the
 * same clicks the model gets, so a model has to beat it to be worth clicking. Per frame:
 *
 * 1. Gaussian smoothing, σ = 2 px (scipy's defaults, as gaussianSmooth2d).
 * 2. Points: the frame's own prompts, else those of the nearest prompted frame (ties to the
 *    earlier); rounded to the nearest pixel (halves up) and clipped into the frame.
 * 3. Threshold halfway between the mean smoothed intensity at the positive points and at the
 *    negative points; without negative points the frame's median smoothed intensity stands in.
 * 4. The target's side whatever the points say: FAZ darker (≤ threshold), vessels brighter (≥).
 * 5. The 8-connected components holding a positive point, holes filled.
 *
 * No prompt at all, or no positive point among a frame's points: an empty mask.
 */
import { labelComponents } from '../../labels/connectedComponents';
import { fillHoles } from '../../labels/fillHoles';
import { gaussianSmooth2d } from '../../sparse/gaussianSmooth2d';
import type { SampledPoint } from './promptSampling';

export const CLASSICAL_SIGMA_PX = 2;

export type ClassicalTarget = 'rv' | 'faz';
/**
 * The side the points say (darker when the positive points are darker than the negative ones,
 * or than the median without negatives): for the model's dense prompt (promptPrior.ts), which
 * is not told whether it segments a vessel or the FAZ.
 */
export type FrameSide = ClassicalTarget | 'auto';

export interface ClassicalPrompt {
  /** Sequence position of the prompted frame. */
  position: number;
  points: readonly SampledPoint[];
}

/** The prompted position closest to `position`; of two equally close, the earlier. */
export function nearestPrompted(position: number, prompted: readonly number[]): number {
  let best = prompted[0];
  for (const p of prompted) {
    const d = Math.abs(p - position);
    const bestD = Math.abs(best - position);
    if (d < bestD || (d === bestD && p < best)) best = p;
  }
  return best;
}

/** Masks (one rows × cols Uint8Array per frame) for frames in [0, 1] and their prompts. */
export function classicalMasks(
  frames: readonly Float32Array[],
  rows: number,
  cols: number,
  prompts: readonly ClassicalPrompt[],
  target: ClassicalTarget,
): Uint8Array[] {
  if (target !== 'rv' && target !== 'faz') {
    throw new RangeError(`Classical baseline target must be rv or faz; got '${String(target)}'.`);
  }
  const byPosition = new Map<number, readonly SampledPoint[]>();
  for (const p of prompts) {
    if (p.position >= 0 && p.position < frames.length) byPosition.set(p.position, p.points);
  }
  const prompted = [...byPosition.keys()].sort((a, b) => a - b);
  return frames.map((frame, t) => {
    if (prompted.length === 0) return new Uint8Array(rows * cols);
    const smoothed = gaussianSmooth2d(frame, cols, rows, CLASSICAL_SIGMA_PX);
    return classicalFrameMask(
      smoothed,
      rows,
      cols,
      byPosition.get(nearestPrompted(t, prompted))!,
      target,
    );
  });
}

/** Steps 3-5 on one smoothed frame. */
export function classicalFrameMask(
  smoothed: Float32Array,
  rows: number,
  cols: number,
  points: readonly SampledPoint[],
  target: FrameSide,
): Uint8Array {
  const empty = new Uint8Array(rows * cols);
  const positives: number[] = [];
  let posSum = 0;
  let negSum = 0;
  let negCount = 0;
  for (const [x, y, label] of points) {
    const p = pointPixel(x, y, rows, cols);
    if (label === 1) {
      positives.push(p);
      posSum += smoothed[p];
    } else {
      negSum += smoothed[p];
      negCount++;
    }
  }
  if (positives.length === 0) return empty;
  const negMean = negCount > 0 ? negSum / negCount : median(smoothed);
  const posMean = posSum / positives.length;
  const threshold = (posMean + negMean) / 2;
  const dark = target === 'faz' || (target === 'auto' && posMean < negMean);
  const side = new Uint8Array(rows * cols);
  for (let p = 0; p < side.length; p++) {
    side[p] = (dark ? smoothed[p] <= threshold : smoothed[p] >= threshold) ? 1 : 0;
  }
  return fillHoles(partsHolding(side, rows, cols, positives), cols, rows);
}

/** The pixel index of a point (x, y): rounded to the nearest pixel (halves up), clipped in. */
export function pointPixel(x: number, y: number, rows: number, cols: number): number {
  const col = Math.min(cols - 1, Math.max(0, Math.floor(x + 0.5)));
  const row = Math.min(rows - 1, Math.max(0, Math.floor(y + 0.5)));
  return row * cols + col;
}

/** rows × cols 0/1: the 8-connected parts of `mask` that hold one of these pixel indices. */
export function partsHolding(
  mask: Uint8Array,
  rows: number,
  cols: number,
  pixels: readonly number[],
): Uint8Array {
  const { labels, count } = labelComponents(mask, cols, rows, 8);
  const keep = new Uint8Array(count + 1);
  for (const p of pixels) keep[labels[p]] = 1;
  keep[0] = 0;
  const kept = new Uint8Array(rows * cols);
  for (let p = 0; p < kept.length; p++) kept[p] = keep[labels[p]];
  return kept;
}

/** numpy's median: the middle value, or the mean of the two middle values. */
function median(values: Float32Array): number {
  const sorted = Float32Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
