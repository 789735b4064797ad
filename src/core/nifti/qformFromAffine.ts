/**
 * The NIfTI-1 qform (a rotation as a unit quaternion, a handedness sign qfac and an offset) that
 * best matches a voxel-to-world affine, so that a writer can set qform and sform consistently.
 * Shear and uneven scaling cannot be held by a qform: the rotation is then the nearest orthogonal
 * matrix to the affine's normalised columns (polar decomposition).
 */

export interface Qform {
  /** Quaternion (b, c, d); a = sqrt(1 − b² − c² − d²) ≥ 0. */
  quatern: [number, number, number];
  offset: [number, number, number];
  /** +1 right-handed, −1 when the third axis is flipped (stored in pixdim[0]). */
  qfac: 1 | -1;
}

/** `affine`: row-major 4×4 (at least its first 12 entries). */
export function qformFromAffine(affine: readonly number[]): Qform {
  let r: number[][] = [0, 1, 2].map((row) => [0, 1, 2].map((col) => affine[row * 4 + col]));
  // Normalise columns; a zero column becomes its own unit axis.
  for (let col = 0; col < 3; col++) {
    const n = Math.hypot(r[0][col], r[1][col], r[2][col]);
    for (let row = 0; row < 3; row++) r[row][col] = n > 0 ? r[row][col] / n : row === col ? 1 : 0;
  }
  r = nearestOrthogonal(r);
  let qfac: 1 | -1 = 1;
  if (det3(r) < 0) {
    qfac = -1;
    for (let row = 0; row < 3; row++) r[row][2] = -r[row][2];
  }
  return { quatern: quaternionOf(r), offset: [affine[3], affine[7], affine[11]], qfac };
}

/** Polar decomposition by Newton iteration X ← (X + X⁻ᵀ) / 2. */
function nearestOrthogonal(m: number[][]): number[][] {
  let x = m.map((row) => [...row]);
  for (let it = 0; it < 30; it++) {
    const inv = inverse3(x);
    if (!inv) return identity();
    const next = x.map((row, i) => row.map((v, j) => 0.5 * (v + inv[j][i])));
    const change = Math.max(...next.flatMap((row, i) => row.map((v, j) => Math.abs(v - x[i][j]))));
    x = next;
    if (change < 1e-12) break;
  }
  return x;
}

function quaternionOf(r: number[][]): [number, number, number] {
  const trace = r[0][0] + r[1][1] + r[2][2];
  let a: number, b: number, c: number, d: number;
  if (trace > 0.5) {
    a = 0.5 * Math.sqrt(1 + trace);
    b = (0.25 * (r[2][1] - r[1][2])) / a;
    c = (0.25 * (r[0][2] - r[2][0])) / a;
    d = (0.25 * (r[1][0] - r[0][1])) / a;
  } else if (r[0][0] >= r[1][1] && r[0][0] >= r[2][2]) {
    b = 0.5 * Math.sqrt(1 + r[0][0] - r[1][1] - r[2][2]);
    a = (0.25 * (r[2][1] - r[1][2])) / b;
    c = (0.25 * (r[0][1] + r[1][0])) / b;
    d = (0.25 * (r[0][2] + r[2][0])) / b;
  } else if (r[1][1] >= r[2][2]) {
    c = 0.5 * Math.sqrt(1 - r[0][0] + r[1][1] - r[2][2]);
    a = (0.25 * (r[0][2] - r[2][0])) / c;
    b = (0.25 * (r[0][1] + r[1][0])) / c;
    d = (0.25 * (r[1][2] + r[2][1])) / c;
  } else {
    d = 0.5 * Math.sqrt(1 - r[0][0] - r[1][1] + r[2][2]);
    a = (0.25 * (r[1][0] - r[0][1])) / d;
    b = (0.25 * (r[0][2] + r[2][0])) / d;
    c = (0.25 * (r[1][2] + r[2][1])) / d;
  }
  // The header stores only b, c, d and implies a ≥ 0.
  return a < 0 ? [-b, -c, -d] : [b, c, d];
}

function det3(m: number[][]): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

function inverse3(m: number[][]): number[][] | null {
  const det = det3(m);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return null;
  const cof = (r0: number, r1: number, c0: number, c1: number): number =>
    m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
  return [
    [cof(1, 2, 1, 2) / det, -cof(0, 2, 1, 2) / det, cof(0, 1, 1, 2) / det],
    [-cof(1, 2, 0, 2) / det, cof(0, 2, 0, 2) / det, -cof(0, 1, 0, 2) / det],
    [cof(1, 2, 0, 1) / det, -cof(0, 2, 0, 1) / det, cof(0, 1, 0, 1) / det],
  ];
}

function identity(): number[][] {
  return [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
}
