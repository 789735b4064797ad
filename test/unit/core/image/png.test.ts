import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { crc32, encodePng, type RasterImage } from '../../../../src/core/image/png';

interface Chunk {
  type: string;
  body: Uint8Array;
  crc: number;
  crcInput: Uint8Array;
}

/** Splits a PNG into chunks after checking the signature; an independent minimal parser. */
function chunksOf(png: Uint8Array): Chunk[] {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  for (let offset = 8; offset < png.length;) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const body = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    chunks.push({ type, body, crc, crcInput: png.subarray(offset + 4, offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}

function decode(png: Uint8Array): RasterImage {
  const chunks = chunksOf(png);
  for (const c of chunks) assert.equal(c.crc, zlibCrc32(c.crcInput), `CRC of ${c.type}`);
  assert.deepEqual(
    chunks.map((c) => c.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  const ihdr = new DataView(chunks[0].body.buffer, chunks[0].body.byteOffset, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  assert.equal(ihdr.getUint8(8), 8, 'bit depth');
  const colourType = ihdr.getUint8(9);
  assert.ok(colourType === 0 || colourType === 2, `colour type ${colourType}`);
  assert.deepEqual([ihdr.getUint8(10), ihdr.getUint8(11), ihdr.getUint8(12)], [0, 0, 0]);
  const channels = colourType === 0 ? 1 : 3;
  const raw = inflateSync(chunks[1].body);
  const rowBytes = width * channels;
  assert.equal(raw.length, (rowBytes + 1) * height);
  const data = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (rowBytes + 1)], 0, 'filter type none');
    data.set(raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1)), y * rowBytes);
  }
  return { width, height, channels, data };
}

test('grayscale image decodes to the same pixels', () => {
  const width = 37;
  const height = 11;
  const data = Uint8Array.from({ length: width * height }, (_, n) => (n * 31) % 256);
  const decoded = decode(encodePng({ width, height, channels: 1, data }));
  assert.deepEqual(decoded, { width, height, channels: 1, data });
});

test('RGB image decodes to the same pixels', () => {
  const width = 5;
  const height = 4;
  const data = Uint8Array.from({ length: width * height * 3 }, (_, n) => (n * 97 + 13) % 256);
  const decoded = decode(encodePng({ width, height, channels: 3, data }));
  assert.deepEqual(decoded, { width, height, channels: 3, data });
});

test('crc32 agrees with zlib on known and random input', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const bytes = Uint8Array.from({ length: 1000 }, (_, n) => (n * n + 7) % 256);
  assert.equal(crc32(bytes), zlibCrc32(bytes));
});

test('bad images are refused with what is wrong', () => {
  const data = new Uint8Array(4);
  assert.throws(
    () => encodePng({ width: 0, height: 4, channels: 1, data }),
    /positive whole numbers/,
  );
  assert.throws(
    () => encodePng({ width: 2, height: 3, channels: 1, data }),
    /holds 4 bytes.*needs 6/,
  );
  const badChannels = { width: 2, height: 2, channels: 2, data } as unknown as RasterImage;
  assert.throws(() => encodePng(badChannels), /channels must be 1 .* or 3/);
});
