/**
 * Reads a .nii or .nii.gz file's bytes into a Volume: NIfTI-1 or NIfTI-2, either byte order, the
 * eight scalar datatypes, 3D or the first volume of a 4D file. Any bad input ends in a NiftiError
 * (what is wrong + what is supported); the caller's bytes are never modified.
 */
import type { Volume } from '../volume/volume';
import { decodeVoxels } from './decodeVoxels';
import { gunzipRange, isGzip } from './gunzipRange';
import { NiftiError } from './niftiError';
import {
  DEFAULT_MAX_BYTES,
  NIFTI2_HEADER_BYTES,
  parseNiftiHeader,
  type NiftiHeader,
} from './niftiHeader';

export { isGzip } from './gunzipRange';
export { DEFAULT_MAX_BYTES, type NiftiHeader } from './niftiHeader';

export interface NiftiReadOptions {
  /** Largest decoded voxel array accepted, in bytes (default 2 GiB). */
  maxBytes?: number;
}

export interface NiftiReadResult {
  volume: Volume;
  niftiVersion: 1 | 2;
  /** Things the user should know that did not stop the read (4D, NaN voxels, assumed units). */
  notices: string[];
  /** The header's descrip field, printable ASCII only. */
  description: string;
}

export function readNifti(bytes: Uint8Array, options: NiftiReadOptions = {}): NiftiReadResult {
  return guard(() => {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    let header: NiftiHeader | undefined;
    let raw: Uint8Array;
    let owned: boolean;
    let available: number;
    if (isGzip(bytes)) {
      // Read to the end of the stream so its CRC-32 and length are checked (gunzipRange).
      const result = gunzipRange(bytes, NIFTI2_HEADER_BYTES, (prefix) => {
        header = parseNiftiHeader(prefix, maxBytes);
        return {
          start: header.voxOffset,
          length: header.dataBytes,
          describedBytes: header.voxOffset + header.dataBytes * header.volumes,
        };
      });
      raw = result.range;
      owned = true;
      available = result.decompressedBytes;
    } else {
      header = parseNiftiHeader(bytes, maxBytes);
      raw = bytes.subarray(
        Math.min(header.voxOffset, bytes.length),
        header.voxOffset + header.dataBytes,
      );
      owned = false;
      available = bytes.length;
    }
    const h = header as NiftiHeader;
    if (raw.length < h.dataBytes) {
      throw new NiftiError(
        `The ${isGzip(bytes) ? 'decompressed ' : ''}file is truncated: the header describes ${h.dims.join('×')} ` +
          `${h.type} voxels (${h.dataBytes} bytes from byte ${h.voxOffset}), but the data ends after ${available} bytes.`,
      );
    }
    const notices = [...h.notices];
    const held = Math.floor((available - h.voxOffset) / h.dataBytes);
    if (h.volumes > 1 && h.dataBytes > 0 && held < h.volumes) {
      notices.push(
        `The header says ${h.volumes} volumes (dim[4]) but the file holds ${held}; volume 1 was read.`,
      );
    }
    const decoded = decodeVoxels(raw, owned, h);
    return {
      volume: {
        dims: h.dims,
        spacingMm: h.spacingMm,
        affine: h.affine,
        type: decoded.type,
        data: decoded.data,
      },
      niftiVersion: h.version,
      notices: [...notices, ...decoded.notices],
      description: h.description,
    };
  });
}

/**
 * Parses only the header, from the first bytes of a file (gzip or not; 64 KiB is plenty unless
 * the file is gzip with large extensions). Lets a host refuse a file before reading all of it.
 * For gzip this verifies only that the deflate data in the prefix decodes: the CRC-32 and length
 * are in the trailer at the file's end, checked when readNifti reads the whole file.
 */
export function readNiftiHeaderOnly(
  prefix: Uint8Array,
  options: NiftiReadOptions = {},
): NiftiHeader {
  return guard(() => {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!isGzip(prefix)) return parseNiftiHeader(prefix, maxBytes);
    let header: NiftiHeader | undefined;
    gunzipRange(
      prefix,
      NIFTI2_HEADER_BYTES,
      (head) => {
        header = parseNiftiHeader(head, maxBytes);
        return { start: 0, length: 0 };
      },
      false,
    );
    return header as NiftiHeader;
  });
}

/** Keeps the promise that only NiftiErrors leave the reader, e.g. when an allocation fails. */
function guard<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof NiftiError) throw error;
    if (
      error instanceof RangeError &&
      /allocation|array length|buffer length/i.test(error.message)
    ) {
      throw new NiftiError(`The volume could not be held in memory (${error.message}).`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new NiftiError(`Internal reader error: ${reason}`);
  }
}
