import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floodFill } from '../../../../src/core/labels/floodFill';
import { applyEdit, revertEdit, type LabelEdit } from '../../../../src/core/labels/labelEdit';
import { decodeLabelEdit, encodeLabelEdit } from '../../../../src/core/labels/labelEditCodec';
import { createLabelVolume } from '../../../../src/core/labels/labelVolume';
import { replaceLayerLabel } from '../../../../src/core/labels/layerEdits';
import { seededRandom } from '../../../fixtures/randomVolume';

function roundTrip(edit: LabelEdit): LabelEdit {
  const buffer = encodeLabelEdit(edit);
  assert.ok(buffer instanceof ArrayBuffer);
  return decodeLabelEdit(buffer);
}

test('a uniform edit survives encoding, at 6 bytes per changed voxel', () => {
  const labels = createLabelVolume([12, 9, 7]);
  const edit = floodFill(labels, 0, 4, 3, 2, 17) as LabelEdit;
  const buffer = encodeLabelEdit(edit);
  assert.equal(buffer.byteLength, 32 + 6 * edit.indices.length);
  const back = decodeLabelEdit(new Uint8Array(buffer));
  assert.deepEqual(back, edit);
});

test('a per-voxel edit survives encoding and still undoes and redoes', () => {
  const labels = createLabelVolume([16, 16, 3]);
  const random = seededRandom(5);
  for (let v = 0; v < labels.data.length; v++) labels.data[v] = Math.floor(random() * 3);
  const mask = Uint8Array.from({ length: 256 }, () => (random() < 0.4 ? 1 : 0));
  const before = labels.data.slice();
  const edit = replaceLayerLabel(labels, 2, 1, mask, 2) as LabelEdit;
  const after = labels.data.slice();
  assert.ok(edit.after instanceof Uint16Array);
  const back = roundTrip(edit);
  assert.deepEqual(back, edit);
  revertEdit(labels, back);
  assert.deepEqual(labels.data, before);
  applyEdit(labels, back);
  assert.deepEqual(labels.data, after);
});

test('a decoded edit works from a slice of a larger buffer (e.g. a backup file)', () => {
  const labels = createLabelVolume([5, 5, 5]);
  const edit = floodFill(labels, 2, 2, 0, 0, 1) as LabelEdit;
  const inner = new Uint8Array(encodeLabelEdit(edit));
  const outer = new Uint8Array(inner.length + 10);
  outer.set(inner, 3);
  assert.deepEqual(decodeLabelEdit(outer.subarray(3, 3 + inner.length)), edit);
});

test('broken buffers get clear errors', () => {
  const labels = createLabelVolume([5, 5, 5]);
  const good = new Uint8Array(encodeLabelEdit(floodFill(labels, 2, 2, 0, 0, 1) as LabelEdit));
  assert.throws(() => decodeLabelEdit(good.slice(0, 20)), /header alone/);
  assert.throws(() => decodeLabelEdit(good.slice(0, good.length - 2)), /changed voxels need/);
  const magic = good.slice();
  magic[0] = 0;
  assert.throws(() => decodeLabelEdit(magic), /magic/);
  const version = good.slice();
  version[4] = 9;
  assert.throws(() => decodeLabelEdit(version), /version 9/);
  const kind = good.slice();
  kind[6] = 200;
  assert.throws(() => decodeLabelEdit(kind), /kind code 200/);
  const index = good.slice();
  new DataView(index.buffer).setUint32(32, 125, true);
  assert.throws(() => decodeLabelEdit(index), /voxel index 125 is outside 5x5x5/);
});
