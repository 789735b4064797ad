/**
 * Which predicted layers to review first. Doubt per layer = wD·D + wU·U, both in 0..1:
 * - D, disagreement: mean of 1 − Dice between the layer's region (probability ≥ threshold) and
 *   each predicted neighbouring layer's region (±radius layers). Vessel regions change slowly
 *   with depth, so a layer that disagrees with the layers around it is likely wrong.
 * - U, uncertainty: mean of 1 − |2p − 1| (1 at p = 0.5, 0 at p = 0 or 1) over the candidate
 *   pixels, those with p ≥ candidate (default 0.25); 0 when there are none. Averaging over
 *   candidates, not the whole layer, keeps a large confident background from hiding a fuzzy
 *   region, and keeps faint speckle in a near-empty layer from counting.
 * Layers without a prediction (blank ones) get NaN and are left out of reviewOrder.
 */
import { dice } from './maskOverlap';

export interface DoubtOptions {
  /** Probability at or above which a pixel is in the region. Default 0.5. */
  threshold?: number;
  /** Probability from which a pixel counts towards uncertainty. Default 0.25. */
  candidate?: number;
  /** Neighbours compared on each side. Default 1. */
  radius?: number;
  /** Weights of disagreement and uncertainty. Default 0.5 each. */
  weights?: { disagreement: number; uncertainty: number };
  /** Value of probability 1 in the maps (255 for maps stored as bytes). Default 1. */
  scale?: number;
}

export interface DoubtResult {
  doubt: Float32Array;
  disagreement: Float32Array;
  uncertainty: Float32Array;
}

export function doubtScores(
  predictions: ReadonlyArray<ArrayLike<number> | null>,
  width: number,
  height: number,
  options: DoubtOptions = {},
): DoubtResult {
  const scale = options.scale ?? 1;
  const threshold = (options.threshold ?? 0.5) * scale;
  const candidate = (options.candidate ?? 0.25) * scale;
  const radius = options.radius ?? 1;
  const weights = options.weights ?? { disagreement: 0.5, uncertainty: 0.5 };
  if (!Number.isInteger(radius) || radius < 1) {
    throw new RangeError(`Neighbour radius must be a whole number ≥ 1; got ${radius}.`);
  }
  const pixels = width * height;
  predictions.forEach((map, layer) => {
    if (map && map.length !== pixels) {
      throw new RangeError(
        `Prediction of layer ${layer} has ${map.length} pixels; ${width}×${height} needs ${pixels}.`,
      );
    }
  });
  const regions = predictions.map((map) => {
    if (!map) return null;
    const region = new Uint8Array(pixels);
    for (let p = 0; p < pixels; p++) region[p] = map[p] >= threshold ? 1 : 0;
    return region;
  });
  const count = predictions.length;
  // 1 − Dice of each pair (layer, layer + d), d = 1..radius, computed once for both layers.
  const pairs = new Float64Array(count * radius).fill(NaN);
  for (let layer = 0; layer < count; layer++) {
    for (let d = 1; d <= radius && layer + d < count; d++) {
      const a = regions[layer];
      const b = regions[layer + d];
      if (a && b) pairs[layer * radius + d - 1] = 1 - dice(a, b);
    }
  }
  const doubt = new Float32Array(count).fill(NaN);
  const disagreement = new Float32Array(count).fill(NaN);
  const uncertainty = new Float32Array(count).fill(NaN);
  for (let layer = 0; layer < count; layer++) {
    const map = predictions[layer];
    if (!map) continue;
    let sum = 0;
    let neighbours = 0;
    for (let d = 1; d <= radius; d++) {
      const below = layer - d >= 0 ? pairs[(layer - d) * radius + d - 1] : NaN;
      const above = layer + d < count ? pairs[layer * radius + d - 1] : NaN;
      for (const value of [below, above]) {
        if (Number.isNaN(value)) continue;
        sum += value;
        neighbours++;
      }
    }
    const d = neighbours > 0 ? sum / neighbours : 0;
    const u = meanUncertainty(map, candidate, scale);
    disagreement[layer] = d;
    uncertainty[layer] = u;
    doubt[layer] = weights.disagreement * d + weights.uncertainty * u;
  }
  return { doubt, disagreement, uncertainty };
}

/** Layers with a score, most doubtful first (ties: lower layer first). */
export function reviewOrder(doubt: ArrayLike<number>): number[] {
  const layers: number[] = [];
  for (let layer = 0; layer < doubt.length; layer++) {
    if (!Number.isNaN(doubt[layer])) layers.push(layer);
  }
  return layers.sort((a, b) => doubt[b] - doubt[a] || a - b);
}

function meanUncertainty(map: ArrayLike<number>, candidate: number, scale: number): number {
  let sum = 0;
  let n = 0;
  for (let p = 0; p < map.length; p++) {
    const v = map[p];
    if (!(v >= candidate)) continue;
    const prob = v / scale;
    sum += Math.max(0, 1 - Math.abs(2 * prob - 1));
    n++;
  }
  return n > 0 ? sum / n : 0;
}
