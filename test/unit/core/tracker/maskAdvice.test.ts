/**
 * The next step after a click (issue 16, item 6): an empty mask, a vessel mask in pieces or on
 * a small share of the layer, and a tiny FAZ each get a suggestion; a good mask gets none.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FRAGMENTED_PIECES,
  maskAdvice,
  SMALL_VESSEL_FRACTION,
} from '../../../../src/core/tracker/maskAdvice';

const W = 100;
const H = 100;

/** A mask with the given horizontal bars (row, first column, length), 2 rows thick. */
function bars(list: readonly [number, number, number][]): Uint8Array {
  const mask = new Uint8Array(W * H);
  for (const [row, x0, length] of list) {
    for (let y = row; y < row + 2; y++) mask.fill(1, y * W + x0, y * W + x0 + length);
  }
  return mask;
}

test('no mask: click inside, or another model', () => {
  assert.match(maskAdvice(new Uint8Array(W * H), W, H, 'vessel')!, /^No mask from this click/);
});

test('a vessel mask in pieces asks for clicks between them', () => {
  const pieces = bars([
    [10, 0, 90],
    [40, 0, 90],
    [70, 0, 90],
  ]);
  assert.equal(FRAGMENTED_PIECES, 3);
  assert.match(maskAdvice(pieces, W, H, 'vessel')!, /in 3 pieces: add positive clicks/);
  // Two pieces of the same size are not yet "fragmented".
  assert.equal(
    maskAdvice(
      bars([
        [10, 0, 100],
        [40, 0, 100],
        [41, 0, 100],
      ]),
      W,
      H,
      'vessel',
    ),
    null,
  );
});

test('a vessel mask on a small share of the layer reads as one branch', () => {
  // 1.6 % of the layer: under the 2 % threshold.
  const branch = bars([[50, 10, 80]]);
  assert.ok(160 / (W * H) < SMALL_VESSEL_FRACTION);
  assert.match(maskAdvice(branch, W, H, 'vessel')!, /1\.6 % of the layer, likely one branch/);
  assert.equal(
    maskAdvice(
      bars([
        [50, 0, 100],
        [52, 0, 100],
      ]),
      W,
      H,
      'vessel',
    ),
    null,
    '4 %',
  );
});

test('the FAZ is judged by its own size, and pieces do not matter for it', () => {
  const dot = new Uint8Array(W * H);
  dot[5050] = 1;
  assert.match(maskAdvice(dot, W, H, 'faz')!, /FAZ mask covers 0\.01 %/);
  const faz = bars([[50, 40, 10]]);
  assert.equal(maskAdvice(faz, W, H, 'faz'), null);
});
