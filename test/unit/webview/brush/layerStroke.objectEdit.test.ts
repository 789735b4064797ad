import { recorded, resetMock } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { encodeRuns } from '../../../../src/core/labels/maskRuns';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import type { TrackedObjectState, TrackingEdit } from '../../../../src/protocol/editorMessages';
import { fromState, toState } from '../../../../src/webview/tracking/trackedObjects';
import { LayerStroke } from '../../../../src/webview/brush/layerStroke';
import { openVolumeEditor, token } from '../../../support/openVolumeEditor';

// A brush stroke on a tracked object, made as the webview makes it (LayerStroke on the object's
// layer mask, before/after states from trackedObjects), through the host's edit stack and Save.
const DIMS: [number, number, number] = [6, 5, 3];
const COUNT = 90;
const geo = { dims: DIMS, axis: 2 as const };

function object(inside: number[]): TrackedObjectState {
  return {
    id: 1,
    name: 'Vessel 1',
    kind: 'vessel',
    color: '#ff0000',
    axis: 2,
    prompts: [{ layer: 1, points: [{ x: 1, y: 1, positive: true }] }],
    masks: encodeRuns(COUNT, (n) => inside.includes(n)).buffer as ArrayBuffer,
  };
}

beforeEach(() => {
  resetMock();
  const volume = {
    dims: DIMS,
    spacingMm: [1, 1, 1] as [number, number, number],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    type: 'uint8' as const,
    data: new Uint8Array(COUNT),
  };
  recorded.files.set('/ws/eye.nii.gz', writeNifti(volume, { gzip: true }));
});

test('a brush edit of an object saves into .seg.nii.gz and undoes with the rest', async () => {
  const { provider, document, panel, changes } = await openVolumeEditor();
  const added = object([30]); // pixel (0, 0) of layer 1
  panel.receive({
    type: 'edit',
    edit: { kind: 'addObject', label: 'Add', objectId: 1, before: null, after: added },
  });

  // The webview paints a 3-pixel line on layer 1 and erases nothing else.
  const tracked = fromState(added, geo);
  const mask = tracked.masks.get(1)!;
  const stroke = new LayerStroke(mask, 6, 5, false, 0.5);
  stroke.to(2, 3);
  stroke.to(4, 3);
  assert.ok(stroke.finish());
  const brush: TrackingEdit = {
    kind: 'brush',
    label: 'Paint Vessel 1 on layer 1',
    objectId: 1,
    before: added,
    after: toState(tracked, geo),
  };
  panel.receive({ type: 'edit', edit: brush });
  assert.equal(changes.length, 2);
  assert.equal(changes[1]!.label, 'Paint Vessel 1 on layer 1');

  await provider.saveCustomDocument(document, token);
  const seg = readNifti(recorded.files.get('/ws/eye.seg.nii.gz')!).volume;
  const labelled = [...seg.data.keys()].filter((n) => seg.data[n] === 1);
  assert.deepEqual(labelled, [30, 30 + 3 * 6 + 2, 30 + 3 * 6 + 3, 30 + 3 * 6 + 4]);

  await changes[1]!.undo();
  const [undone] = await document.objects();
  assert.deepEqual([...new Uint32Array(undone!.masks)], [...new Uint32Array(added.masks)]);
  await changes[1]!.redo();
  await provider.saveCustomDocument(document, token);
  const again = readNifti(recorded.files.get('/ws/eye.seg.nii.gz')!).volume;
  assert.deepEqual(
    [...again.data.keys()].filter((n) => again.data[n] === 1),
    labelled,
  );
});
