/**
 * The finish step: en-face masks from PNG, BMP and 2D NIfTI files (binarized, checked against
 * the layer size), and `<name>.vessels.nii.gz` = en-face RV ∩ region per layer with instance ids
 * from connected components, read back here and by the fine-tune trainer (samocta2.data).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { zlibSync } from 'fflate';
import { encode as encodeAnyPng } from 'fast-png';
import { crc32, encodePng } from '../../../../src/core/image/png';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import type { Volume } from '../../../../src/core/volume/volume';
import { binarizeEnface, decodeEnface } from '../../../../src/extension/sparse/enfaceMask';
import { decodeBmp, decodePng } from '../../../../src/extension/sparse/rasterDecode';
import { vesselLabels } from '../../../../src/extension/sparse/vesselLabels';

const PYTHON = resolve(import.meta.dirname, '../../../../.venv/bin/python');

/** A PNG whose rows use the given filter types (encodePng writes filter 0 only). */
function filteredPng(width: number, rows: number[][], filters: number[]): Uint8Array {
  const raw: number[] = [];
  rows.forEach((row, y) => {
    const f = filters[y]!;
    raw.push(f);
    row.forEach((v, x) => {
      const a = x > 0 ? row[x - 1]! : 0;
      const b = y > 0 ? rows[y - 1]![x]! : 0;
      const c = x > 0 && y > 0 ? rows[y - 1]![x - 1]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][f]!;
      raw.push((v - predictor) & 0xff);
    });
  });
  const chunk = (type: string, body: Uint8Array): number[] => {
    const bytes = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff);
    const typed = [...Array.from(type, (c) => c.charCodeAt(0)), ...body];
    return [...bytes(body.length), ...typed, ...bytes(crc32(Uint8Array.from(typed)))];
  };
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, width);
  new DataView(header.buffer).setUint32(4, rows.length);
  header[8] = 8;
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk('IHDR', header),
    ...chunk('IDAT', zlibSync(Uint8Array.from(raw))),
    ...chunk('IEND', new Uint8Array(0)),
  ]);
}

/** An uncompressed BMP: 8-bit grey palette or 24-bit, bottom-up (height > 0) or top-down. */
function bmp(width: number, rows: number[][], bits: 8 | 24, topDown: boolean): Uint8Array {
  const stride = Math.ceil((width * bits) / 32) * 4;
  const palette = bits === 8 ? 1024 : 0;
  const offset = 54 + palette;
  const out = new Uint8Array(offset + stride * rows.length);
  const v = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, topDown ? -rows.length : rows.length, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bits, true);
  for (let i = 0; i < palette / 4; i++) out.set([i, i, i, 0], 54 + 4 * i);
  rows.forEach((row, y) => {
    const at = offset + (topDown ? y : rows.length - 1 - y) * stride;
    row.forEach((value, x) => {
      if (bits === 8) out[at + x] = value;
      else out.set([0, value, 0], at + 3 * x); // green only: the largest channel counts
    });
  });
  return out;
}

const ROWS = [
  [0, 255, 255, 0, 10],
  [0, 0, 255, 0, 0],
  [200, 0, 0, 0, 255],
];

test('PNG: every row filter is undone; RGB reads as its largest channel', () => {
  const grey = decodePng(filteredPng(5, ROWS, [1, 4, 3]));
  assert.deepEqual([grey.width, grey.height], [5, 3]);
  assert.deepEqual(Array.from(grey.values), ROWS.flat());
  const second = decodePng(filteredPng(5, ROWS, [0, 2, 4]));
  assert.deepEqual(Array.from(second.values), ROWS.flat());
  const rgb = encodePng({
    width: 2,
    height: 1,
    channels: 3,
    data: Uint8Array.of(0, 0, 90, 40, 30, 20),
  });
  assert.deepEqual(Array.from(decodePng(rgb).values), [90, 40]);
});

test('issue 16: PNG through fast-png: interlaced, 1-bit, alpha and tRNS transparency, CRCs checked', () => {
  const grey = Uint8Array.from(ROWS.flat());
  const interlaced = encodeAnyPng(
    { width: 5, height: 3, data: grey, depth: 8, channels: 1 },
    { interlace: 'Adam7' },
  );
  assert.equal(interlaced[28], 1, 'the IHDR says Adam7');
  assert.deepEqual(Array.from(decodePng(interlaced).values), ROWS.flat());

  // 1 bit per pixel, rows packed: 9 pixels wide spans two bytes per row.
  const bits = [1, 0, 1, 1, 0, 0, 0, 1, 1];
  const packed = Uint8Array.of(0b10110001, 0b10000000);
  const oneBit = encodeAnyPng({ width: 9, height: 1, data: packed, depth: 1, channels: 1 });
  assert.deepEqual(Array.from(decodePng(oneBit).values), bits);

  // A mark drawn on a transparent white overlay: only the mark counts.
  const rgba = Uint8Array.of(255, 255, 255, 0, 200, 10, 10, 255, 90, 0, 0, 128);
  const overlay = encodeAnyPng({ width: 3, height: 1, data: rgba, depth: 8, channels: 4 });
  assert.deepEqual(Array.from(decodePng(overlay).values), [0, 200, 90]);
  // tRNS: a grey image's transparent grey (inserted after IHDR), a palette's transparent entry.
  const opaque = encodeAnyPng({
    width: 3,
    height: 1,
    data: Uint8Array.of(255, 7, 255),
    depth: 8,
    channels: 1,
  });
  const tRNS = [...'tRNS'].map((c) => c.charCodeAt(0)).concat(0, 255);
  const crc = crc32(Uint8Array.from(tRNS));
  const keyed = Uint8Array.from([
    ...opaque.subarray(0, 33),
    0,
    0,
    0,
    2,
    ...tRNS,
    ...[24, 16, 8, 0].map((b) => (crc >>> b) & 0xff),
    ...opaque.subarray(33),
  ]);
  assert.deepEqual(Array.from(decodePng(keyed).values), [0, 7, 0], 'the tRNS grey is transparent');
  const paletted = encodeAnyPng({
    width: 3,
    height: 1,
    data: Uint8Array.of(0, 1, 0),
    depth: 8,
    channels: 1,
    palette: [
      [255, 255, 255, 0],
      [9, 40, 3, 255],
    ],
  });
  assert.deepEqual(Array.from(decodePng(paletted).values), [0, 40, 0]);

  const damaged = filteredPng(5, ROWS, [0, 0, 0]);
  damaged[20] ^= 0xff; // inside IHDR: its CRC no longer matches
  assert.throws(() => decodePng(damaged), /PNG is damaged or not supported \(.*CRC/);
});

test('BMP: 8-bit bottom-up and 24-bit top-down rows come out top row first', () => {
  for (const [bits, topDown] of [
    [8, false],
    [24, true],
    [24, false],
  ] as const) {
    const image = decodeBmp(bmp(5, ROWS, bits, topDown));
    assert.deepEqual([image.width, image.height], [5, 3]);
    assert.deepEqual(Array.from(image.values), ROWS.flat(), `${bits} bit, top-down ${topDown}`);
  }
  const rle = bmp(5, ROWS, 8, false);
  new DataView(rle.buffer).setUint32(30, 1, true);
  assert.throws(() => decodeBmp(rle), /compression 1; supported: PNG .* uncompressed BMP/);
});

test('en-face masks are binarized (0/255 and ids become 0/1) and must match the layers', () => {
  const image = decodeEnface(bmp(5, ROWS, 8, false), 'GT_LargeVessel/10301.bmp');
  const mask = binarizeEnface(image, [5, 3, 4], 2, '10301.bmp');
  // Above half the largest value: 255 and 200 in, 10 out.
  assert.deepEqual(Array.from(mask), [0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1]);
  assert.throws(
    () => binarizeEnface(image, [3, 5, 4], 2, '10301.bmp'),
    /10301\.bmp is 5×3 px but the volume's layers are 3×5/,
  );
  const blank = { width: 5, height: 3, values: new Uint16Array(15) };
  assert.throws(() => binarizeEnface(blank, [5, 3, 4], 2, 'x.png'), /no vessel pixels/);
  assert.throws(() => decodeEnface(Uint8Array.of(1, 2, 3), 'notes.txt'), /supported: PNG/);

  // A 2D NIfTI holding instance ids 0..3 (x, y, 1).
  const ids: Volume = {
    dims: [5, 3, 1],
    spacingMm: [1, 1, 1],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    type: 'uint8',
    data: Uint8Array.from(ROWS.flat(), (v) => (v > 100 ? 1 + (v % 3) : 0)),
  };
  const nii = binarizeEnface(
    decodeEnface(writeNifti(ids, { gzip: true }), 'rv.nii.gz'),
    [5, 3, 4],
    2,
    'rv.nii.gz',
  );
  assert.ok(Array.from(nii).every((v) => v === 0 || v === 1));
  assert.ok(nii.some((v) => v === 1));
  const stack: Volume = { ...ids, dims: [5, 3, 2], data: new Uint8Array(30).fill(1) };
  assert.throws(
    () => decodeEnface(writeNifti(stack), 'stack.nii'),
    /is 5×3×2: an en-face mask is 2D/,
  );
});

/** A 6×5×4 volume; vessels: a row at y = 1 (x 0..3) and a dot at (5, 4). */
function scene() {
  const dims: [number, number, number] = [6, 5, 4];
  const volume: Volume = {
    dims,
    spacingMm: [0.01, 0.01, 0.003],
    affine: [0.01, 0, 0, 1, 0, 0.01, 0, 2, 0, 0, 0.003, 3, 0, 0, 0, 1],
    type: 'uint8',
    data: new Uint8Array(6 * 5 * 4).fill(50),
  };
  const enface = new Uint8Array(30);
  for (let x = 0; x < 4; x++) enface[6 + x] = 1;
  enface[29] = 1;
  const all = new Uint8Array(30).fill(1);
  // Predicted layer 2: p ≥ 0.5 (≥ 128) on the left half only; layer 3: predicted, below 0.5.
  const leftHalf = Uint8Array.from({ length: 30 }, (_, p) => (p % 6 < 3 ? 200 : 40));
  const low = new Uint8Array(30).fill(127);
  return { volume, enface, all, leftHalf, low };
}

test('vessel labels: annotated regions win, predictions are thresholded at 0.5, ids are components', () => {
  const { volume, enface, all, leftHalf, low } = scene();
  const result = vesselLabels(volume, 2, enface, {
    annotated: [1],
    regionOf: (layer) => (layer === 1 ? all : new Uint8Array(30)),
    predicted: [1, 2, 3],
    probabilityOf: (layer) => (layer === 2 ? leftHalf : layer === 1 ? new Uint8Array(30) : low),
  });
  assert.equal(result.vessels, 2);
  assert.equal(result.fromAnnotation, 1);
  assert.equal(result.fromPrediction, 2);
  const { volume: labels } = readNifti(result.bytes);
  assert.equal(labels.type, 'uint16');
  assert.deepEqual(labels.dims, [6, 5, 4]);
  // The volume's affine (stored as float32).
  labels.affine.forEach((v, n) => assert.ok(Math.abs(v - volume.affine[n]!) < 1e-6));
  const at = (x: number, y: number, k: number) => labels.data[x + 6 * (y + 5 * k)];
  // Layer 1: the whole en-face RV, ids 1 (the row) and 2 (the dot).
  assert.deepEqual(
    [0, 1, 2, 3].map((x) => at(x, 1, 1)),
    [1, 1, 1, 1],
  );
  assert.equal(at(5, 4, 1), 2);
  // Layer 2: only x < 3 of the row; layer 0 (no region) and 3 (p < 0.5) are empty.
  assert.deepEqual(
    [0, 1, 2, 3].map((x) => at(x, 1, 2)),
    [1, 1, 1, 0],
  );
  assert.equal(at(5, 4, 2), 0);
  for (const k of [0, 3]) {
    for (let p = 0; p < 30; p++) assert.equal(labels.data[p + 30 * k], 0, `layer ${k}`);
  }
  assert.equal(result.voxels, 5 + 3);
});

test('the written label volume trains as it is: samocta2.data reads it as two vessels', () => {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: the trainer's venv (see RULES)`);
  const { volume, enface, all } = scene();
  const result = vesselLabels(volume, 2, enface, {
    annotated: [1, 2],
    regionOf: () => all,
    predicted: [],
    probabilityOf: () => new Uint8Array(30),
  });
  const folder = mkdtempSync(join(tmpdir(), 'sparse-finish-'));
  try {
    writeFileSync(join(folder, 'case.nii.gz'), writeNifti(volume, { gzip: true }));
    writeFileSync(join(folder, 'case.vessels.nii.gz'), result.bytes);
    // The annotation's own files lie beside it and must not be read as cases or labels.
    writeFileSync(join(folder, 'case.regions.nii.gz'), writeNifti(volume, { gzip: true }));
    const script = [
      'import sys, numpy as np',
      'from samocta2.data.sequences import load_folder',
      'cases = load_folder(sys.argv[1], "rv")',
      'assert [c.name for c in cases] == ["case"], [c.name for c in cases]',
      'c = cases[0]',
      'print(c.labels.shape, sorted(np.unique(c.labels).tolist()), int((c.labels > 0).sum()))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script, folder], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    // (layers, y, x), ids 0..2, 5 voxels on each of two layers.
    assert.equal(run.stdout.trim(), '(4, 5, 6) [0, 1, 2] 10');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
