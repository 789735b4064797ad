/**
 * Parses and validates a NIfTI-1 or NIfTI-2 header from the first bytes of an (uncompressed)
 * file. nifti-reader-js decodes the fields; everything it would accept silently (odd dims, sizes
 * that overflow, offsets inside the header, unsupported datatypes) is checked here and turned
 * into a NiftiError or a notice.
 */
import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import type { VoxelType } from '../volume/volume';
import { niftiAffine } from './niftiAffine';
import { detectNifti, NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES } from './niftiDetect';
import { NiftiError } from './niftiError';
import {
  checkDims,
  DATATYPES,
  readScaling,
  readSpacing,
  UNIT_TO_MM,
  UNSUPPORTED_DATATYPES,
} from './niftiFields';

export { NIFTI1_HEADER_BYTES, NIFTI2_HEADER_BYTES } from './niftiDetect';

/** Decoded voxel data allowed by default: 2 GiB. */
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  dims: [number, number, number];
  /** dim[4] when the file is 4D, else 1; only the first volume is read. */
  volumes: number;
  type: VoxelType;
  bytesPerVoxel: number;
  /** Byte offset of the first voxel. */
  voxOffset: number;
  /** Bytes of the first volume in the file. */
  dataBytes: number;
  /** Linear scaling to apply, or null when the header asks for none. */
  scaling: { slope: number; inter: number } | null;
  spacingMm: [number, number, number];
  affine: number[];
  description: string;
  notices: string[];
}

export function parseNiftiHeader(
  prefix: Uint8Array,
  maxBytes: number = DEFAULT_MAX_BYTES,
): NiftiHeader {
  const { version, littleEndian } = detectNifti(prefix);
  const size = version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  // Only the fixed header goes to the library: its extension parser can loop on corrupt sizes.
  // A real copy even for a Node Buffer (whose slice is a view into a shared pool).
  const copy = Uint8Array.prototype.slice.call(prefix, 0, size).buffer;
  const hdr = version === 1 ? new NIFTI1() : new NIFTI2();
  hdr.readHeader(copy);
  const notices: string[] = [];
  const view = new DataView(prefix.buffer, prefix.byteOffset, size);

  // nifti-reader-js mis-signs negative 64-bit fields, so NIfTI-2's are read here.
  const rawDims =
    version === 1
      ? hdr.dims
      : Array.from({ length: 8 }, (_, idx) => int64(view, 16 + idx * 8, littleEndian));
  const { dims, volumes } = checkDims(rawDims);
  const datatype = DATATYPES.get(hdr.datatypeCode);
  if (!datatype) {
    const name = UNSUPPORTED_DATATYPES.get(hdr.datatypeCode);
    throw new NiftiError(
      name
        ? `The voxel datatype ${name} (code ${hdr.datatypeCode}) is not supported.`
        : `The header's datatype code ${hdr.datatypeCode} is not a NIfTI datatype.`,
    );
  }

  const rawOffset = version === 1 ? hdr.vox_offset : int64(view, 168, littleEndian);
  const voxOffset = Math.floor(rawOffset);
  // A single file holds the header and 4 extension-flag bytes before any voxel (352 / 544).
  const minOffset = size + 4;
  if (!Number.isSafeInteger(voxOffset) || voxOffset < minOffset) {
    throw new NiftiError(
      `The header's vox_offset ${rawOffset} is not a valid voxel data offset (at least ${minOffset} ` +
        `in a single .nii file: the ${size}-byte header and 4 extension bytes come first).`,
    );
  }

  const scaling = readScaling(hdr.scl_slope, hdr.scl_inter, notices);
  const voxels = dims[0] * dims[1] * dims[2];
  const dataBytes = voxels * datatype.bytes;
  const decodedBytes = voxels * (scaling ? 4 : datatype.bytes);
  if (decodedBytes > maxBytes) {
    throw new NiftiError(
      `The volume is too large: ${dims.join('×')} ${scaling ? 'scaled to float32' : datatype.type} needs ` +
        `${formatBytes(decodedBytes)} of memory, over the limit of ${formatBytes(maxBytes)}.`,
    );
  }

  const unitCode = hdr.xyzt_units & 7;
  let toMm = UNIT_TO_MM.get(unitCode);
  if (toMm === undefined) {
    notices.push(
      unitCode === 0
        ? 'The header does not give spatial units; millimetres were assumed.'
        : `The header's spatial unit code ${unitCode} is not meters, mm or microns; millimetres were assumed.`,
    );
    toMm = 1;
  }
  const spacing = readSpacing(hdr.pixDims, notices);
  const srow: number[] = [];
  for (let idx = 0; idx < 12; idx++) {
    srow.push(
      version === 1
        ? view.getFloat32(280 + idx * 4, littleEndian)
        : view.getFloat64(400 + idx * 8, littleEndian),
    );
  }
  const { affine } = niftiAffine(
    {
      sformCode: hdr.sform_code,
      srow,
      qformCode: hdr.qform_code,
      quatern: [hdr.quatern_b, hdr.quatern_c, hdr.quatern_d],
      qoffset: [hdr.qoffset_x, hdr.qoffset_y, hdr.qoffset_z],
      qfacPixdim: hdr.pixDims[0],
      spacing,
      toMm,
    },
    notices,
  );
  if (volumes > 1) notices.push(`4D file: showing volume 1 of ${volumes}.`);

  return {
    version,
    littleEndian,
    dims,
    volumes,
    type: datatype.type,
    bytesPerVoxel: datatype.bytes,
    voxOffset,
    dataBytes,
    scaling,
    spacingMm: [spacing[0] * toMm, spacing[1] * toMm, spacing[2] * toMm],
    affine,
    description: hdr.description.replace(/[^\x20-\x7e]/g, '').trim(),
    notices,
  };
}

function int64(view: DataView, at: number, littleEndian: boolean): number {
  return Number(view.getBigInt64(at, littleEndian));
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
