/**
 * Recognises a NIfTI file from its first bytes (sizeof_hdr and magic, in either byte order) and
 * says precisely why something is not one: too short, another format, a .hdr/.img pair, a magic
 * damaged in transfer.
 */
import { NiftiError } from './niftiError';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

/** Which NIfTI version and byte order a prefix announces, or a NiftiError saying why it is not NIfTI. */
export function detectNifti(prefix: Uint8Array): { version: 1 | 2; littleEndian: boolean } {
  if (prefix.length < NIFTI1_HEADER_BYTES) {
    throw new NiftiError(
      `The file is too short to be NIfTI: ${prefix.length} bytes, but a NIfTI-1 header alone is 348 bytes.`,
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  const version = le === 348 || be === 348 ? 1 : le === 540 || be === 540 ? 2 : 0;
  if (version === 0) {
    throw new NiftiError(
      `This is not a NIfTI file: its first four bytes (sizeof_hdr) read ${le}, not 348 (NIfTI-1) or 540 (NIfTI-2).`,
    );
  }
  const littleEndian = version === 1 ? le === 348 : le === 540;
  if (version === 2 && prefix.length < NIFTI2_HEADER_BYTES) {
    throw new NiftiError(
      `The file is too short: ${prefix.length} bytes, but a NIfTI-2 header alone is 540 bytes.`,
    );
  }
  const magic = version === 1 ? prefix.subarray(344, 348) : prefix.subarray(4, 12);
  const text = printable(magic);
  const expected =
    version === 1 ? [0x6e, 0x2b, 0x31, 0] : [0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a];
  if (magic[0] === 0x6e && magic[1] === 0x69 && magic[2] === 0x31 + version - 1) {
    throw new NiftiError(
      `The header's magic is "${text}": the voxels are in a separate .img file, which is not supported.`,
    );
  }
  if (!expected.every((b, idx) => magic[idx] === b)) {
    const where = version === 1 ? 'at byte 344' : 'at byte 4';
    throw new NiftiError(
      `Bad NIfTI-${version} magic ${where}: "${text}" instead of "n+${version}"` +
        (version === 2
          ? ' followed by \\0\\r\\n\\x1a\\n (the file may have been altered in transfer).'
          : '.'),
    );
  }
  return { version, littleEndian };
}

function printable(bytes: Uint8Array): string {
  return Array.from(bytes, (b) =>
    b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0 ? '\\0' : '?',
  ).join('');
}
