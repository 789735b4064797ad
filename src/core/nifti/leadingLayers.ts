/**
 * The first layers of a volume from the first bytes of its (decompressed) NIfTI file, so that a
 * viewer can show a layer while the rest is still being read or decompressed. NIfTI stores x
 * fastest, so the layers along the last (k) axis are contiguous and come first; the other axes'
 * layers need the whole file. Decoding (byte order, scaling, NaN) is the full reader's.
 */
import type { Volume } from '../volume/volume';
import { decodeVoxels } from './decodeVoxels';
import { NIFTI2_HEADER_BYTES } from './niftiDetect';
import { DEFAULT_MAX_BYTES, parseNiftiHeader, type NiftiHeader } from './niftiHeader';

export interface LeadingLayers {
  readonly header: NiftiHeader;
  /** The first `dims[2]` k-layers of the file's volume: dims are [nx, ny, layers held]. */
  readonly volume: Volume;
}

/**
 * The first `wanted` k-layers (fewer when the volume has fewer), or null while `prefix` is too
 * short to hold the header and all of them. A bad header throws the full reader's NiftiError.
 */
export function leadingLayers(
  prefix: Uint8Array,
  wanted: number,
  maxBytes = DEFAULT_MAX_BYTES,
): LeadingLayers | null {
  // Either header fits in 540 bytes; a file shorter than that has no time to save anyway.
  if (prefix.length < NIFTI2_HEADER_BYTES) return null;
  const header = parseNiftiHeader(prefix, maxBytes);
  const [nx, ny, nz] = header.dims;
  const layers = Math.min(Math.max(1, Math.floor(wanted)), nz);
  const bytes = nx * ny * layers * header.bytesPerVoxel;
  const end = header.voxOffset + bytes;
  if (prefix.length < end) return null;
  // A copy of its own (also for a Node Buffer, whose slice is a view): the caller's buffer
  // keeps filling, and decoding may swap or scale in place.
  const raw = Uint8Array.prototype.slice.call(prefix, header.voxOffset, end) as Uint8Array;
  const decoded = decodeVoxels(raw, true, header);
  return {
    header,
    volume: {
      dims: [nx, ny, layers],
      spacingMm: header.spacingMm,
      affine: header.affine,
      type: decoded.type,
      data: decoded.data,
    },
  };
}
