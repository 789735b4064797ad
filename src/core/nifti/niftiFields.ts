/**
 * The header fields nifti-reader-js passes through unchecked: datatype table, dims, scaling,
 * voxel sizes and units. Each bad value becomes a NiftiError or a notice.
 */
import type { VoxelType } from '../volume/volume';
import { NiftiError } from './niftiError';

export const DATATYPES: ReadonlyMap<number, { type: VoxelType; bytes: number }> = new Map([
  [2, { type: 'uint8', bytes: 1 }],
  [256, { type: 'int8', bytes: 1 }],
  [4, { type: 'int16', bytes: 2 }],
  [512, { type: 'uint16', bytes: 2 }],
  [8, { type: 'int32', bytes: 4 }],
  [768, { type: 'uint32', bytes: 4 }],
  [16, { type: 'float32', bytes: 4 }],
  [64, { type: 'float64', bytes: 8 }],
]);

export const UNSUPPORTED_DATATYPES: ReadonlyMap<number, string> = new Map([
  [1, 'binary (1 bit)'],
  [32, 'complex64'],
  [128, 'RGB24'],
  [1024, 'int64'],
  [1280, 'uint64'],
  [1536, 'float128'],
  [1792, 'complex128'],
  [2048, 'complex256'],
  [2304, 'RGBA32'],
]);

/** Header units (xyzt_units & 7) to millimetres. */
export const UNIT_TO_MM: ReadonlyMap<number, number> = new Map([
  [1, 1000],
  [2, 1],
  [3, 0.001],
]);

export function checkDims(raw: readonly number[]): {
  dims: [number, number, number];
  volumes: number;
} {
  const rank = raw[0];
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) {
    throw new NiftiError(
      `The header's dim[0] is ${rank}; the number of dimensions must be 1 to 7.`,
    );
  }
  const sizes = raw.slice(1, rank + 1);
  const shape = sizes.join('×');
  sizes.forEach((n, idx) => {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new NiftiError(
        `The header's dim[${idx + 1}] is ${n} (dims ${shape}); every size must be at least 1.`,
      );
    }
  });
  if (rank < 3) {
    throw new NiftiError(`This file holds ${rank}D data (${shape}); the viewer needs a 3D volume.`);
  }
  if (sizes.slice(4).some((n) => n > 1)) {
    throw new NiftiError(
      `This file holds ${rank}D data (${shape}); only 3D and 4D files are supported.`,
    );
  }
  return { dims: [sizes[0], sizes[1], sizes[2]], volumes: rank >= 4 ? sizes[3] : 1 };
}

export function readScaling(
  slope: number,
  inter: number,
  notices: string[],
): { slope: number; inter: number } | null {
  // NIfTI: a slope of 0 means "no scaling"; nibabel writes NaN for the same.
  if (slope === 0 || Number.isNaN(slope)) return null;
  if (!Number.isFinite(slope)) {
    notices.push(`The header's scl_slope is ${slope}; scaling was ignored.`);
    return null;
  }
  if (!Number.isFinite(inter)) {
    notices.push(`The header's scl_inter is ${inter}; an intercept of 0 was used.`);
    inter = 0;
  }
  return slope === 1 && inter === 0 ? null : { slope, inter };
}

export function readSpacing(
  pixDims: readonly number[],
  notices: string[],
): [number, number, number] {
  const out: [number, number, number] = [1, 1, 1];
  for (let axis = 0; axis < 3; axis++) {
    const p = pixDims[axis + 1];
    if (!Number.isFinite(p) || p === 0) {
      notices.push(`The header's pixdim[${axis + 1}] is ${p}; a voxel size of 1 was assumed.`);
    } else {
      out[axis] = Math.abs(p);
    }
  }
  return out;
}
