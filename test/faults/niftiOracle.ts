/**
 * An independent decoder for the fault suite: given the plain (uncompressed) bytes and what the
 * header describes (niftiMutator.ts), the voxels a correct reader returns, or 'error' when the
 * file cannot hold them. Written with DataView getters, one voxel at a time, sharing no code
 * with src/core/nifti, so the two cannot be wrong the same way.
 */
import type { VoxelType } from '../../src/core/volume/volume';
import { BYTES_PER_VOXEL } from '../fixtures/makeNifti';
import type { Described } from './niftiMutator';

const GETTERS: Record<VoxelType, (v: DataView, at: number, le: boolean) => number> = {
  uint8: (v, at) => v.getUint8(at),
  int8: (v, at) => v.getInt8(at),
  int16: (v, at, le) => v.getInt16(at, le),
  uint16: (v, at, le) => v.getUint16(at, le),
  int32: (v, at, le) => v.getInt32(at, le),
  uint32: (v, at, le) => v.getUint32(at, le),
  float32: (v, at, le) => v.getFloat32(at, le),
  float64: (v, at, le) => v.getFloat64(at, le),
};

export function expectedVoxels(plain: Uint8Array, d: Described): number[] | 'error' {
  const count = d.dims[0] * d.dims[1] * d.dims[2];
  const bpv = BYTES_PER_VOXEL[d.type];
  if (d.voxOffset + count * bpv > plain.length) return 'error';
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const out: number[] = new Array(count);
  for (let n = 0; n < count; n++) {
    let value = GETTERS[d.type](view, d.voxOffset + n * bpv, d.littleEndian);
    if (d.scaling) {
      const finiteBefore = Number.isFinite(value);
      value = Math.fround(value * d.scaling.slope + d.scaling.inter);
      // A finite voxel scaled out of float32's range cannot be shown: the file must be refused.
      if (finiteBefore && !Number.isFinite(value)) return 'error';
    }
    // The reader's documented rule: NaN and ±Infinity are shown as 0, with a notice.
    out[n] = Number.isFinite(value) ? value : 0;
  }
  return out;
}

/** Same voxel values (and so the same count); -0 and 0 count as equal, as in a texture. */
export function sameVoxels(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) return false;
  return true;
}
