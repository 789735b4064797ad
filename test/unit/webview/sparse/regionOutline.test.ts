/** The review's outline of a predicted region, and the panel's threshold slider and layer lists. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regionOutline } from '../../../../src/webview/sparse/regionOutline';
import {
  ranges,
  sliderToThreshold,
  thresholdToSlider,
} from '../../../../src/webview/sparse/sparseScales';

test('the outline keeps the region pixels (p ≥ 0.5) that touch the outside or the border', () => {
  // 5×4 map: a 3×3 block of p = 0.8 at x 1..3, y 0..2, one p = 0.49 pixel beside it.
  const map = new Uint8Array(20);
  for (let y = 0; y < 3; y++) for (let x = 1; x < 4; x++) map[y * 5 + x] = 204;
  map[3 * 5 + 2] = 127;
  const outline = regionOutline(map, 5, 4);
  // prettier-ignore
  assert.deepEqual(Array.from(outline), [
    0, 1, 1, 1, 0,
    0, 1, 0, 1, 0,
    0, 1, 1, 1, 0,
    0, 0, 0, 0, 0,
  ]);
  assert.ok(
    regionOutline(new Uint8Array(20).fill(128), 5, 4).every(
      (v, p) => v === (p % 5 === 0 || p % 5 === 4 || p < 5 || p >= 15 ? 1 : 0),
    ),
  );
});

test('the threshold slider is logarithmic from 0.01 % to 10 % and round-trips', () => {
  assert.ok(Math.abs(sliderToThreshold(0) - 1e-4) < 1e-12);
  assert.ok(Math.abs(sliderToThreshold(100) - 0.1) < 1e-12);
  for (const value of [0, 23, 50, 77, 100])
    assert.equal(thresholdToSlider(sliderToThreshold(value)), value);
  // The default 0.2 % sits near the middle.
  assert.equal(thresholdToSlider(0.002), 43);
});

test('layer lists are shown as ranges', () => {
  assert.equal(ranges([]), '');
  assert.equal(ranges([3, 4, 5, 9, 11, 12]), '3–5, 9, 11–12');
});
