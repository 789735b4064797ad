/** The 3-4 chamfer distance to the nearest outside pixel, in pixels. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chamferDistance } from '../../../../src/core/labels/chamferDistance';

test('a band 5 px wide: 1, 2, 3, 2, 1 across it; outside is 0', () => {
  const width = 9;
  const mask = new Uint8Array(width * 7);
  for (let y = 1; y <= 5; y++) for (let x = 0; x < width; x++) mask[x + width * y] = 1;
  const dist = chamferDistance(mask, width, 7);
  // The image edge counts as outside too, so look at the middle column.
  assert.deepEqual(
    Array.from({ length: 7 }, (_, y) => dist[4 + width * y]),
    [0, 1, 2, 3, 2, 1, 0],
  );
});

test('around one outside pixel: straight steps 1, diagonal 4/3, within 8 % of Euclidean', () => {
  // Large enough that the image edge is farther than the outside pixel from every probe.
  const size = 61;
  const mask = new Uint8Array(size * size).fill(1);
  mask[20 + size * 20] = 0;
  const dist = chamferDistance(mask, size, size);
  const at = (x: number, y: number): number => dist[x + size * y];
  assert.ok(Math.abs(at(25, 20) - 5) < 1e-6);
  assert.ok(Math.abs(at(25, 25) - 20 / 3) < 1e-6);
  assert.ok(Math.abs(at(30, 25) - (5 + 20 / 3)) < 1e-6);
  for (const [x, y] of [
    [25, 25],
    [30, 25],
    [23, 29],
  ]) {
    const euclid = Math.hypot(x - 20, y - 20);
    assert.ok(Math.abs(at(x, y) / euclid - 1) < 0.08, `(${x}, ${y}): ${at(x, y)} vs ${euclid}`);
  }
});
