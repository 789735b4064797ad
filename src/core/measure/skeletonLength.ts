/**
 * Length of a one-pixel-wide skeleton in mm, as the OCTA and vessel-analysis tools measure it
 * (AngioTool, OCTAVA via skan): the sum of the distances between 8-adjacent skeleton pixel
 * centres, a diagonal step counted only where no 4-adjacent path joins the two pixels (else a
 * corner would count twice). Exact for lines along the axes and diagonals; for other directions a
 * digitised line reads up to 8 % long (5 % on average over directions; docs/measures.md).
 * Each step's length is shared half and half by its two pixels, so the length inside any region
 * (a sector) is the sum over its pixels.
 */
import { MeasureError } from './measureError';

/** Per skeleton pixel, its share of the skeleton's length in mm (0 off the skeleton). */
export function skeletonLengthShares(
  skeleton: ArrayLike<number>,
  width: number,
  height: number,
  pixelMm: readonly [number, number],
): Float64Array {
  if (skeleton.length !== width * height) {
    throw new MeasureError(
      `Skeleton has ${skeleton.length} pixels; ${width}×${height} needs ${width * height}.`,
    );
  }
  const [sx, sy] = pixelMm;
  const diagonal = Math.hypot(sx, sy);
  const shares = new Float64Array(width * height);
  const on = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < width && y < height && skeleton[x + width * y] !== 0;
  const link = (p: number, q: number, length: number): void => {
    shares[p] += length / 2;
    shares[q] += length / 2;
  };
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      if (skeleton[p] === 0) continue;
      // Each step once, from its upper or left end: east, south, south-east, south-west.
      if (on(x + 1, y)) link(p, p + 1, sx);
      if (on(x, y + 1)) link(p, p + width, sy);
      if (on(x + 1, y + 1) && !on(x + 1, y) && !on(x, y + 1)) link(p, p + width + 1, diagonal);
      if (on(x - 1, y + 1) && !on(x - 1, y) && !on(x, y + 1)) link(p, p + width - 1, diagonal);
    }
  }
  return shares;
}

export function skeletonLength(
  skeleton: ArrayLike<number>,
  width: number,
  height: number,
  pixelMm: readonly [number, number],
): number {
  let total = 0;
  for (const share of skeletonLengthShares(skeleton, width, height, pixelMm)) total += share;
  return total;
}
