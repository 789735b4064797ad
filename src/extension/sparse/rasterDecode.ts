/**
 * Decoders for the 2D images an en-face annotation comes in: PNG (any colour type, 1–16 bit,
 * not interlaced) and BMP (uncompressed 1/4/8/24/32 bit, as OCTA-500's GT_LargeVessel files).
 * Output: one grey value per pixel (the largest channel, so a coloured mark counts), rows top
 * first. Alpha is ignored. Bad files get an error that says what is supported.
 */
import { unzlibSync } from 'fflate';

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** Row-major, top row first; 0..255 (8-bit) or 0..65535 (16-bit PNG). */
  readonly values: Uint16Array;
}

export const SUPPORTED_IMAGES =
  'PNG (not interlaced) and uncompressed BMP (1, 4, 8, 24 or 32 bits per pixel)';

export class ImageDecodeError extends Error {}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, n) => bytes[n] === b);
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes[0] === 0x42 && bytes[1] === 0x4d;
}

export function decodePng(bytes: Uint8Array): GreyImage {
  if (!isPng(bytes)) throw new ImageDecodeError('not a PNG file (no PNG signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let depth = 0;
  let colour = -1;
  let palette: Uint8Array | null = null;
  const data: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length !== length) throw new ImageDecodeError(`PNG chunk ${type} is cut short`);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = body[8]!;
      colour = body[9]!;
      if (body[12] !== 0)
        throw new ImageDecodeError(`interlaced PNG; supported: ${SUPPORTED_IMAGES}`);
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colour];
  if (channels === undefined || width < 1 || height < 1 || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new ImageDecodeError(
      `PNG colour type ${colour} at ${depth} bits is not supported; supported: ${SUPPORTED_IMAGES}`,
    );
  }
  if (colour === 3 && palette === null)
    throw new ImageDecodeError('paletted PNG without a palette');
  const joined = new Uint8Array(data.reduce((n, d) => n + d.length, 0));
  data.reduce((at, d) => (joined.set(d, at), at + d.length), 0);
  let raw: Uint8Array;
  try {
    raw = unzlibSync(joined);
  } catch (error) {
    throw new ImageDecodeError(`PNG image data is damaged: ${String(error)}`);
  }
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const rows = unfilter(raw, stride, height, Math.max(1, bitsPerPixel >> 3));
  const values = new Uint16Array(width * height);
  const grey = (row: Uint8Array, x: number, c: number): number => {
    if (depth === 16) return (row[2 * (x * channels + c)]! << 8) | row[2 * (x * channels + c) + 1]!;
    if (depth === 8) return row[x * channels + c]!;
    const bit = x * depth;
    return (row[bit >> 3]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
  };
  // Grey without alpha: the first channel; RGB(A): the largest of R, G, B.
  const colourChannels = colour === 2 || colour === 6 ? 3 : 1;
  for (let y = 0; y < height; y++) {
    const row = rows.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < width; x++) {
      let v = 0;
      if (colour === 3) {
        const index = grey(row, x, 0);
        for (let c = 0; c < 3; c++) v = Math.max(v, palette![3 * index + c] ?? 0);
      } else {
        for (let c = 0; c < colourChannels; c++) v = Math.max(v, grey(row, x, c));
      }
      values[y * width + x] = v;
    }
  }
  return { width, height, values };
}

/** Undoes PNG's per-row filters (None, Sub, Up, Average, Paeth). */
function unfilter(raw: Uint8Array, stride: number, height: number, bpp: number): Uint8Array {
  if (raw.length < (stride + 1) * height) throw new ImageDecodeError('PNG image data is cut short');
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[row - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[row - stride + x - bpp]! : 0;
      let add: number;
      if (filter === 0) add = 0;
      else if (filter === 1) add = a;
      else if (filter === 2) add = b;
      else if (filter === 3) add = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else throw new ImageDecodeError(`PNG row ${y} has an unknown filter ${filter}`);
      out[row + x] = (src[x]! + add) & 0xff;
    }
  }
  return out;
}

export function decodeBmp(bytes: Uint8Array): GreyImage {
  if (!isBmp(bytes) || bytes.length < 54) throw new ImageDecodeError('not a BMP file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(signedHeight);
  // BI_RGB, or BI_BITFIELDS with the usual 8-bit masks at 32 bits (read as B, G, R, A).
  if (
    ![1, 4, 8, 24, 32].includes(bits) ||
    !(compression === 0 || (compression === 3 && bits === 32))
  ) {
    throw new ImageDecodeError(
      `BMP with ${bits} bits per pixel, compression ${compression}; supported: ${SUPPORTED_IMAGES}`,
    );
  }
  if (width < 1 || height < 1) throw new ImageDecodeError(`BMP size ${width}×${height} is empty`);
  const stride = Math.ceil((width * bits) / 32) * 4;
  if (offset + stride * height > bytes.length)
    throw new ImageDecodeError('BMP pixel data is cut short');
  const colours = bits <= 8 ? view.getUint32(46, true) || 1 << bits : 0;
  const palette = bytes.subarray(14 + headerSize, 14 + headerSize + 4 * colours);
  const values = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    // Positive height: rows stored bottom-up.
    const row = offset + (signedHeight > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      let v: number;
      if (bits >= 24) {
        const p = row + x * (bits >> 3);
        v = Math.max(bytes[p]!, bytes[p + 1]!, bytes[p + 2]!);
      } else {
        const bit = x * bits;
        const index = (bytes[row + (bit >> 3)]! >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
        const p = 4 * index;
        v = Math.max(palette[p] ?? 0, palette[p + 1] ?? 0, palette[p + 2] ?? 0);
      }
      values[y * width + x] = v;
    }
  }
  return { width, height, values };
}
