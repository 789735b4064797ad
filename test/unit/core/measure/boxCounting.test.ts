/** Box-counting dimension on sets of known dimension: the Sierpiński carpet, a plane, a line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxCountingDimension } from '../../../../src/core/measure/boxCounting';
import { MeasureError } from '../../../../src/core/measure/measureError';
import { sierpinskiCarpet } from '../../../fixtures/measureShapes';

const CARPET = Math.log(8) / Math.log(3);

test('the Sierpiński carpet with boxes of 3^k pixels: log 8 / log 3 exactly', () => {
  const { mask, size } = sierpinskiCarpet(5);
  const result = boxCountingDimension(mask, size, size, { sizes: [1, 3, 9, 27, 81] });
  assert.deepEqual(result.counts, [8 ** 5, 8 ** 4, 8 ** 3, 8 ** 2, 8]);
  assert.ok(Math.abs(result.dimension! - CARPET) < 1e-9, `${result.dimension}`);
});

test('the carpet with the default powers-of-two boxes: within 3 % (boxes off the carpet grid)', () => {
  const { mask, size } = sierpinskiCarpet(6);
  const result = boxCountingDimension(mask, size, size);
  assert.ok(Math.abs(result.dimension! / CARPET - 1) < 0.03, `${result.dimension}`);
});

test('a filled square is 2, a straight line is 1', () => {
  const full = new Uint8Array(256 * 256).fill(1);
  assert.ok(Math.abs(boxCountingDimension(full, 256, 256).dimension! - 2) < 1e-9);
  const line = new Uint8Array(256 * 256);
  for (let x = 0; x < 256; x++) line[x + 256 * 100] = 1;
  assert.ok(Math.abs(boxCountingDimension(line, 256, 256).dimension! - 1) < 1e-9);
});

test('no foreground or too small a region: null, not NaN', () => {
  assert.equal(boxCountingDimension(new Uint8Array(256 * 256), 256, 256).dimension, null);
  assert.equal(boxCountingDimension(new Uint8Array(16).fill(1), 4, 4).dimension, null);
});

test('bad box sizes and mismatched regions are refused', () => {
  const mask = new Uint8Array(64 * 64);
  assert.throws(() => boxCountingDimension(mask, 64, 64, { sizes: [0, 2, 4] }), MeasureError);
  assert.throws(
    () => boxCountingDimension(mask, 64, 64, { region: new Uint8Array(5) }),
    MeasureError,
  );
});
