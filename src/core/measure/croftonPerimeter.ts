/**
 * Perimeter of a 2D mask by the Cauchy–Crofton formula: the length of a boundary is half the
 * integral, over all lines, of the number of times each line crosses it. Counting crossings along
 * the pixel lattice's lines in 8 directions (steps (1,0), (1,1), (2,1), … in pixels), each line
 * family weighted by its spacing and by the share of angles its direction stands for, gives an
 * estimate that, unlike counting boundary pixels or edges (4–8 % high on a disc), stays within
 * about 1 % on discs and ellipses of ten pixels' radius or more (Lehmann & Legland 2012).
 * Anisotropic pixels change the directions' physical angles and spacings; both are taken into
 * account. Pixels outside the image count as outside, so a mask cut by the image edge gets the
 * edge as part of its boundary.
 */
import { MeasureError } from './measureError';

/** Primitive lattice steps [dx, dy]: one line family each, directions spread over 180°. */
const STEPS: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 1],
  [1, 1],
  [1, 2],
  [0, 1],
  [-1, 2],
  [-1, 1],
  [-2, 1],
];

/** Perimeter in mm of the non-zero pixels of a width × height mask with pixels pixelMm. */
export function croftonPerimeter(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  pixelMm: readonly [number, number],
): number {
  if (mask.length !== width * height) {
    throw new MeasureError(
      `Mask has ${mask.length} pixels; ${width}×${height} needs ${width * height}.`,
    );
  }
  const [sx, sy] = pixelMm;
  const families = STEPS.map(([dx, dy]) => {
    const length = Math.hypot(dx * sx, dy * sy);
    return {
      dx,
      dy,
      angle: Math.atan2(dy * sy, dx * sx),
      // Lines through lattice points parallel to a primitive step are a cell area / |step| apart.
      spacing: (sx * sy) / length,
    };
  });
  let total = 0;
  families.forEach((family, n) => {
    const before = families[(n + families.length - 1) % families.length].angle;
    const after = families[(n + 1) % families.length].angle;
    // Angles live on [0, π): wrap the neighbours of the first and last direction.
    const weight = (wrap(after - family.angle) + wrap(family.angle - before)) / 2;
    total += weight * family.spacing * crossings(mask, width, height, family.dx, family.dy);
  });
  return total / 2;
}

function wrap(angle: number): number {
  return ((angle % Math.PI) + Math.PI) % Math.PI;
}

/** Inside/outside changes between p and p ± step along every lattice line of that direction. */
function crossings(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  dx: number,
  dy: number,
): number {
  const outside = (x: number, y: number): boolean =>
    x < 0 || y < 0 || x >= width || y >= height || mask[x + width * y] === 0;
  let count = 0;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      if (mask[p] === 0) continue;
      // Every change has exactly one inside end: count it from there, once per side.
      if (outside(x + dx, y + dy)) count++;
      if (outside(x - dx, y - dy)) count++;
    }
  }
  return count;
}
