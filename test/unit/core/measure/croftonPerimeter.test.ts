/**
 * The Crofton perimeter on digital discs and ellipses of known perimeter, square and non-square
 * pixels: within 1 %, where counting boundary edges would be 4–27 % off.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { croftonPerimeter } from '../../../../src/core/measure/croftonPerimeter';
import { MeasureError } from '../../../../src/core/measure/measureError';
import { ellipseMask, ellipsePerimeter } from '../../../fixtures/measureShapes';

const SIZE = 160;

function relativeError(measured: number, truth: number): number {
  return Math.abs(measured / truth - 1);
}

test('discs of radius 10 to 60 px: perimeter within 1 % of 2πr', () => {
  for (const r of [10, 17.5, 30, 60]) {
    const mask = ellipseMask(SIZE, SIZE, r, r, [80.3, 79.6]);
    const p = croftonPerimeter(mask, SIZE, SIZE, [0.01, 0.01]);
    const truth = 2 * Math.PI * r * 0.01;
    assert.ok(relativeError(p, truth) < 0.01, `r=${r}: ${p} mm vs ${truth} mm`);
  }
});

test('ellipses, axis ratio up to 4 and any rotation: perimeter within 1 %', () => {
  for (const [a, b, angle] of [
    [40, 20, 0],
    [40, 20, 0.3],
    [60, 15, 0.5],
    [25, 18, 1.2],
    [50, 30, Math.PI / 4],
  ]) {
    const mask = ellipseMask(SIZE, SIZE, a, b, [80.2, 80.7], angle);
    const p = croftonPerimeter(mask, SIZE, SIZE, [1, 1]);
    const truth = ellipsePerimeter(a, b);
    assert.ok(relativeError(p, truth) < 0.01, `${a}×${b} at ${angle}: ${p} vs ${truth}`);
  }
});

test('non-square pixels: a physical disc drawn as an ellipse of pixels measures as the disc', () => {
  // Pixels 0.01 mm across and 0.02 mm down: a 0.4 mm radius disc is 40 × 20 pixels.
  const mask = ellipseMask(SIZE, SIZE, 40, 20, [80.3, 79.6]);
  const p = croftonPerimeter(mask, SIZE, SIZE, [0.01, 0.02]);
  assert.ok(relativeError(p, 2 * Math.PI * 0.4) < 0.01, `${p}`);
  // The same pixels read as square would be an ellipse: the sizes matter.
  const square = croftonPerimeter(mask, SIZE, SIZE, [0.01, 0.01]);
  assert.ok(relativeError(square, ellipsePerimeter(0.4, 0.2)) < 0.01, `${square}`);
});

test('a mask cut by the image edge has the edge in its boundary; an empty mask has none', () => {
  // A disc centred half a pixel left of the first column: the image holds its right half.
  const half = ellipseMask(SIZE, SIZE, 40, 40, [-0.5, 80.3]);
  const p = croftonPerimeter(half, SIZE, SIZE, [1, 1]);
  const truth = Math.PI * 40 + 2 * 40;
  assert.ok(relativeError(p, truth) < 0.01, `${p} vs ${truth}`);
  assert.equal(croftonPerimeter(new Uint8Array(100), 10, 10, [1, 1]), 0);
});

test('a mask of the wrong size is refused with the sizes in the message', () => {
  assert.throws(
    () => croftonPerimeter(new Uint8Array(10), 4, 4, [1, 1]),
    (e: unknown) => e instanceof MeasureError && /10 pixels; 4×4 needs 16/.test(e.message),
  );
});
