/**
 * A predicted vessel region as a mask: the model's per-pixel probability, smoothed with a
 * Gaussian (removes the ragged, speckled edges a per-pixel prediction has; the region is a
 * large area, not a vessel), then thresholded.
 */
import { gaussianSmooth2d } from './gaussianSmooth2d';

export interface RegionOptions {
  /** Gaussian sigma in pixels; 0 turns smoothing off. Default 2. */
  sigma?: number;
  /** Probability at or above which a pixel is inside. Default 0.5. */
  threshold?: number;
  /** Value of probability 1 in the map (255 for maps stored as bytes). Default 1. */
  scale?: number;
}

export const DEFAULT_REGION_SIGMA = 2;

export function predictedRegion(
  probability: ArrayLike<number>,
  width: number,
  height: number,
  options: RegionOptions = {},
): Uint8Array {
  const sigma = options.sigma ?? DEFAULT_REGION_SIGMA;
  const threshold = options.threshold ?? 0.5;
  const scale = options.scale ?? 1;
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(`Probability scale must be a positive number; got ${scale}.`);
  }
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`Region threshold must be a probability 0..1; got ${threshold}.`);
  }
  const smooth = gaussianSmooth2d(probability, width, height, sigma);
  const cut = threshold * scale;
  const mask = new Uint8Array(smooth.length);
  for (let p = 0; p < smooth.length; p++) mask[p] = smooth[p] >= cut ? 1 : 0;
  return mask;
}
