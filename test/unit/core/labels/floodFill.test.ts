import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelComponents } from '../../../../src/core/labels/connectedComponents';
import { floodFill } from '../../../../src/core/labels/floodFill';
import { revertEdit } from '../../../../src/core/labels/labelEdit';
import { createLabelVolume, type LabelVolume } from '../../../../src/core/labels/labelVolume';
import { layerMask } from '../../../../src/core/labels/layerVoxels';
import { layerShape } from '../../../../src/core/volume/layers';
import type { Axis } from '../../../../src/core/volume/volume';
import { seededRandom } from '../../../fixtures/randomVolume';

const dims = [17, 14, 6] as const;

function randomLabels(seed: number): LabelVolume {
  const labels = createLabelVolume(dims);
  const random = seededRandom(seed);
  for (let v = 0; v < labels.data.length; v++) labels.data[v] = random() < 0.35 ? 1 : 0;
  return labels;
}

test('floodFill: exactly the 4-connected region of the clicked value, on that layer', () => {
  for (const axis of [0, 1, 2] as Axis[]) {
    for (let seed = 1; seed <= 4; seed++) {
      const labels = randomLabels(seed * 7 + axis);
      const before = labels.data.slice();
      const { width, height } = layerShape(dims, axis);
      const x = seed % width;
      const y = (seed * 3) % height;
      const layer = seed % dims[axis];
      const clicked = layerMask(labels, axis, layer, 0)[x + width * y] ? 0 : 1;
      const same = layerMask(labels, axis, layer, clicked);
      const regions = labelComponents(same, width, height, 4).labels;
      const target = regions[x + width * y];
      const edit = floodFill(labels, axis, layer, x, y, 5);
      const after = layerMask(labels, axis, layer, 5);
      for (let p = 0; p < width * height; p++)
        assert.equal(after[p], regions[p] === target ? 1 : 0);
      assert.equal(
        edit?.indices.length,
        after.reduce((a, b) => a + b, 0),
      );
      revertEdit(labels, edit!);
      assert.deepEqual(labels.data, before);
    }
  }
});

test('floodFill: does not leak through a diagonal (8-connected) line', () => {
  const labels = createLabelVolume([6, 6, 1]);
  for (let n = 0; n < 6; n++) labels.data[n + 6 * n] = 2; // the diagonal
  floodFill(labels, 2, 0, 5, 0, 3);
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 6; x++) {
      const expected = x === y ? 2 : x > y ? 3 : 0;
      assert.equal(labels.data[x + 6 * y], expected, `(${x}, ${y})`);
    }
  }
});

test('floodFill: filling with the same label changes nothing; outside the layer is an error', () => {
  const labels = createLabelVolume([4, 4, 2]);
  assert.equal(floodFill(labels, 2, 0, 1, 1, 0), null);
  assert.throws(() => floodFill(labels, 2, 0, 4, 1, 1), /outside the 4×4 layer/);
  assert.throws(() => floodFill(labels, 2, 0, 1.5, 1, 1), /outside/);
});

test('floodFill: a whole empty 400x400 layer in one edit', () => {
  const labels = createLabelVolume([400, 400, 3]);
  const edit = floodFill(labels, 2, 1, 200, 200, 1);
  assert.equal(edit?.indices.length, 160000);
  assert.equal(edit?.after, 1);
  assert.ok(labels.data.subarray(0, 160000).every((v) => v === 0));
  assert.ok(labels.data.subarray(160000, 320000).every((v) => v === 1));
});
