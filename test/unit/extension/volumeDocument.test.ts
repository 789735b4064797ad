import { Uri, createPanel, recorded, resetMock } from '../../support/vscodeMock';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, test } from 'node:test';
import { ofType, token, until, openVolumeEditor } from '../../support/openVolumeEditor';
import type * as vscode from 'vscode';
import { encodeRuns } from '../../../src/core/labels/maskRuns';
import { readNifti } from '../../../src/core/nifti/readNifti';
import { writeNifti } from '../../../src/core/nifti/writeNifti';
import type { Volume } from '../../../src/core/volume/volume';
import type { TrackedObjectState, TrackingEdit } from '../../../src/protocol/editorMessages';

const DIMS: [number, number, number] = [4, 3, 2];
const COUNT = 24;
const AFFINE = [2, 0, 0, -3, 0, 3, 0, 5, 0, 0, 4, 7, 0, 0, 0, 1];
const VOLUME: Volume = {
  dims: DIMS,
  spacingMm: [2, 3, 4],
  affine: AFFINE,
  type: 'uint8',
  data: Uint8Array.from({ length: COUNT }, (_, i) => i),
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function object(id: number, inside: number[], name = `Vessel ${id}`): TrackedObjectState {
  return {
    id,
    name,
    kind: id === 2 ? 'faz' : 'vessel',
    color: '#ff0000',
    axis: 2,
    prompts: [{ layer: 1, points: [{ x: 1, y: 2, positive: true }] }],
    masks: encodeRuns(COUNT, (n) => inside.includes(n)).buffer as ArrayBuffer,
  };
}

function edit(before: TrackedObjectState | null, after: TrackedObjectState | null): TrackingEdit {
  const id = (after ?? before)!.id;
  return { kind: 'propagation', label: `Propagate ${id}`, objectId: id, before, after };
}

function insideOf(state: TrackedObjectState): number[] {
  const runs = new Uint32Array(state.masks);
  const out: number[] = [];
  let at = 0;
  runs.forEach((length, r) => {
    if (r % 2 === 1) for (let n = at; n < at + length; n++) out.push(n);
    at += length;
  });
  return out;
}

beforeEach(() => {
  resetMock();
  recorded.files.set('/ws/eye.nii.gz', writeNifti(VOLUME, { gzip: true }));
});

test('an edit marks the document dirty; its undo and redo replay it through applyEdit', async () => {
  const { document, panel, changes } = await openVolumeEditor();
  const second = createPanel();
  const { provider } = await openVolumeEditor();
  await provider.resolveCustomEditor(document, second as unknown as vscode.WebviewPanel, token);

  const added = edit(null, object(1, [3, 4, 5]));
  panel.receive({ type: 'edit', edit: added });
  assert.equal(changes.length, 1, 'one undoable change, so VS Code marks the document dirty');
  assert.equal(changes[0]!.label, 'Propagate 1');
  assert.deepEqual(
    (await document.objects()).map((o) => o.id),
    [1],
  );
  assert.equal(ofType(panel, 'applyEdit').length, 0, 'the editor that made the edit shows it');
  assert.deepEqual(ofType(second, 'applyEdit'), [
    { type: 'applyEdit', edit: added, direction: 'redo' },
  ]);

  await changes[0]!.undo();
  assert.deepEqual(await document.objects(), []);
  assert.deepEqual(ofType(panel, 'applyEdit').at(-1), {
    type: 'applyEdit',
    edit: added,
    direction: 'undo',
  });
  await changes[0]!.redo();
  assert.deepEqual(insideOf((await document.objects())[0]!), [3, 4, 5]);
  assert.deepEqual(ofType(panel, 'applyEdit').at(-1), {
    type: 'applyEdit',
    edit: added,
    direction: 'redo',
  });
});

test('Save writes <name>.seg.nii.gz and its sidecar through temp files and renames', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  panel.receive({ type: 'trackingStatus', model: 'samocta2-nano', backend: 'wasm', note: null });
  panel.receive({ type: 'edit', edit: edit(null, object(1, [0, 1, 2, 13])) });
  panel.receive({ type: 'edit', edit: edit(null, object(2, [20, 21])) });
  await provider.saveCustomDocument(document, token);

  // The pair rule (docs/reliability.md): both temporary files, then the image, then the sidecar.
  const ops = recorded.fileOps;
  assert.equal(ops.length, 4);
  assert.match(ops[0]!, /^write \/ws\/\.eye\.seg\.nii\.gz\.\d+-\d+\.tmp$/);
  assert.match(ops[1]!, /^write \/ws\/\.eye\.seg\.json\.\d+-\d+\.tmp$/);
  assert.equal(ops[2], `rename ${ops[0]!.slice(6)} -> /ws/eye.seg.nii.gz`);
  assert.equal(ops[3], `rename ${ops[1]!.slice(6)} -> /ws/eye.seg.json`);
  assert.ok(![...recorded.files.keys()].some((p) => p.endsWith('.tmp')));

  const seg = readNifti(recorded.files.get('/ws/eye.seg.nii.gz')!).volume;
  assert.deepEqual(seg.dims, DIMS);
  assert.equal(seg.type, 'uint16');
  assert.deepEqual(seg.affine, AFFINE);
  const expected = new Array(COUNT).fill(0);
  for (const n of [0, 1, 2, 13]) expected[n] = 1;
  for (const n of [20, 21]) expected[n] = 2;
  assert.deepEqual([...seg.data], expected);

  const sidecar = JSON.parse(new TextDecoder().decode(recorded.files.get('/ws/eye.seg.json')));
  assert.equal(sidecar.format, 'samocta2-segmentation');
  assert.equal(sidecar.volume, 'eye.nii.gz');
  assert.equal(sidecar.model, 'samocta2-nano');
  assert.equal(sidecar.image_sha256, sha256(recorded.files.get('/ws/eye.seg.nii.gz')!));
  assert.deepEqual(
    sidecar.objects.map((o: { id: number; kind: string }) => [o.id, o.kind]),
    [
      [1, 'vessel'],
      [2, 'faz'],
    ],
  );
});

test('a saved segmentation reopens with the same objects, prompts and masks', async () => {
  const first = await openVolumeEditor();
  const saved = [object(1, [5, 6, 7]), object(2, [22, 23], 'FAZ')];
  for (const o of saved) first.panel.receive({ type: 'edit', edit: edit(null, o) });
  await first.provider.saveCustomDocument(first.document, token);

  const again = await openVolumeEditor();
  const [message] = ofType<{ objects: TrackedObjectState[] }>(again.panel, 'segmentation');
  assert.deepEqual(
    message!.objects.map((o) => ({ ...o, masks: insideOf(o) })),
    saved.map((o) => ({ ...o, masks: insideOf(o) })),
  );
});

test('Save As to a volume name copies the volume there with its segmentation beside it', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  panel.receive({ type: 'edit', edit: edit(null, object(1, [0])) });
  const as = (path: string) =>
    provider.saveCustomDocumentAs(document, Uri.file(path) as unknown as vscode.Uri, token);
  await as('/out/copy.nii.gz');
  assert.deepEqual(recorded.files.get('/out/copy.nii.gz'), recorded.files.get('/ws/eye.nii.gz'));
  assert.ok(recorded.files.has('/out/copy.seg.nii.gz') && recorded.files.has('/out/copy.seg.json'));
  await as('/out/b.seg.nii.gz');
  assert.ok(recorded.files.has('/out/b.seg.nii.gz') && recorded.files.has('/out/b.seg.json'));
  assert.ok(!recorded.files.has('/out/b.seg.seg.nii.gz'));
  const volume = recorded.files.get('/ws/eye.nii.gz');
  await as('/ws/eye.nii.gz');
  assert.equal(recorded.files.get('/ws/eye.nii.gz'), volume, 'the volume itself is not rewritten');
  assert.ok(recorded.files.has('/ws/eye.seg.nii.gz'));
});

test('Revert reloads the saved segmentation and sends it', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  panel.receive({ type: 'edit', edit: edit(null, object(1, [9])) });
  await provider.saveCustomDocument(document, token);
  panel.receive({ type: 'edit', edit: edit(null, object(2, [10])) });
  await provider.revertCustomDocument(document, token);
  const last = ofType<{ objects: TrackedObjectState[] }>(panel, 'segmentation').at(-1)!;
  assert.deepEqual(
    last.objects.map((o) => [o.id, insideOf(o)]),
    [[1, [9]]],
  );
});

test('a backup restores prompts and masks when the editor reopens with its id', async () => {
  const { provider, document, panel } = await openVolumeEditor();
  const state = object(3, [1, 2, 3, 4]);
  panel.receive({ type: 'edit', edit: edit(null, state) });
  const backup = await provider.backupCustomDocument(
    document,
    { destination: Uri.file('/backup/1') as unknown as vscode.Uri },
    token,
  );
  // Written whole or not at all: a temporary file renamed over the backup.
  const backupOps = recorded.fileOps.filter((op) => op.includes('/backup/'));
  assert.equal(backupOps.length, 2);
  assert.match(backupOps[0]!, /^write \/backup\/\.1\.\d+-\d+\.tmp$/);
  assert.equal(backupOps[1], `rename ${backupOps[0]!.slice(6)} -> /backup/1`);
  const restored = await openVolumeEditor('/ws/eye.nii.gz', backup.id);
  const [message] = ofType<{ objects: TrackedObjectState[] }>(restored.panel, 'segmentation');
  assert.deepEqual(
    message!.objects.map((o) => ({ ...o, masks: insideOf(o) })),
    [{ ...state, masks: [1, 2, 3, 4] }],
  );
  assert.ok(!recorded.files.has('/ws/eye.seg.nii.gz'), 'a backup is not a save');
});

for (const [what, files, pattern] of [
  [
    'a segmentation of other dims',
    {
      '/ws/eye.seg.nii.gz': writeNifti(
        { ...VOLUME, dims: [2, 3, 4], type: 'uint16', data: new Uint16Array(24) },
        { gzip: true },
      ),
    },
    /has dims 2×3×4, the volume 4×3×2/,
  ],
  [
    'a non-label volume',
    {
      '/ws/eye.seg.nii.gz': writeNifti(
        { ...VOLUME, type: 'float32', data: new Float32Array(24).fill(0.5) },
        { gzip: true },
      ),
    },
    /is not a label volume/,
  ],
  [
    'a bad sidecar',
    {
      '/ws/eye.seg.nii.gz': writeNifti(
        { ...VOLUME, type: 'uint16', data: new Uint16Array(24) },
        { gzip: true },
      ),
      '/ws/eye.seg.json': new TextEncoder().encode('{"format": "something-else"}'),
    },
    /eye\.seg\.json: format is "something-else"/,
  ],
  [
    'a file that is not NIfTI',
    { '/ws/eye.seg.nii.gz': new TextEncoder().encode('garbage'.repeat(80)) },
    /not a readable NIfTI/,
  ],
  [
    // The labels replaced on their own (another tool, a half-copied folder): the pair rule.
    'a sidecar written for other labels',
    {
      '/ws/eye.seg.nii.gz': writeNifti(
        { ...VOLUME, type: 'uint16', data: new Uint16Array(24).fill(1) },
        { gzip: true },
      ),
      '/ws/eye.seg.json': new TextEncoder().encode(
        JSON.stringify({
          format: 'samocta2-segmentation',
          format_version: 1,
          volume: 'eye.nii.gz',
          model: null,
          axis: 2,
          objects: [{ id: 1, name: 'Vessel 1', kind: 'vessel', prompts: [] }],
          image_sha256: sha256(new TextEncoder().encode('other labels')),
        }),
      ),
    },
    /eye\.seg\.json was written for other contents of eye\.seg\.nii\.gz .*Both were left as they are/,
  ],
] as const) {
  test(`${what} is reported and not overwritten without asking`, async () => {
    for (const [path, bytes] of Object.entries(files)) recorded.files.set(path, bytes);
    const original = recorded.files.get('/ws/eye.seg.nii.gz');
    const sidecar = recorded.files.get('/ws/eye.seg.json');
    const { provider, document, panel } = await openVolumeEditor();
    await until(() => recorded.warnings.length > 0);
    assert.match(recorded.warnings[0]!.message, pattern);
    assert.deepEqual(ofType<{ objects: unknown[] }>(panel, 'segmentation')[0]!.objects, []);

    panel.receive({ type: 'edit', edit: edit(null, object(1, [0])) });
    await assert.rejects(provider.saveCustomDocument(document, token), /Not saved/);
    assert.equal(recorded.warnings[1]!.modal, true);
    assert.equal(recorded.files.get('/ws/eye.seg.nii.gz'), original, 'left as it was');
    assert.equal(recorded.files.get('/ws/eye.seg.json'), sidecar, 'left as it was');

    recorded.warningAnswer = (items) => items.find((i) => i === 'Replace');
    await provider.saveCustomDocument(document, token);
    const seg = readNifti(recorded.files.get('/ws/eye.seg.nii.gz')!).volume;
    assert.equal(seg.data[0], 1);
  });
}

test('a malformed edit is ignored: no change, nothing marked dirty', async () => {
  const { document, panel, changes } = await openVolumeEditor();
  const good = edit(null, object(1, [0]));
  for (const bad of [
    { type: 'edit', edit: { ...good, after: { ...good.after, masks: [1, 2] } } },
    { type: 'edit', edit: { ...good, objectId: 2 } },
    { type: 'edit', edit: { ...good, label: undefined } },
  ]) {
    panel.receive(bad);
  }
  assert.equal(changes.length, 0);
  assert.deepEqual(await document.objects(), []);
});

test('an edit made before the saved segmentation was read is kept on top of it', async () => {
  const first = await openVolumeEditor();
  first.panel.receive({ type: 'edit', edit: edit(null, object(1, [5])) });
  await first.provider.saveCustomDocument(first.document, token);

  const provider = first.provider;
  const document = await provider.openCustomDocument(
    Uri.file('/ws/eye.nii.gz') as unknown as vscode.Uri,
    { backupId: undefined, untitledDocumentData: undefined },
    token,
  );
  const panel = createPanel();
  await provider.resolveCustomEditor(document, panel as unknown as vscode.WebviewPanel, token);
  panel.receive({ type: 'edit', edit: edit(null, object(2, [6])) });
  assert.deepEqual(
    (await document.objects()).map((o) => [o.id, insideOf(o)]),
    [
      [1, [5]],
      [2, [6]],
    ],
  );
});

test('an edit whose masks are of another volume is refused, reported, and the objects re-sent', async () => {
  const { document, panel, changes } = await openVolumeEditor();
  const sent = ofType(panel, 'segmentation').length;
  const foreign = { ...object(1, [0]), masks: Uint32Array.of(3, 2).buffer as ArrayBuffer };
  panel.receive({ type: 'edit', edit: edit(object(1, [1]), foreign) });
  assert.equal(changes.length, 0, 'nothing on the edit stack');
  assert.deepEqual(await document.objects(), []);
  assert.match(
    recorded.errors[0]!,
    /^SAM-OCTA2: Edit refused: .*cover 5 voxels; the volume has 24/,
  );
  await until(() => ofType(panel, 'segmentation').length === sent + 1);
});
