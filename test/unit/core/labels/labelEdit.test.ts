import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paintDisk } from '../../../../src/core/labels/brush';
import {
  applyEdit,
  mergeEdits,
  revertEdit,
  type LabelEdit,
} from '../../../../src/core/labels/labelEdit';
import { createLabelVolume } from '../../../../src/core/labels/labelVolume';
import { replaceLayerLabel } from '../../../../src/core/labels/layerEdits';

function filled(dims: [number, number, number], seed: number) {
  const labels = createLabelVolume(dims);
  for (let v = 0; v < labels.data.length; v++) labels.data[v] = (v * seed) % 4;
  return labels;
}

test('revertEdit restores the state before, applyEdit the state after', () => {
  const labels = filled([20, 16, 6], 7);
  const before = labels.data.slice();
  const edit = paintDisk(labels, 2, 3, 8, 8, 4, 9) as LabelEdit;
  const after = labels.data.slice();
  assert.notDeepEqual(after, before);
  revertEdit(labels, edit);
  assert.deepEqual(labels.data, before);
  applyEdit(labels, edit);
  assert.deepEqual(labels.data, after);
});

test('an edit records only the changed voxels', () => {
  const labels = filled([20, 16, 6], 7);
  const before = labels.data.slice();
  const edit = paintDisk(labels, 1, 2, 5, 3, 3, 1) as LabelEdit;
  let changed = 0;
  for (let v = 0; v < before.length; v++) if (before[v] !== labels.data[v]) changed++;
  assert.equal(edit.indices.length, changed);
  for (let n = 0; n < edit.indices.length; n++) {
    assert.equal(edit.before[n], before[edit.indices[n]]);
    assert.notEqual(edit.before[n], 1);
  }
  assert.equal(edit.after, 1);
  assert.deepEqual(edit.layer, { axis: 1, index: 2 });
});

test('edits on other dims are refused', () => {
  const edit = paintDisk(createLabelVolume([8, 8, 2]), 2, 0, 4, 4, 2, 1) as LabelEdit;
  assert.throws(() => applyEdit(createLabelVolume([8, 8, 3]), edit), /do not match/);
  assert.throws(() => revertEdit(createLabelVolume([8, 8, 3]), edit), /do not match/);
});

test('mergeEdits: one stroke edit equal to its dabs, undone in one step', () => {
  const labels = filled([30, 30, 2], 3);
  const start = labels.data.slice();
  const dabs = [
    paintDisk(labels, 2, 1, 5, 5, 4, 2),
    paintDisk(labels, 2, 1, 8, 6, 4, 5),
    paintDisk(labels, 2, 1, 11, 7, 4, 2),
  ].filter((e): e is LabelEdit => e !== null);
  const end = labels.data.slice();
  const stroke = mergeEdits(dabs) as LabelEdit;
  assert.equal(stroke.kind, 'paint');
  assert.deepEqual(stroke.layer, { axis: 2, index: 1 });
  assert.equal(new Set(stroke.indices).size, stroke.indices.length);
  revertEdit(labels, stroke);
  assert.deepEqual(labels.data, start);
  applyEdit(labels, stroke);
  assert.deepEqual(labels.data, end);
});

test('mergeEdits: voxels that end where they started drop out; nothing left gives null', () => {
  const labels = createLabelVolume([10, 10, 1]);
  const paint = paintDisk(labels, 2, 0, 5, 5, 2, 3) as LabelEdit;
  const erase = paintDisk(labels, 2, 0, 5, 5, 2, 0) as LabelEdit;
  assert.equal(mergeEdits([paint, erase]), null);
  assert.equal(mergeEdits([]), null);
});

test('mergeEdits: mixed new values are kept per voxel', () => {
  const labels = createLabelVolume([10, 10, 1]);
  const a = paintDisk(labels, 2, 0, 2, 2, 1, 3) as LabelEdit;
  const mask = new Uint8Array(100);
  mask[99] = 1;
  const b = replaceLayerLabel(labels, 2, 0, mask, 4) as LabelEdit;
  const end = labels.data.slice();
  const merged = mergeEdits([a, b]) as LabelEdit;
  assert.equal(merged.kind, 'merged');
  assert.ok(merged.after instanceof Uint16Array);
  revertEdit(labels, merged);
  assert.ok(labels.data.every((v) => v === 0));
  applyEdit(labels, merged);
  assert.deepEqual(labels.data, end);
});
