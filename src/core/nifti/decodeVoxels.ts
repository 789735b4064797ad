/**
 * Turns the raw bytes of one volume into a typed array: byte order fixed, scl_slope/scl_inter
 * applied, and NaN/Inf replaced so that windowing and textures never see them.
 */
import { VOXEL_ARRAYS, type VoxelArray, type VoxelType } from '../volume/volume';
import { NiftiError } from './niftiError';
import type { NiftiHeader } from './niftiHeader';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface DecodedVoxels {
  type: VoxelType;
  data: VoxelArray;
  notices: string[];
}

/**
 * @param raw exactly header.dataBytes bytes.
 * @param owned raw is a fresh buffer of its own that may be reused in place (no copy).
 */
export function decodeVoxels(raw: Uint8Array, owned: boolean, header: NiftiHeader): DecodedVoxels {
  const count = raw.length / header.bytesPerVoxel;
  const reuse = owned && raw.byteOffset === 0 && raw.buffer instanceof ArrayBuffer;
  // Uint8Array's slice copies; a Node Buffer's slice is a view, and the array below starts at
  // byte 0 of `bytes.buffer`, so a Buffer from readFileSync would be read from its header.
  const bytes = reuse ? raw : Uint8Array.prototype.slice.call(raw);
  if (header.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(bytes, header.bytesPerVoxel);
  const stored = new VOXEL_ARRAYS[header.type](bytes.buffer as ArrayBuffer, 0, count);
  const notices: string[] = [];

  let data: VoxelArray = stored;
  let type = header.type;
  if (header.scaling) {
    const { slope, inter } = header.scaling;
    const scaled = new Float32Array(count);
    let overflowed = 0;
    for (let idx = 0; idx < count; idx++) {
      scaled[idx] = stored[idx] * slope + inter;
      const value = scaled[idx]; // read back: float32 rounding is where it overflows
      // A finite stored value that scales to ±Infinity would be shown as 0: wrong, not missing.
      if (value - value !== 0 && stored[idx] - stored[idx] === 0) overflowed++;
    }
    if (overflowed > 0) {
      throw new NiftiError(
        `The header's scaling (scl_slope ${slope}, scl_inter ${inter}) takes ${overflowed} ` +
          `voxel${overflowed === 1 ? '' : 's'} beyond the float32 range the scaled volume is held in: ` +
          `those voxels cannot be shown as they are.`,
      );
    }
    data = scaled;
    type = 'float32';
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const bad = replaceNonFinite(data);
    if (bad > 0) {
      notices.push(`${bad} voxel${bad === 1 ? ' was' : 's were'} NaN or infinite; shown as 0.`);
    }
  }
  return { type, data, notices };
}

/** Reverses each `width`-byte word in place; `bytes` starts on a multiple of 4 (a fresh buffer). */
function swapBytes(bytes: Uint8Array, width: number): void {
  const count = Math.floor(bytes.length / width);
  if (width === 2) {
    const words = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
    for (let idx = 0; idx < count; idx++) {
      const x = words[idx];
      words[idx] = ((x & 0xff) << 8) | (x >>> 8);
    }
  } else if (width === 4 || width === 8) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, (count * width) / 4);
    for (let idx = 0; idx < words.length; idx++) words[idx] = swap32(words[idx]);
    if (width === 8) {
      for (let idx = 0; idx < words.length; idx += 2) {
        const t = words[idx];
        words[idx] = words[idx + 1];
        words[idx + 1] = t;
      }
    }
  }
}

function swap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

function replaceNonFinite(data: Float32Array | Float64Array): number {
  let bad = 0;
  for (let idx = 0; idx < data.length; idx++) {
    const v = data[idx];
    // v - v is NaN exactly for NaN and ±Infinity, and is cheaper than Number.isFinite here.
    if (v - v !== 0) {
      data[idx] = 0;
      bad++;
    }
  }
  return bad;
}
