import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussianKernel, gaussianSmooth2d } from '../../../../src/core/sparse/gaussianSmooth2d';
import { seededRandom } from '../../../fixtures/randomVolume';

/** Mirror an index into 0..n-1 step by step (edge sample repeated), however far out. */
function mirror(index: number, n: number): number {
  let m = index;
  while (m < 0 || m >= n) m = m < 0 ? -m - 1 : 2 * n - m - 1;
  return m;
}

/** Brute force: the full 2D Gaussian kernel applied at every pixel. */
function convolve2d(map: Float32Array, width: number, height: number, sigma: number) {
  const radius = Math.floor(4 * sigma + 0.5);
  const out = new Float64Array(width * height);
  let total = 0;
  for (let dy = -radius; dy <= radius; dy++)
    for (let dx = -radius; dx <= radius; dx++)
      total += Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const w = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
          sum += w * map[mirror(x + dx, width) + width * mirror(y + dy, height)];
        }
      }
      out[x + width * y] = sum / total;
    }
  }
  return out;
}

test('gaussianSmooth2d equals a brute-force 2D convolution, borders mirrored', () => {
  const random = seededRandom(11);
  for (const [width, height, sigma] of [
    [17, 12, 1],
    [9, 23, 2.2],
    [5, 4, 3], // kernel wider than the map: mirrored more than once
    [30, 1, 1.5],
  ]) {
    const map = Float32Array.from({ length: width * height }, () => random());
    const got = gaussianSmooth2d(map, width, height, sigma);
    const want = convolve2d(map, width, height, sigma);
    for (let p = 0; p < got.length; p++) {
      assert.ok(Math.abs(got[p] - want[p]) < 1e-5, `${width}×${height} σ${sigma} [${p}]`);
    }
  }
});

test('gaussianSmooth2d agrees with scipy.ndimage.gaussian_filter (values computed there)', () => {
  // a = [((p * 37) % 11) / 10 for p in range(30)] as a 5-row, 6-column array.
  const map = Float32Array.from({ length: 30 }, (_, p) => ((p * 37) % 11) / 10);
  const cases: [number, number[]][] = [
    [1.3, [0.333398, 0.470337, 0.520225, 0.428908]],
    [3.0, [0.478394, 0.482436, 0.485643, 0.475051]],
  ];
  for (const [sigma, values] of cases) {
    const got = gaussianSmooth2d(map, 6, 5, sigma);
    [0, 7, 14, 29].forEach((p, n) =>
      assert.ok(Math.abs(got[p] - values[n]) < 2e-6, `σ${sigma} [${p}] ${got[p]}`),
    );
  }
});

test('gaussianSmooth2d: constants stay constant; sigma 0 copies; input is not changed', () => {
  const constant = new Float32Array(40).fill(0.7);
  assert.ok(gaussianSmooth2d(constant, 8, 5, 2).every((v) => Math.abs(v - 0.7) < 1e-6));
  const map = Uint8Array.from({ length: 12 }, (_, p) => p * 20);
  const copy = gaussianSmooth2d(map, 4, 3, 0);
  assert.deepEqual(Array.from(copy), Array.from(map));
  assert.deepEqual(
    Array.from(map),
    Array.from({ length: 12 }, (_, p) => p * 20),
  );
});

test('gaussianKernel: normalised, symmetric, radius round(4σ)', () => {
  const kernel = gaussianKernel(1.5);
  assert.equal(kernel.length, 2 * 6 + 1);
  assert.ok(Math.abs(kernel.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  for (let t = 0; t < kernel.length; t++) assert.equal(kernel[t], kernel[kernel.length - 1 - t]);
});

test('gaussianSmooth2d: bad input gets clear errors', () => {
  assert.throws(() => gaussianSmooth2d(new Float32Array(5), 2, 2, 1), /needs 4/);
  assert.throws(() => gaussianSmooth2d(new Float32Array(4), 2, 2, -1), /sigma/);
  assert.throws(() => gaussianSmooth2d(new Float32Array(0), 0, 0, 1), /positive/);
});
