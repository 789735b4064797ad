/**
 * Decoders for the 2D images an en-face annotation comes in: PNG (fast-png: any colour type,
 * 1–16 bit, interlaced or not) and BMP (uncompressed 1/4/8/24/32 bit, as OCTA-500's
 * GT_LargeVessel files). Output: one grey value per pixel (the largest channel, so a coloured
 * mark counts; a fully transparent pixel is 0), rows top first. Bad files get an error that
 * says what is supported.
 */
import { convertIndexedToRgb, decode as decodePngFile, type DecodedPng } from 'fast-png';

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** Row-major, top row first; 0..255 (8-bit) or 0..65535 (16-bit PNG). */
  readonly values: Uint16Array;
}

export const SUPPORTED_IMAGES =
  'PNG (any colour type and bit depth) and uncompressed BMP (1, 4, 8, 24 or 32 bits per pixel)';

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
  let png: DecodedPng;
  try {
    // fast-png: every colour type and depth, Adam7 interlacing, tRNS; CRCs checked.
    png = decodePngFile(bytes, { checkCrc: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImageDecodeError(
      `PNG is damaged or not supported (${reason}); supported: ${SUPPORTED_IMAGES}`,
    );
  }
  const { width, height } = png;
  if (width < 1 || height < 1) throw new ImageDecodeError(`PNG size ${width}×${height} is empty`);
  return { width, height, values: png.palette ? paletteGrey(png) : directGrey(png) };
}

/** Paletted: the largest of each entry's R, G, B; an entry tRNS made fully transparent is 0. */
function paletteGrey(png: DecodedPng): Uint16Array {
  const per = png.palette![0]?.length ?? 3;
  const rgb = convertIndexedToRgb(png);
  const values = new Uint16Array(png.width * png.height);
  for (let i = 0; i < values.length; i++) {
    const p = i * per;
    values[i] = per === 4 && rgb[p + 3] === 0 ? 0 : Math.max(rgb[p]!, rgb[p + 1]!, rgb[p + 2]!);
  }
  return values;
}

/**
 * Grey or RGB, with or without alpha: the largest colour channel. A pixel drawn fully
 * transparent (alpha 0, or the tRNS colour) is 0: nothing is marked there.
 */
function directGrey(png: DecodedPng): Uint16Array {
  const { width, height, depth, channels, data } = png;
  const colours = channels >= 3 ? 3 : 1;
  const alpha = channels === 2 || channels === 4 ? channels - 1 : -1;
  // Below 8 bits (grey only) rows are packed, each starting on a byte.
  const stride = Math.ceil((width * depth * channels) / 8);
  const sample = (x: number, y: number, c: number): number => {
    if (depth >= 8) return data[(y * width + x) * channels + c]!;
    const bit = (x * channels + c) * depth;
    return (data[y * stride + (bit >> 3)]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
  };
  const transparent = png.transparency?.length === colours ? png.transparency : undefined;
  const values = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      let keyed = transparent !== undefined;
      for (let c = 0; c < colours; c++) {
        const s = sample(x, y, c);
        v = Math.max(v, s);
        keyed &&= s === transparent![c];
      }
      values[y * width + x] = keyed || (alpha >= 0 && sample(x, y, alpha) === 0) ? 0 : v;
    }
  }
  return values;
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
