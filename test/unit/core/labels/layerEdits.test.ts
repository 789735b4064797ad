import assert from 'node:assert/strict';
import { test } from 'node:test';
import { revertEdit } from '../../../../src/core/labels/labelEdit';
import { createLabelVolume, type LabelVolume } from '../../../../src/core/labels/labelVolume';
import { clearLayer, replaceLayerLabel } from '../../../../src/core/labels/layerEdits';
import { layerMask, layerVoxels } from '../../../../src/core/labels/layerVoxels';
import type { Axis } from '../../../../src/core/volume/volume';
import { seededRandom } from '../../../fixtures/randomVolume';

const dims = [7, 6, 5] as const;

function randomLabels(seed: number): LabelVolume {
  const labels = createLabelVolume(dims);
  const random = seededRandom(seed);
  for (let v = 0; v < labels.data.length; v++) labels.data[v] = Math.floor(random() * 3);
  return labels;
}

/** Voxel indices of a layer, brute force over the volume. */
function onLayer(axis: Axis, layer: number): Set<number> {
  const set = new Set<number>();
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++)
        if ([i, j, k][axis] === layer) set.add(i + dims[0] * (j + dims[1] * k));
  return set;
}

test('clearLayer: the whole layer, or one label, and nothing else', () => {
  for (const axis of [0, 1, 2] as Axis[]) {
    for (const label of [undefined, 2]) {
      const labels = randomLabels(axis + 1);
      const before = labels.data.slice();
      const edit = clearLayer(labels, axis, 2, label);
      const layer = onLayer(axis, 2);
      for (let v = 0; v < before.length; v++) {
        const cleared = layer.has(v) && (label === undefined || before[v] === label);
        assert.equal(labels.data[v], cleared ? 0 : before[v]);
      }
      assert.equal(edit?.kind, 'clear');
      revertEdit(labels, edit!);
      assert.deepEqual(labels.data, before);
    }
  }
  assert.equal(clearLayer(createLabelVolume(dims), 2, 0), null);
});

test('replaceLayerLabel: the label then covers exactly the mask; other labels under it yield', () => {
  for (const axis of [0, 1, 2] as Axis[]) {
    const labels = randomLabels(axis + 9);
    const before = labels.data.slice();
    const { width, height } = layerVoxels(dims, axis, 3);
    const random = seededRandom(axis);
    const mask = Uint8Array.from({ length: width * height }, () => (random() < 0.5 ? 1 : 0));
    const oldLayer = layerMask(labels, axis, 3);
    const old1 = layerMask(labels, axis, 3, 1);
    const edit = replaceLayerLabel(labels, axis, 3, mask, 1);
    assert.deepEqual(layerMask(labels, axis, 3, 1), mask);
    const label2 = layerMask(labels, axis, 3, 2);
    for (let p = 0; p < mask.length; p++) {
      if (mask[p]) continue;
      // Outside the mask: label 1 became background, label 2 stayed.
      const wasAny = oldLayer[p] === 1;
      assert.equal(label2[p], wasAny && !old1[p] ? 1 : 0);
    }
    revertEdit(labels, edit!);
    assert.deepEqual(labels.data, before);
  }
  const labels = createLabelVolume(dims);
  assert.throws(() => replaceLayerLabel(labels, 2, 0, new Uint8Array(3), 1), /needs 42/);
  assert.throws(() => replaceLayerLabel(labels, 2, 0, new Uint8Array(42), 0), /not 0/);
});
