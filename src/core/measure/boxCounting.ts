/**
 * Fractal dimension of a 2D mask by box counting: N(s), the number of s×s-pixel boxes that hold
 * any foreground, falls as s^−D for a fractal set; D is minus the least-squares slope of
 * log N(s) against log s. Box sizes run in powers of two from 2 pixels to a quarter of the
 * region's shorter side (boxes bigger than that are too few to count), unless given. Boxes are
 * laid from the region's first row and column, and only foreground inside the region counts.
 */
import { MeasureError } from './measureError';

export interface BoxCount {
  /** null when the mask is empty or fewer than three box sizes fit the region. */
  dimension: number | null;
  sizes: number[];
  counts: number[];
}

export function boxCountingDimension(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  options: { region?: ArrayLike<number>; sizes?: readonly number[] } = {},
): BoxCount {
  if (mask.length !== width * height) {
    throw new MeasureError(
      `Mask has ${mask.length} pixels; ${width}×${height} needs ${width * height}.`,
    );
  }
  const region = options.region;
  if (region && region.length !== mask.length) {
    throw new MeasureError(`Region has ${region.length} pixels; the mask has ${mask.length}.`);
  }
  const inside = (p: number): boolean => region === undefined || region[p] !== 0;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      if (!inside(p)) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  const side = Math.min(x1 - x0 + 1, y1 - y0 + 1);
  const sizes = options.sizes ? [...options.sizes] : powersOfTwo(2, side / 4);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new MeasureError(
      `Box sizes must be whole numbers of pixels ≥ 1; got ${sizes.join(', ')}.`,
    );
  }
  const counts = sizes.map((s) => {
    const columns = Math.ceil((x1 - x0 + 1) / s);
    const hit = new Uint8Array(columns * Math.ceil((y1 - y0 + 1) / s));
    let n = 0;
    for (let y = Math.max(y0, 0); y <= y1; y++) {
      for (let x = x0, p = x0 + width * y; x <= x1; x++, p++) {
        if (mask[p] === 0 || !inside(p)) continue;
        const box = Math.floor((x - x0) / s) + columns * Math.floor((y - y0) / s);
        if (hit[box] === 0) {
          hit[box] = 1;
          n++;
        }
      }
    }
    return n;
  });
  const usable = sizes.length >= 3 && counts.every((n) => n > 0);
  return {
    dimension: usable ? -slope(sizes.map(Math.log), counts.map(Math.log)) : null,
    sizes,
    counts,
  };
}

function powersOfTwo(from: number, upTo: number): number[] {
  const sizes: number[] = [];
  for (let s = from; s <= upTo; s *= 2) sizes.push(s);
  return sizes;
}

/** Least-squares slope of y on x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}
