/**
 * Preprocessing of docs/model-bundle.md section 3 against values numpy and PyTorch give
 * (np.percentile, F.interpolate bilinear align_corners=False), and the point mapping.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyWindow,
  layerToModelInput,
  percentileWindow,
  resizeBilinear,
  toModelPoint,
} from '../../../../src/core/tracker/preprocess';
import { maskFromLogits } from '../../../../src/core/tracker/postprocess';

const close = (a: number, b: number, tol = 1e-5): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('percentile window follows numpy linear interpolation (counted and sorted paths)', () => {
  const ints = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
  // np.percentile(v.astype(float32), [0.5, 99.5]) == [1.0, 9.0]
  assert.deepEqual(percentileWindow(Uint8Array.from(ints), 0.5, 99.5), { lo: 1, hi: 9 });
  assert.deepEqual(percentileWindow(Int16Array.from(ints), 0.5, 99.5), { lo: 1, hi: 9 });
  const floats = Float32Array.from([0.25, -1.5, 3.75, 10.0, 2.0, 2.0, -0.125]);
  // np.percentile(f, [0.5, 99.5, 50, 37.5]) == [-1.45875, 9.8125, 2.0, 0.6875]
  const w = percentileWindow(floats, 0.5, 99.5);
  assert.ok(close(w.lo, -1.45875) && close(w.hi, 9.8125), JSON.stringify(w));
  assert.ok(close(percentileWindow(floats, 50, 37.5).lo, 2.0));
  assert.ok(close(percentileWindow(floats, 37.5, 50).lo, 0.6875));
  assert.ok(close(percentileWindow(Int8Array.from([-5, -3, 7]), 50, 50).lo, -3));
});

test('constant data widens the window to [v, v + 1] and windowing clips to [0, 1]', () => {
  const w = percentileWindow(new Uint8Array(10).fill(7), 0.5, 99.5);
  assert.deepEqual(w, { lo: 7, hi: 8 });
  assert.deepEqual([...applyWindow([0, 7, 7.5, 8, 200], w)], [0, 0, 0.5, 1, 1]);
});

test('bilinear resize matches F.interpolate(align_corners=False) up and down', () => {
  const src = Float32Array.from({ length: 12 }, (_, i) => i); // 3 x 4
  const up = resizeBilinear(src, 3, 4, 5, 7);
  const torchUp = [
    [0.0, 0.357143, 0.928571, 1.5, 2.071429, 2.642857, 3.0],
    [1.6, 1.957143, 2.528572, 3.1, 3.671429, 4.242858, 4.6],
    [4.0, 4.357143, 4.928572, 5.5, 6.071429, 6.642857, 7.0],
    [6.4, 6.757144, 7.328572, 7.900001, 8.471429, 9.042858, 9.400001],
    [8.0, 8.357142, 8.928571, 9.499999, 10.071428, 10.642858, 11.0],
  ].flat();
  torchUp.forEach((v, i) => assert.ok(close(up[i], v), `up[${i}] ${up[i]} vs ${v}`));
  // Halving takes the mean of each 2x2 block's centre pair (s = 2o + 0.5).
  const down = resizeBilinear(
    Float32Array.from([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]),
    4,
    4,
    2,
    2,
  );
  assert.deepEqual([...down], [5, 9, 21, 25]);
});

test('model input: grey in 3 channels, ImageNet mean/std', () => {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const input = layerToModelInput(new Float32Array(4).fill(0.5), 2, 2, 4, mean, std);
  assert.equal(input.length, 3 * 16);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 16; i++) assert.ok(close(input[c * 16 + i], (0.5 - mean[c]) / std[c]));
  }
});

test('points map through the pixel centre; non-square layers scale per axis', () => {
  assert.deepEqual(toModelPoint(0, 0, 64, 64, 256), [2, 2]);
  // rows 64, cols 32: x scales by 256 / 32, y by 256 / 64.
  assert.deepEqual(toModelPoint(31, 63, 64, 32, 256), [31.5 * 8, 63.5 * 4]);
});

test('masks: upsampled logits thresholded at 0; the no-object logit gives an empty mask', () => {
  const logits = Float32Array.from([-1, 1, 1, -1]);
  assert.deepEqual([...maskFromLogits(logits, 2, 2, 2)], [0, 1, 1, 0]);
  const absent = new Float32Array(16).fill(-1024);
  assert.ok(maskFromLogits(absent, 4, 10, 6).every((v) => v === 0));
  assert.throws(() => maskFromLogits(absent, 3, 10, 6), /expected 3x3/);
});
