/**
 * The en-face RV drawn on the projection view (src/extension/enface/enfaceRvLayer.ts, issue
 * 6) through the real editor provider under the vscode mock: a stroke is one undoable change
 * mirrored to the editors, Save writes `<name>.rv2d.nii.gz` (W×H×1 uint8 0/1) atomically and
 * only when edited, reopening / Save As / Revert / backups carry it, and a bad file is reported
 * and not replaced without asking.
 */
import { Uri, createPanel, recorded, resetMock } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { ofType, token, until, openVolumeEditor } from '../../../support/openVolumeEditor';
import type * as vscode from 'vscode';
import { paintDisk } from '../../../../src/core/labels/brush';
import { decodeLabelEdit, encodeLabelEdit } from '../../../../src/core/labels/labelEditCodec';
import { createLabelVolume } from '../../../../src/core/labels/labelVolume';
import { forEachInsideRun } from '../../../../src/core/labels/maskRuns';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import type { Volume } from '../../../../src/core/volume/volume';
import type {
  ApplyEnfaceRvEditMessage,
  EnfaceRvMessage,
} from '../../../../src/protocol/editorMessages';

// 6 columns × 5 rows × 4 layers: the en-face plane is 6 × 5.
const DIMS: [number, number, number] = [6, 5, 4];
const PLANE = 30;
const AFFINE = [2, 0, 0, -3, 0, 3, 0, 5, 0, 0, 4, 7, 0, 0, 0, 1];
const VOLUME: Volume = {
  dims: DIMS,
  spacingMm: [2, 3, 4],
  affine: AFFINE,
  type: 'uint8',
  data: Uint8Array.from({ length: 120 }, (_, i) => i),
};

/** A stroke as the webview posts it: a disk on the W×H×1 plane. */
function stroke(x: number, y: number, radius: number, value = 1) {
  const plane = createLabelVolume([DIMS[0], DIMS[1], 1]);
  const edit = paintDisk(plane, 2, 0, x, y, radius, value)!;
  return { type: 'enfaceRvEdit', label: 'Paint en-face RV', edit: encodeLabelEdit(edit) };
}

function inside(mask: ArrayLike<number>): number[] {
  return [...Array.from(mask).keys()].filter((p) => mask[p] !== 0);
}

function insideRuns(message: EnfaceRvMessage): number[] {
  const out: number[] = [];
  forEachInsideRun(new Uint32Array(message.mask), PLANE, (a, b) => {
    for (let n = a; n < b; n++) out.push(n);
  });
  return out;
}

beforeEach(() => {
  resetMock();
  recorded.files.set('/ws/eye.nii.gz', writeNifti(VOLUME, { gzip: true }));
});

test('a stroke is one undoable change, mirrored to the other editors', async () => {
  const { provider, document, panel, changes } = await openVolumeEditor();
  assert.deepEqual(insideRuns(ofType<EnfaceRvMessage>(panel, 'enfaceRv')[0]!), []);
  const second = createPanel();
  await provider.resolveCustomEditor(document, second as unknown as vscode.WebviewPanel, token);

  panel.receive(stroke(2, 2, 1));
  assert.equal(changes.length, 1);
  assert.equal(changes[0]!.label, 'Paint en-face RV');
  const disk = [8, 13, 14, 15, 20];
  assert.deepEqual(inside(document.enfaceRv.mask), disk);
  assert.deepEqual(ofType(panel, 'applyEnfaceRvEdit'), [
    { type: 'applyEnfaceRvEdit', edit: null, direction: 'redo' },
  ]);
  const [mirrored] = ofType<ApplyEnfaceRvEditMessage>(second, 'applyEnfaceRvEdit');
  assert.deepEqual(
    [...decodeLabelEdit(mirrored!.edit!).indices].sort((a, b) => a - b),
    disk,
  );

  await changes[0]!.undo();
  assert.deepEqual(inside(document.enfaceRv.mask), []);
  const undo = ofType<ApplyEnfaceRvEditMessage>(panel, 'applyEnfaceRvEdit').at(-1)!;
  assert.equal(undo.direction, 'undo');
  assert.ok(undo.edit, 'undo reaches the editor that painted');
  await changes[0]!.redo();
  assert.deepEqual(inside(document.enfaceRv.mask), disk);
});

test('Save writes <name>.rv2d.nii.gz atomically when edited; reopening loads it', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  await provider.saveCustomDocument(document, token);
  assert.ok(!recorded.files.has('/ws/eye.rv2d.nii.gz'), 'nothing drawn, no file');

  panel.receive(stroke(0, 0, 1));
  recorded.fileOps.length = 0;
  await provider.saveCustomDocument(document, token);
  const ops = recorded.fileOps.filter((op) => op.includes('rv2d'));
  assert.equal(ops.length, 2);
  assert.match(ops[0]!, /^write \/ws\/\.eye\.rv2d\.nii\.gz\.\d+-\d+\.tmp$/);
  assert.equal(ops[1], `rename ${ops[0]!.slice(6)} -> /ws/eye.rv2d.nii.gz`);
  const nifti = readNifti(recorded.files.get('/ws/eye.rv2d.nii.gz')!).volume;
  assert.deepEqual(nifti.dims, [6, 5, 1]);
  assert.equal(nifti.type, 'uint8');
  assert.deepEqual(inside(nifti.data), [0, 1, 6]);
  assert.ok(Array.from(nifti.data).every((v) => v === 0 || v === 1));

  recorded.fileOps.length = 0;
  await provider.saveCustomDocument(document, token);
  assert.equal(recorded.fileOps.filter((op) => op.includes('rv2d')).length, 0, 'unchanged');

  const again = await openVolumeEditor();
  assert.deepEqual(insideRuns(ofType<EnfaceRvMessage>(again.panel, 'enfaceRv')[0]!), [0, 1, 6]);
});

test('Save As writes beside the copy; Revert reloads; a backup restores it', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  panel.receive(stroke(5, 4, 0));
  await provider.saveCustomDocumentAs(
    document,
    Uri.file('/out/copy.nii.gz') as unknown as vscode.Uri,
    token,
  );
  assert.deepEqual(
    inside(readNifti(recorded.files.get('/out/copy.rv2d.nii.gz')!).volume.data),
    [29],
  );
  assert.ok(!recorded.files.has('/ws/eye.rv2d.nii.gz'));

  await provider.saveCustomDocument(document, token);
  panel.receive(stroke(0, 0, 0));
  const backup = await provider.backupCustomDocument(
    document,
    { destination: Uri.file('/backup/3') as unknown as vscode.Uri },
    token,
  );
  const content = JSON.parse(new TextDecoder().decode(recorded.files.get('/backup/3')));
  assert.equal(content.layers.enfaceRv.format, 'samocta2-rv2d-backup', 'in the one backup file');
  const restored = await openVolumeEditor('/ws/eye.nii.gz', backup.id);
  assert.deepEqual(insideRuns(ofType<EnfaceRvMessage>(restored.panel, 'enfaceRv')[0]!), [0, 29]);

  await provider.revertCustomDocument(document, token);
  assert.deepEqual(inside(document.enfaceRv.mask), [29]);
  assert.deepEqual(insideRuns(ofType<EnfaceRvMessage>(panel, 'enfaceRv').at(-1)!), [29]);
});

test('a bad rv2d file is reported and not overwritten without asking', async () => {
  const bad = writeNifti({ ...VOLUME, dims: [5, 6, 1], data: new Uint8Array(30) }, { gzip: true });
  recorded.files.set('/ws/eye.rv2d.nii.gz', bad);
  const { provider, document, panel, changes } = await openVolumeEditor();
  await until(() => recorded.warnings.length > 0);
  assert.match(recorded.warnings[0]!.message, /eye\.rv2d\.nii\.gz is 5×6×1.*must be 6×5×1/);
  assert.match(recorded.warnings[0]!.message, /en-face RV annotation was not loaded/);

  await provider.saveCustomDocument(document, token);
  assert.equal(recorded.files.get('/ws/eye.rv2d.nii.gz'), bad, 'not edited: left alone');
  panel.receive(stroke(1, 1, 0));
  await assert.rejects(provider.saveCustomDocument(document, token), /Not saved/);
  assert.equal(recorded.files.get('/ws/eye.rv2d.nii.gz'), bad);
  recorded.warningAnswer = (items) => items.find((i) => i === 'Replace');
  await provider.saveCustomDocument(document, token);
  assert.deepEqual(inside(readNifti(recorded.files.get('/ws/eye.rv2d.nii.gz')!).volume.data), [7]);

  // An edit with values other than 0/1 is refused and the editor resynced.
  panel.receive(stroke(3, 3, 0, 4));
  await until(() => recorded.errors.length > 0);
  assert.match(recorded.errors[0]!, /En-face RV edit refused: .*0 or 1 only/);
  assert.equal(changes.length, 1);
});
