/**
 * Writes a Volume as a single-file NIfTI-1 (.nii, or .nii.gz with `gzip`): little endian, data at
 * byte 352, the datatype of the volume's array, pixdim from spacingMm in millimetres, and both
 * sform (code 1, scanner) and qform set from the volume's affine. Readable by nibabel, ITK,
 * nifti-reader-js and this project's readNifti.
 */
import { gzipSync } from 'fflate';
import type { Volume, VoxelType } from '../volume/volume';
import { qformFromAffine } from './qformFromAffine';

export type NiftiIntent = 'none' | 'label';

export interface NiftiWriteOptions {
  /** gzip the whole file (for .nii.gz). Default false. */
  gzip?: boolean;
  /** fflate/zlib level 0–9 when gzipping; default 6. */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  /** Free text, up to 79 ASCII characters (longer text is cut). */
  description?: string;
  /** 'label' marks integer label volumes (NIFTI_INTENT_LABEL) for viewers that honour it. */
  intent?: NiftiIntent;
}

const HEADER_BYTES = 348;
const VOX_OFFSET = 352;
const INTENT_CODES: Record<NiftiIntent, number> = { none: 0, label: 1002 };
const DATATYPES: Record<VoxelType, { code: number; bits: number }> = {
  uint8: { code: 2, bits: 8 },
  int8: { code: 256, bits: 8 },
  int16: { code: 4, bits: 16 },
  uint16: { code: 512, bits: 16 },
  int32: { code: 8, bits: 32 },
  uint32: { code: 768, bits: 32 },
  float32: { code: 16, bits: 32 },
  float64: { code: 64, bits: 64 },
};
/** NIfTI-1 stores dims as int16. */
const MAX_NIFTI1_DIM = 32767;

export function writeNifti(volume: Volume, options: NiftiWriteOptions = {}): Uint8Array {
  checkVolume(volume);
  const { code, bits } = DATATYPES[volume.type];
  const dataBytes = volume.data.length * (bits / 8);
  const out = new Uint8Array(VOX_OFFSET + dataBytes);
  writeHeader(new DataView(out.buffer), volume, code, bits, options);
  out.set(littleEndianBytes(volume.data), VOX_OFFSET);
  return options.gzip ? gzipSync(out, { level: options.level ?? 6 }) : out;
}

function writeHeader(
  view: DataView,
  volume: Volume,
  datatype: number,
  bitpix: number,
  options: NiftiWriteOptions,
): void {
  const le = true;
  const f32 = (offset: number, v: number): void => view.setFloat32(offset, v, le);
  const i16 = (offset: number, v: number): void => view.setInt16(offset, v, le);
  view.setInt32(0, HEADER_BYTES, le);
  view.setUint8(38, 'r'.charCodeAt(0)); // "regular", as tools that check ANALYZE fields expect
  i16(40, 3);
  volume.dims.forEach((n, axis) => i16(42 + 2 * axis, n));
  for (let axis = 4; axis <= 7; axis++) i16(40 + 2 * axis, 1);
  i16(68, INTENT_CODES[options.intent ?? 'none']);
  i16(70, datatype);
  i16(72, bitpix);
  const q = qformFromAffine(volume.affine);
  f32(76, q.qfac);
  volume.spacingMm.forEach((s, axis) => f32(80 + 4 * axis, s));
  for (let axis = 4; axis <= 7; axis++) f32(76 + 4 * axis, 1);
  f32(108, VOX_OFFSET);
  f32(112, 1); // scl_slope 1, scl_inter 0: stored values are the values
  view.setUint8(123, 2); // xyzt_units: millimetres, time unknown
  writeAscii(view, 148, 80, options.description ?? '');
  i16(252, 1); // qform_code: scanner
  i16(254, 1); // sform_code: scanner
  q.quatern.forEach((v, n) => f32(256 + 4 * n, v));
  q.offset.forEach((v, n) => f32(268 + 4 * n, v));
  for (let n = 0; n < 12; n++) f32(280 + 4 * n, volume.affine[n]);
  writeAscii(view, 344, 4, 'n+1');
  // Bytes 348–351 (the extension flag) stay 0: no extensions.
}

function checkVolume(volume: Volume): void {
  const { dims, data, spacingMm, affine } = volume;
  if (!(volume.type in DATATYPES)) {
    throw new Error(
      `Cannot write NIfTI datatype ${String(volume.type)}; supported: ${Object.keys(DATATYPES).join(', ')}.`,
    );
  }
  if (data.BYTES_PER_ELEMENT * 8 !== DATATYPES[volume.type].bits) {
    throw new Error(`Volume type ${volume.type} does not match its ${data.constructor.name} data.`);
  }
  if (
    dims.length !== 3 ||
    !dims.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NIFTI1_DIM)
  ) {
    throw new Error(
      `NIfTI-1 dims must be three whole numbers from 1 to ${MAX_NIFTI1_DIM}; got ${dims.join('×')}.`,
    );
  }
  if (data.length !== dims[0] * dims[1] * dims[2]) {
    throw new Error(
      `Volume data holds ${data.length} voxels but dims ${dims.join('×')} need ${dims[0] * dims[1] * dims[2]}.`,
    );
  }
  if (!spacingMm.every((s) => Number.isFinite(s) && s > 0)) {
    throw new Error(`Voxel spacing must be positive and finite; got ${spacingMm.join(', ')} mm.`);
  }
  if (affine.length < 12 || !affine.slice(0, 12).every(Number.isFinite)) {
    throw new Error('The affine must be a row-major 4×4 matrix of finite numbers.');
  }
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(data: Volume['data']): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  const width = data.BYTES_PER_ELEMENT;
  const swapped = new Uint8Array(bytes.length);
  for (let n = 0; n < bytes.length; n += width) {
    for (let b = 0; b < width; b++) swapped[n + b] = bytes[n + width - 1 - b];
  }
  return swapped;
}

function writeAscii(view: DataView, offset: number, size: number, text: string): void {
  const max = Math.min(text.length, size - 1);
  for (let n = 0; n < max; n++) {
    const c = text.charCodeAt(n);
    view.setUint8(offset + n, c >= 32 && c < 127 ? c : 63); // '?' for anything not printable ASCII
  }
}
