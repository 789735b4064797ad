/**
 * The voxel-to-world matrix of a NIfTI header, in millimetres. Preference follows the brief of
 * this viewer (sform when set, else qform, else plain scaling), not nifti-reader-js's own choice,
 * and a transform with non-finite entries falls through to the next one with a notice.
 */

export interface AffineSource {
  sformCode: number;
  /** srow_x, srow_y, srow_z, row-major 3×4. */
  srow: readonly number[];
  qformCode: number;
  quatern: readonly [b: number, c: number, d: number];
  qoffset: readonly [x: number, y: number, z: number];
  /** pixdim[0]: its sign is qfac. */
  qfacPixdim: number;
  /** Voxel sizes in header units (pixdim[1..3], already made positive and finite). */
  spacing: readonly [number, number, number];
  /** Multiplier from header units to millimetres. */
  toMm: number;
}

/** Row-major 4×4 in mm, and which transform it came from. */
export function niftiAffine(
  src: AffineSource,
  notices: string[],
): { affine: number[]; source: 'sform' | 'qform' | 'pixdim' } {
  if (src.sformCode > 0) {
    if (src.srow.every(Number.isFinite)) {
      return { affine: toMm([...src.srow, 0, 0, 0, 1], src.toMm), source: 'sform' };
    }
    notices.push('The header sform has non-finite entries; it was ignored.');
  }
  if (src.qformCode > 0) {
    const q = qformMatrix(src);
    if (q.every(Number.isFinite)) return { affine: toMm(q, src.toMm), source: 'qform' };
    notices.push('The header qform has non-finite entries; it was ignored.');
  }
  const [sx, sy, sz] = src.spacing;
  return {
    affine: toMm([sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, sz, 0, 0, 0, 0, 1], src.toMm),
    source: 'pixdim',
  };
}

/** NIfTI-1 method 2: rotation from the unit quaternion (b, c, d), scaled by pixdim and qfac. */
function qformMatrix(src: AffineSource): number[] {
  let [b, c, d] = src.quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // Not a unit quaternion: a is taken as 0 and (b, c, d) normalised, as nifti1_io does.
    const norm = Math.hypot(b, c, d);
    if (norm > 0) {
      b /= norm;
      c /= norm;
      d /= norm;
    }
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const [dx, dy, dzRaw] = src.spacing;
  const dz = src.qfacPixdim < 0 ? -dzRaw : dzRaw;
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const [ox, oy, oz] = src.qoffset;
  return [
    ...[r[0][0] * dx, r[0][1] * dy, r[0][2] * dz, ox],
    ...[r[1][0] * dx, r[1][1] * dy, r[1][2] * dz, oy],
    ...[r[2][0] * dx, r[2][1] * dy, r[2][2] * dz, oz],
    ...[0, 0, 0, 1],
  ];
}

function toMm(m: number[], toMm: number): number[] {
  return m.map((v, idx) => (idx < 12 ? v * toMm : v));
}
