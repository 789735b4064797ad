/**
 * The tracked objects' undo records (src/extension/segmentation/objectChange.ts): an edit's two
 * whole masks become the voxels that flip, applying the record either way gives back each state
 * exactly, and the edit the webview applies is rebuilt from the current state.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeRuns } from '../../../../src/core/labels/maskRuns';
import {
  type TrackedObjects,
  applyObjectChange,
  objectChange,
  trackingEditOf,
} from '../../../../src/extension/segmentation/objectChange';
import type { TrackedObjectState, TrackingEdit } from '../../../../src/protocol/editorMessages';

// 640 layers of 20×20: a propagation that changes two layers of a mask on all 640.
const LAYER = 400;
const COUNT = 640 * LAYER;

function state(
  id: number,
  inside: (n: number) => boolean,
  name = `Vessel ${id}`,
): TrackedObjectState {
  return {
    id,
    name,
    kind: 'vessel',
    color: '#ff0000',
    axis: 2,
    prompts: [{ layer: 3, points: [{ x: 1, y: 2, positive: true }] }],
    masks: encodeRuns(COUNT, inside).buffer as ArrayBuffer,
  };
}

// A vessel: voxels 10..14 of every layer; after the propagation also 15 on layers 7 and 8.
const before = state(1, (n) => n % LAYER >= 10 && n % LAYER < 15);
const after = state(
  1,
  (n) =>
    (n % LAYER >= 10 && n % LAYER < 15) ||
    (n % LAYER === 15 && [7, 8].includes(Math.floor(n / LAYER))),
  'Renamed',
);
const propagation: TrackingEdit = {
  kind: 'propagation',
  label: 'Propagate 1',
  objectId: 1,
  before,
  after,
};

test('a propagation is recorded as the voxels it flips, not as two whole masks', () => {
  const change = objectChange(propagation);
  assert.deepEqual([...change.flip], [7 * LAYER + 15, 1, LAYER - 1, 1, COUNT - 8 * LAYER - 16]);
  assert.ok(change.flip.byteLength * 100 < before.masks.byteLength, 'far smaller than one mask');
  assert.equal(change.after?.name, 'Renamed');
  assert.ok(!('masks' in change.after!));
});

test('undo and redo give back each state exactly, and the edit the webview applies', () => {
  const change = objectChange(propagation);
  const objects: TrackedObjects = new Map([[1, before]]);
  applyObjectChange(objects, change, 'redo');
  assert.deepEqual(objects.get(1), after);
  assert.deepEqual(trackingEditOf(change, 'redo', objects.get(1)), propagation);
  applyObjectChange(objects, change, 'undo');
  assert.deepEqual(objects.get(1), before);
  assert.deepEqual(trackingEditOf(change, 'undo', objects.get(1)), propagation);
});

test('adding and deleting an object: an absent state is an empty mask', () => {
  const added: TrackingEdit = {
    kind: 'addObject',
    label: 'Add',
    objectId: 1,
    before: null,
    after: before,
  };
  const change = objectChange(added);
  const objects: TrackedObjects = new Map();
  applyObjectChange(objects, change, 'redo');
  assert.deepEqual(objects.get(1), before);
  applyObjectChange(objects, change, 'undo');
  assert.equal(objects.size, 0);
  assert.deepEqual(trackingEditOf(change, 'undo', undefined), added);
});

test('an edit whose masks cover different volumes is refused with what is wrong', () => {
  const small = { ...after, masks: Uint32Array.of(10, 5).buffer as ArrayBuffer };
  assert.throws(
    () => objectChange({ ...propagation, after: small }),
    /cover 15 voxels; the volume has 256000/,
  );
  const odd = { ...after, masks: new ArrayBuffer(6) };
  assert.throws(
    () => objectChange({ ...propagation, after: odd }),
    /not a list of 32-bit run lengths/,
  );
});
