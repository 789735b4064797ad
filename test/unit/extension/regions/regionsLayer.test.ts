import { Uri, createPanel, recorded, resetMock } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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
import type { VolumeDocument } from '../../../../src/extension/volumeDocument';
import type {
  ApplyRegionEditMessage,
  RegionsMessage,
} from '../../../../src/protocol/editorMessages';

// 6 columns × 5 rows × 4 layers along k.
const DIMS: [number, number, number] = [6, 5, 4];
const COUNT = 120;
const AFFINE = [2, 0, 0, -3, 0, 3, 0, 5, 0, 0, 4, 7, 0, 0, 0, 1];
const VOLUME: Volume = {
  dims: DIMS,
  spacingMm: [2, 3, 4],
  affine: AFFINE,
  type: 'uint8',
  data: Uint8Array.from({ length: COUNT }, (_, i) => i),
};

/** A region stroke as the webview posts it: a disk on layer `layer` along k. */
function strokeMessage(layer: number, x: number, y: number, radius: number, value = 1) {
  const scratch = createLabelVolume(DIMS);
  const edit = paintDisk(scratch, 2, layer, x, y, radius, value)!;
  return {
    type: 'regionEdit',
    label: `Paint region on layer ${layer}`,
    edit: encodeLabelEdit(edit),
  };
}

function insideRuns(mask: ArrayBuffer): number[] {
  const out: number[] = [];
  forEachInsideRun(new Uint32Array(mask), COUNT, (a, b) => {
    for (let n = a; n < b; n++) out.push(n);
  });
  return out;
}

function insideOf(document: VolumeDocument): number[] {
  const data = document.regions.current.labelVolume?.data ?? new Uint16Array(COUNT);
  return [...data.keys()].filter((n) => data[n] !== 0);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeEach(() => {
  resetMock();
  recorded.files.set('/ws/eye.nii.gz', writeNifti(VOLUME, { gzip: true }));
});

test('the editor gets an empty annotation on open, and a stroke becomes one undoable change', async () => {
  const { provider, document, panel, changes } = await openVolumeEditor();
  const [first] = ofType<RegionsMessage>(panel, 'regions');
  assert.deepEqual(first!.layers, []);
  assert.deepEqual(insideRuns(first!.mask), []);
  const second = createPanel();
  await provider.resolveCustomEditor(document, second as unknown as vscode.WebviewPanel, token);

  panel.receive(strokeMessage(2, 1, 1, 1));
  assert.equal(changes.length, 1, 'marks the document dirty');
  assert.equal(changes[0]!.label, 'Paint region on layer 2');
  assert.deepEqual(document.regions.annotatedLayers, [2]);
  const voxels = insideOf(document);
  assert.deepEqual(voxels, [61, 66, 67, 68, 73]);
  // The editor that painted gets the layer list only; the other one gets the voxels too.
  assert.deepEqual(ofType(panel, 'applyRegionEdit'), [
    { type: 'applyRegionEdit', edit: null, direction: 'redo', axis: 2, layers: [2] },
  ]);
  const [mirrored] = ofType<ApplyRegionEditMessage>(second, 'applyRegionEdit');
  assert.deepEqual(
    [...decodeLabelEdit(mirrored!.edit!).indices].sort((a, b) => a - b),
    voxels,
  );

  await changes[0]!.undo();
  assert.deepEqual(insideOf(document), []);
  assert.deepEqual(document.regions.annotatedLayers, []);
  const undo = ofType<ApplyRegionEditMessage>(panel, 'applyRegionEdit').at(-1)!;
  assert.equal(undo.direction, 'undo');
  assert.deepEqual(undo.layers, []);
  assert.ok(undo.edit, 'undo reaches the editor that painted, voxels included');
  await changes[0]!.redo();
  assert.deepEqual(insideOf(document), voxels);
  assert.deepEqual(document.regions.annotatedLayers, [2]);
});

test('markAnnotated and setLayer go through the edit stack and reach the editors', async () => {
  const { document, panel, changes } = await openVolumeEditor();
  const regions = await document.regionsReady();
  // A fresh annotation runs along the editor's auto axis (i here, the longest) until told.
  assert.equal(regions.axis, 0);
  assert.equal(regions.markAnnotated(1, true, 2), true);
  assert.equal(regions.axis, 2);
  assert.equal(regions.markAnnotated(1, true), false, 'no change, no edit');
  const mask = new Uint8Array(30);
  mask[0] = mask[29] = 1;
  assert.equal(regions.setLayer(3, mask, 'Accept prediction on layer 3'), true);
  assert.deepEqual(
    changes.map((c) => c.label),
    ['Mark layer 1 as annotated', 'Accept prediction on layer 3'],
  );
  assert.deepEqual(regions.annotatedLayers, [1, 3]);
  assert.deepEqual(insideOf(document), [90, 119]);
  assert.deepEqual([...regions.layerMask(3)].filter((v) => v).length, 2);
  const posted = ofType<ApplyRegionEditMessage>(panel, 'applyRegionEdit');
  assert.equal(posted.length, 2);
  assert.equal(posted[0]!.edit, null);
  assert.deepEqual(posted[1]!.layers, [1, 3]);
  assert.deepEqual([...decodeLabelEdit(posted[1]!.edit!).indices], [90, 119]);
  await changes[1]!.undo();
  assert.deepEqual(insideOf(document), []);
  assert.deepEqual(regions.annotatedLayers, [1]);
});

test('Save writes both regions files atomically only when there is something to save', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  await provider.saveCustomDocument(document, token);
  assert.ok(!recorded.files.has('/ws/eye.regions.nii.gz'), 'no region data, no files');

  panel.receive(strokeMessage(1, 4, 3, 1));
  document.regions.markAnnotated(3, true);
  document.regions.extras.sampleSeed = 11;
  recorded.fileOps.length = 0;
  await provider.saveCustomDocument(document, token);
  const ops = recorded.fileOps.filter((op) => op.includes('regions'));
  // The pair rule (docs/reliability.md): both temporary files, then the image, then the sidecar.
  assert.equal(ops.length, 4);
  assert.match(ops[0]!, /^write \/ws\/\.eye\.regions\.nii\.gz\.\d+-\d+\.tmp$/);
  assert.match(ops[1]!, /^write \/ws\/\.eye\.regions\.json\.\d+-\d+\.tmp$/);
  assert.equal(ops[2], `rename ${ops[0]!.slice(6)} -> /ws/eye.regions.nii.gz`);
  assert.equal(ops[3], `rename ${ops[1]!.slice(6)} -> /ws/eye.regions.json`);
  const nifti = readNifti(recorded.files.get('/ws/eye.regions.nii.gz')!).volume;
  assert.equal(nifti.type, 'uint8');
  assert.deepEqual(nifti.affine, AFFINE);
  assert.deepEqual(
    [...nifti.data.keys()].filter((n) => nifti.data[n] !== 0),
    insideOf(document),
  );
  const sidecar = JSON.parse(new TextDecoder().decode(recorded.files.get('/ws/eye.regions.json')));
  assert.deepEqual(sidecar, {
    sampleSeed: 11,
    format: 'samocta2.sparse-regions',
    version: 1,
    axis: 'k',
    layers: [1, 3],
    image_sha256: sha256(recorded.files.get('/ws/eye.regions.nii.gz')!),
  });

  // toFiles gives the saved bytes; the hash is the pair write's own addition.
  const files = document.regions.toFiles((await document.load()).volume);
  assert.deepEqual(
    readNifti(files.nifti).volume.data,
    readNifti(recorded.files.get('/ws/eye.regions.nii.gz')!).volume.data,
    'toFiles = saved (but for the gzip header time)',
  );
  const unhashed: Record<string, unknown> = { ...sidecar };
  delete unhashed.image_sha256;
  assert.deepEqual(JSON.parse(new TextDecoder().decode(files.sidecar)), unhashed);

  const again = await openVolumeEditor();
  const [message] = ofType<RegionsMessage>(again.panel, 'regions');
  assert.deepEqual(message!.layers, [1, 3]);
  assert.deepEqual(insideRuns(message!.mask), insideOf(document));
  assert.equal(again.document.regions.extras.sampleSeed, 11);
});

test('Save As to a volume name saves the regions beside the copy; Revert reloads', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  panel.receive(strokeMessage(0, 0, 0, 1));
  await provider.saveCustomDocumentAs(
    document,
    Uri.file('/out/copy.nii.gz') as unknown as vscode.Uri,
    token,
  );
  assert.ok(recorded.files.has('/out/copy.regions.nii.gz'));
  assert.ok(recorded.files.has('/out/copy.regions.json'));
  assert.ok(!recorded.files.has('/ws/eye.regions.nii.gz'));

  await provider.saveCustomDocument(document, token);
  panel.receive(strokeMessage(3, 3, 3, 2));
  await provider.revertCustomDocument(document, token);
  assert.deepEqual(document.regions.annotatedLayers, [0]);
  const last = ofType<RegionsMessage>(panel, 'regions').at(-1)!;
  assert.deepEqual(last.layers, [0]);
  assert.deepEqual(insideRuns(last.mask), [0, 1, 6]);
});

test('a backup restores the regions when the editor reopens with its id', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  panel.receive(strokeMessage(1, 2, 2, 1));
  document.regions.markAnnotated(0, true);
  const backup = await provider.backupCustomDocument(
    document,
    { destination: Uri.file('/backup/7') as unknown as vscode.Uri },
    token,
  );
  // One backup file for the whole document, the regions under their key.
  assert.deepEqual(
    [...recorded.files.keys()].filter((p) => p.startsWith('/backup/')),
    ['/backup/7'],
  );
  const content = JSON.parse(new TextDecoder().decode(recorded.files.get('/backup/7')));
  assert.deepEqual(content.layers.regions.layers, [0, 1]);
  const restored = await openVolumeEditor('/ws/eye.nii.gz', backup.id);
  const [message] = ofType<RegionsMessage>(restored.panel, 'regions');
  assert.deepEqual(message!.layers, [0, 1]);
  assert.deepEqual(insideRuns(message!.mask), insideOf(document));
  assert.ok(!recorded.files.has('/ws/eye.regions.nii.gz'), 'a backup is not a save');
  backup.delete();
  await until(() => !recorded.files.has('/backup/7'));
});

for (const [what, files, pattern] of [
  [
    'a region volume of other dims',
    {
      '/ws/eye.regions.nii.gz': writeNifti(
        { ...VOLUME, dims: [4, 5, 6], data: new Uint8Array(120) },
        { gzip: true },
      ),
    },
    /has dims 4×5×6, the volume 6×5×4/,
  ],
  [
    'a foreign sidecar',
    { '/ws/eye.regions.json': new TextEncoder().encode('{"format":"x","layers":[]}') },
    /eye\.regions\.json: format is "x"/,
  ],
  [
    'a file that is not NIfTI',
    { '/ws/eye.regions.nii.gz': new TextEncoder().encode('garbage'.repeat(80)) },
    /not a readable NIfTI/,
  ],
  [
    // The region volume replaced on its own: the pair rule (docs/reliability.md).
    'a sidecar written for another region volume',
    {
      '/ws/eye.regions.nii.gz': writeNifti(
        { ...VOLUME, data: new Uint8Array(120) },
        { gzip: true },
      ),
      '/ws/eye.regions.json': new TextEncoder().encode(
        JSON.stringify({
          format: 'samocta2.sparse-regions',
          version: 1,
          axis: 'k',
          layers: [1],
          image_sha256: sha256(new TextEncoder().encode('other regions')),
        }),
      ),
    },
    /eye\.regions\.json was written for other contents of eye\.regions\.nii\.gz/,
  ],
] as const) {
  test(`${what} is reported and not overwritten without asking`, async () => {
    for (const [path, bytes] of Object.entries(files)) recorded.files.set(path, bytes);
    const before = new Map(recorded.files);
    const { provider, document, panel } = await openVolumeEditor();
    await until(() => recorded.warnings.length > 0);
    assert.match(recorded.warnings[0]!.message, pattern);
    assert.match(recorded.warnings[0]!.message, /vessel regions were not loaded/);
    assert.deepEqual(ofType<RegionsMessage>(panel, 'regions')[0]!.layers, []);

    // Saving other edits leaves it alone without asking while nothing is annotated here.
    await provider.saveCustomDocument(document, token);
    assert.equal(recorded.warnings.length, 1, 'no question');
    panel.receive(strokeMessage(0, 0, 0, 0));
    await assert.rejects(provider.saveCustomDocument(document, token), /Not saved/);
    assert.equal(recorded.warnings[1]!.modal, true);
    for (const path of Object.keys(files)) {
      assert.equal(recorded.files.get(path), before.get(path), `${path} left as it was`);
    }
    recorded.warningAnswer = (items) => items.find((i) => i === 'Replace');
    await provider.saveCustomDocument(document, token);
    const nifti = readNifti(recorded.files.get('/ws/eye.regions.nii.gz')!).volume;
    assert.equal(nifti.data[0], 1);
  });
}

test('a malformed or refused region edit changes nothing and resyncs the editor', async () => {
  const { document, panel, changes } = await openVolumeEditor();
  panel.receive({ type: 'regionEdit', label: 'x', edit: new Uint8Array([1, 2, 3]).buffer });
  panel.receive({ type: 'regionEdit', label: 3, edit: new ArrayBuffer(40) });
  panel.receive(strokeMessage(0, 0, 0, 0, 5));
  await until(() => ofType(panel, 'regions').length >= 3);
  assert.equal(changes.length, 0);
  assert.deepEqual(insideOf(document), []);
  assert.equal(recorded.errors.length, 2);
  assert.match(recorded.errors[0]!, /Region edit refused: Not a SAM-OCTA2 label edit/);
  assert.match(recorded.errors[1]!, /0 or 1 only/);
});
