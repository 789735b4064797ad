/**
 * Shrinks a binary mask volume before meshing: crops it to the box of its inside voxels and
 * downsamples it by whole blocks (a block is inside when any voxel in it is), so thin vessels
 * stay visible. The result says where it sits in the original grid.
 */
import type { Dims3 } from './surfaceNets';

export interface MaskBlocks {
  readonly mask: Uint8Array;
  readonly dims: Dims3;
  /** Original voxel of block (0, 0, 0)'s first voxel. */
  readonly origin: Dims3;
  /** Voxels per block along each axis. */
  readonly factor: number;
}

/** null when nothing is inside. `maxVoxels` bounds the cropped, downsampled grid. */
export function cropAndDownsample(
  mask: ArrayLike<number>,
  dims: Dims3,
  maxVoxels: number,
): MaskBlocks | null {
  const [nx, ny, nz] = dims;
  const lo = [nx, ny, nz];
  const hi = [-1, -1, -1];
  for (let z = 0, n = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, n++) {
        if (mask[n] === 0) continue;
        if (x < lo[0]) lo[0] = x;
        if (x > hi[0]) hi[0] = x;
        if (y < lo[1]) lo[1] = y;
        if (y > hi[1]) hi[1] = y;
        if (z < lo[2]) lo[2] = z;
        if (z > hi[2]) hi[2] = z;
      }
    }
  }
  if (hi[0] < 0) return null;
  const size = [0, 1, 2].map((a) => hi[a] - lo[a] + 1);
  let factor = 1;
  const blocks = (f: number): number[] => size.map((s) => Math.ceil(s / f));
  while (blocks(factor).reduce((a, b) => a * b, 1) > maxVoxels) factor++;
  const [bx, by, bz] = blocks(factor);
  const out = new Uint8Array(bx * by * bz);
  for (let z = lo[2]; z <= hi[2]; z++) {
    const oz = Math.floor((z - lo[2]) / factor);
    for (let y = lo[1]; y <= hi[1]; y++) {
      const oy = Math.floor((y - lo[1]) / factor);
      const row = nx * (y + ny * z);
      for (let x = lo[0]; x <= hi[0]; x++) {
        if (mask[row + x] !== 0) out[Math.floor((x - lo[0]) / factor) + bx * (oy + by * oz)] = 1;
      }
    }
  }
  return { mask: out, dims: [bx, by, bz], origin: [lo[0], lo[1], lo[2]], factor };
}
