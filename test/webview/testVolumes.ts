/**
 * Small volumes with values the tests can predict at every voxel, sent as the host sends them
 * (a VolumeHeaderInfo and the raw voxel bytes).
 */
import type { VolumeHeaderInfo } from '../../src/protocol/editorMessages';

export interface TestVolume {
  readonly header: VolumeHeaderInfo;
  readonly bytes: Uint8Array;
  value(i: number, j: number, k: number): number;
}

function header(
  name: string,
  dims: [number, number, number],
  spacing: [number, number, number],
): VolumeHeaderInfo {
  return {
    fileName: name,
    dims,
    spacingMm: spacing,
    affine: [spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1],
    type: 'uint8',
    notices: [],
    niftiVersion: 1,
  };
}

/**
 * uint8 (i, j, k) → (7i + 13j + 29k) mod 251, except voxel 0 = 0 and the last voxel = 255, so a
 * 0–100 % percentile window is exactly 0..255 and a voxel's grey level equals its value.
 * Depth (the longest axis) is k.
 */
export function patternVolume(dims: [number, number, number] = [32, 24, 40]): TestVolume {
  const [nx, ny, nz] = dims;
  const last = nx * ny * nz - 1;
  const value = (i: number, j: number, k: number): number => {
    const at = i + nx * (j + ny * k);
    return at === 0 ? 0 : at === last ? 255 : (7 * i + 13 * j + 29 * k) % 251;
  };
  const bytes = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) bytes[i + nx * (j + ny * k)] = value(i, j, k);
  return { header: header('pattern.nii.gz', dims, [0.01, 0.01, 0.005]), bytes, value };
}

/**
 * A dark, slightly noisy slab with two bright tubes (one oblique) and a bright ball off-centre:
 * asymmetric, so a rotation visibly changes the 3D rendering.
 */
export function tubesVolume(dims: [number, number, number] = [64, 56, 96]): TestVolume {
  const [nx, ny, nz] = dims;
  const value = (i: number, j: number, k: number): number => {
    const noise = ((i * 73856093) ^ (j * 19349663) ^ (k * 83492791)) & 15;
    const t = k / nz;
    const d1 = Math.hypot(i - (10 + 40 * t), j - 20);
    const d2 = Math.hypot(i - 44, k - 30);
    const d3 = Math.hypot(i - 20, j - 40, k - 70);
    let v = 10 + noise;
    if (d1 < 3) v = 230;
    if (d2 < 2.5 && j > 8) v = 200;
    if (d3 < 9) v = 255;
    return v;
  };
  const bytes = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) bytes[i + nx * (j + ny * k)] = value(i, j, k);
  return { header: header('tubes.nii.gz', dims, [0.01, 0.01, 0.008]), bytes, value };
}
