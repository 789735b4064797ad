/**
 * The TypeScript port of the `paper` protocol's draws (trainer/samocta2/data/paper_draws.py):
 * numpy.linspace's evenly spread layers, the authors' chessboard ring, nearest upsampling to the
 * model's input, T // 2, 100 px vessels, points that map back onto the model pixel drawn on.
 * (test/unit/cli/commands/eval.test.ts checks the plans equal the trainer's on real draws.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../../../../src/core/synth/random';
import type { EvalCase } from '../../../../../src/core/tracker/eval/layerSequenceEval';
import {
  paperFramePrompt,
  paperRing,
  subjectLayers,
  subjectSequences,
  upsampleNearest,
} from '../../../../../src/core/tracker/eval/paperDraws';

function evalCase(rows: number, cols: number, count: number, labels: Int32Array): EvalCase {
  const layer = async () => new Float32Array(rows * cols);
  return { name: 'c', layers: { rows, cols, count, layer }, labels };
}

function box(
  labels: Int32Array,
  rows: number,
  cols: number,
  id: number,
  k: [number, number],
  r: [number, number],
  c: [number, number],
): void {
  // prettier-ignore
  for (let z = k[0]; z < k[1]; z++)
    for (let y = r[0]; y < r[1]; y++)
      for (let x = c[0]; x < c[1]; x++) labels[z * rows * cols + y * cols + x] = id;
}

test('one evenly spread sequence per subject over the objects of its prompted layers', () => {
  const [rows, cols, count] = [40, 40, 30];
  const labels = new Int32Array(rows * cols * count);
  box(labels, rows, cols, 1, [5, 16], [5, 20], [5, 20]); // 225 px, layers 5..15
  box(labels, rows, cols, 2, [10, 20], [25, 35], [25, 35]); // 100 px, layers 10..19
  box(labels, rows, cols, 3, [2, 3], [0, 3], [0, 3]); // 9 px: absent under the 100 px rule
  const c = evalCase(rows, cols, count, labels);
  // numpy.linspace(0, 14, 4, dtype=int) = [0, 4, 9, 14] over layers 5..19
  assert.deepEqual(subjectLayers(c, 4, 100), [5, 9, 14, 19]);
  assert.deepEqual(subjectLayers(c, 6, 100), [5, 7, 10, 13, 16, 19]);
  const draw = { frames: 4, prompted: 3, positive: 5, negative: 3 };
  const seqs = subjectSequences(new Random(1), c, draw, 64, 100);
  // prompted positions 0, T // 2 = 2, 3; object 1 shows on layers 5 and 14, object 2 on 14, 19
  assert.deepEqual(
    seqs.map((s) => [s.object, s.layers, s.prompts.map((p) => p.position)]),
    [
      [1, [5, 9, 14, 19], [0, 2]],
      [2, [5, 9, 14, 19], [2, 3]],
    ],
  );
  assert.equal(subjectSequences(new Random(1), c, draw, 64, 0).length, 3); // no minimum: 3 objects
});

test('the ring is the authors: Chebyshev distance 4 to 9', () => {
  const side = 41;
  const mask = new Uint8Array(side * side);
  mask[20 * side + 20] = 1;
  const ring = paperRing(mask, side, side);
  let n = 0;
  for (let i = 0; i < ring.length; i++) {
    if (!ring[i]) continue;
    n++;
    const d = Math.max(Math.abs(Math.floor(i / side) - 20), Math.abs((i % side) - 20));
    assert.ok(d >= 4 && d <= 9, `distance ${d}`);
  }
  assert.equal(n, 19 * 19 - 7 * 7);
});

test('points are drawn on the upsampled mask and map back onto their model pixel', () => {
  const [rows, cols, side] = [30, 40, 128];
  const mask = new Uint8Array(rows * cols);
  for (let y = 5; y < 9; y++) for (let x = 4; x < 30; x++) mask[y * cols + x] = 1;
  for (let y = 20; y < 26; y++) for (let x = 10; x < 14; x++) mask[y * cols + x] = 1;
  const big = upsampleNearest(mask, rows, cols, side);
  const ring = paperRing(big, side, side);
  for (let seed = 0; seed < 5; seed++) {
    const points = paperFramePrompt(new Random(seed), mask, rows, cols, 5, 3, side);
    assert.deepEqual(
      points.map((p) => p[2]),
      [1, 1, 1, 1, 1, 0, 0, 0],
    );
    const model = points.map(([x, y]) => [
      Math.round(((x + 0.5) * side) / cols),
      Math.round(((y + 0.5) * side) / rows),
    ]);
    points.forEach(([, , label], i) => {
      const [mx, my] = model[i];
      assert.equal((label ? big : ring)[my * side + mx], 1, `seed ${seed} point ${i}`);
    });
    assert.equal(new Set(model.map((p) => p.join())).size, 8);
    // both components (20+ px each at model size) get one of the first two positives
    assert.deepEqual(
      new Set(model.slice(0, 2).map(([, my]) => my > side / 2)),
      new Set([false, true]),
    );
  }
});
