/**
 * The TypeScript port of the trainer's sampling rule (trainer/samocta2/prompts.py): frames at
 * a constant stride inside the object's span, prompted positions first/last/middle, positives
 * one per component first (largest first), negatives from the ring, reproducible by seed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../../../../src/core/synth/random';
import {
  equalIntervalFrames,
  framePrompt,
  negativeRing,
  promptedPositions,
} from '../../../../../src/core/tracker/eval/promptSampling';

test('equal-interval frames stay in the span with a constant stride', () => {
  const rng = new Random(5);
  for (let n = 0; n < 50; n++) {
    const frames = equalIntervalFrames(rng, 100, [20, 21, 40, 60], 4);
    assert.equal(frames.length, 4);
    const stride = frames[1] - frames[0];
    assert.ok(stride >= 1);
    frames.forEach((f, i) => assert.equal(f, frames[0] + i * stride));
    assert.ok(frames[0] >= 20 && frames[3] <= 60, frames.join(','));
  }
  // A span shorter than the sequence: consecutive layers around it, inside the volume.
  const short = equalIntervalFrames(new Random(1), 10, [8, 9], 6);
  assert.deepEqual(short.length, 6);
  assert.ok(short[0] >= 0 && short[5] <= 9 && short.includes(8) && short.includes(9));
});

test('prompted positions: first, last, middle', () => {
  assert.deepEqual(promptedPositions(1, 4), [0]);
  assert.deepEqual(promptedPositions(2, 4), [0, 3]);
  assert.deepEqual(promptedPositions(3, 8), [0, 3, 7]);
  assert.deepEqual(promptedPositions(3, 1), [0]);
});

test('negative ring: more than gap, at most gap + width, Euclidean', () => {
  const rows = 21;
  const cols = 21;
  const mask = new Uint8Array(rows * cols);
  mask[10 * cols + 10] = 1;
  const ring = negativeRing(mask, rows, cols, 3, 2);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const d = Math.hypot(x - 10, y - 10);
      assert.equal(ring[y * cols + x], d > 3 && d <= 5 ? 1 : 0, `${x},${y}`);
    }
  }
});

test('points: a positive in every component first, negatives in the ring, same seed same points', () => {
  const rows = 30;
  const cols = 30;
  const mask = new Uint8Array(rows * cols);
  for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) mask[y * cols + x] = 1; // 36 px
  for (let y = 20; y < 22; y++) for (let x = 20; x < 22; x++) mask[y * cols + x] = 1; // 4 px
  const points = framePrompt(new Random(9), mask, rows, cols, 2, 4);
  assert.equal(points.length, 6);
  const pos = points.filter((p) => p[2] === 1);
  assert.ok(pos.some(([x]) => x < 10) && pos.some(([x]) => x >= 20), 'one positive per component');
  const ring = negativeRing(mask, rows, cols, 3, 8);
  for (const [x, y, label] of points) assert.equal((label ? mask : ring)[y * cols + x], 1);
  assert.equal(new Set(points.map(([x, y]) => `${x},${y}`)).size, 6, 'distinct');
  assert.deepEqual(framePrompt(new Random(9), mask, rows, cols, 2, 4), points);
  assert.deepEqual(framePrompt(new Random(9), new Uint8Array(rows * cols), rows, cols, 5, 3), []);
});
