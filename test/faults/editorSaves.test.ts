/**
 * Fault suite, the editor: the real document code (VolumeDocument, its three annotation layers,
 * src/extension/vscodeFolderFs.ts over the shared pair rule) saving and backing up over an
 * in-memory file system that fails or stops at each of its writes, renames and deletes in turn
 * (test/fixtures/faultyWorkspaceFs.ts). After each fault a new document (the next extension
 * host) opens the files: every layer must load without a problem and hold the state of the last
 * save or of the interrupted one, never a mix (a segmentation or regions sidecar beside other
 * labels would be a PairMismatchError), and no temporary file may remain after that open nor
 * after its next save. After a 'fail' the same document saves again, as a user would once the
 * disk has room, and that save must land whole. Backups: a backup cut short leaves the earlier
 * backup to restore from, never one that falls back to older saved files.
 */
import { Uri } from '../support/vscodeMock';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { paintDisk } from '../../src/core/labels/brush';
import { createLabelVolume } from '../../src/core/labels/labelVolume';
import { encodeRuns, forEachInsideRun } from '../../src/core/labels/maskRuns';
import { writeNifti } from '../../src/core/nifti/writeNifti';
import type { Volume } from '../../src/core/volume/volume';
import { VolumeDocument } from '../../src/extension/volumeDocument';
import type { TrackedObjectState } from '../../src/protocol/editorMessages';
import { Crash } from '../fixtures/memoryFolderFs';
import { FaultyWorkspaceFs } from '../fixtures/faultyWorkspaceFs';

const DIMS: [number, number, number] = [6, 5, 4];
const COUNT = 120;
const VOLUME: Volume = {
  dims: DIMS,
  spacingMm: [1, 1, 1],
  affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  type: 'uint8',
  data: Uint8Array.from({ length: COUNT }, (_, i) => i),
};
const VOLUME_PATH = '/ws/eye.nii.gz';
const origin = {};
const neverAsked = async (): Promise<boolean> => assert.fail('Save asked to replace a file');

function trackedObject(id: number, inside: number[]): TrackedObjectState {
  return {
    id,
    name: `Vessel ${id}`,
    kind: 'vessel',
    color: '#ff0000',
    axis: 2,
    prompts: [{ layer: 1, points: [{ x: 1, y: 2, positive: true }] }],
    masks: encodeRuns(COUNT, (n) => inside.includes(n)).buffer as ArrayBuffer,
  };
}

function setObject(document: VolumeDocument, id: number, inside: number[]): void {
  const before = document.segmentation.list().find((o) => o.id === id) ?? null;
  const after = trackedObject(id, inside);
  const edit = { kind: 'propagation', label: `Track ${id}`, objectId: id, before, after } as const;
  document.segmentation.editFromWebview(edit, origin);
}

function paintRv(document: VolumeDocument, x: number, y: number): void {
  const edit = paintDisk(createLabelVolume([DIMS[0], DIMS[1], 1]), 2, 0, x, y, 1, 1)!;
  document.enfaceRv.editFromWebview('Paint en-face RV', edit, origin);
}

function regionLayer(document: VolumeDocument, index: number, inside: number[]): void {
  const size = COUNT / DIMS[document.regions.axis];
  document.regions.setLayer(
    index,
    Uint8Array.from({ length: size }, (_, p) => +inside.includes(p)),
  );
}

/** Each layer's content, comparable across documents. */
async function stateOf(document: VolumeDocument): Promise<Record<string, string>> {
  const objects = (await document.objects()).map((o) => {
    const inside: number[] = [];
    forEachInsideRun(new Uint32Array(o.masks), COUNT, (a, b) => {
      for (let n = a; n < b; n++) inside.push(n);
    });
    return [o.id, o.name, inside];
  });
  const regions = await document.regionsReady();
  const voxels = regions.current.labelVolume?.data ?? new Uint16Array(COUNT);
  const rv = await document.enfaceRvReady();
  return {
    objects: JSON.stringify(objects),
    regions: JSON.stringify([regions.annotatedLayers, [...voxels.keys()].filter((n) => voxels[n])]),
    enfaceRv: JSON.stringify([...rv.mask.keys()].filter((p) => rv.mask[p])),
  };
}

async function open(fs: FaultyWorkspaceFs, backupId?: string): Promise<VolumeDocument> {
  const uri = Uri.file(VOLUME_PATH) as unknown as vscode.Uri;
  const document = await VolumeDocument.create(uri, backupId, fs.asFileSystem);
  for (const layer of document.layers) await document.ready(layer);
  return document;
}

function problems(document: VolumeDocument): string[] {
  return document.layers.flatMap((layer) =>
    layer.problem ? [`${layer.key}: ${layer.problem}`] : [],
  );
}

/** A document with a first save on disk, then edited to a second state (not yet saved). */
async function editedAfterSave(fs: FaultyWorkspaceFs) {
  fs.files.set(VOLUME_PATH, writeNifti(VOLUME, { gzip: true }));
  const document = await open(fs);
  setObject(document, 1, [3, 4, 5]);
  regionLayer(document, 1, [0, 1, 2]);
  paintRv(document, 1, 1);
  await document.save(neverAsked);
  const saved = await stateOf(document);
  setObject(document, 1, [3, 4, 5, 33]);
  setObject(document, 2, [60, 61]);
  regionLayer(document, 2, [5, 6]);
  paintRv(document, 4, 3);
  return { document, saved, edited: await stateOf(document) };
}

/** Whether a save (or backup) threw what the fault mode throws; false when it succeeded. */
async function faulted(work: Promise<unknown>, mode: 'stop' | 'fail'): Promise<boolean> {
  return work.then(
    () => false,
    (error: unknown) => {
      if (mode === 'stop') assert.ok(error instanceof Crash, String(error));
      else assert.match(String(error), /ENOSPC/);
      return true;
    },
  );
}

test('editor saves (real document code) failed or stopped at every write: each layer old or new, no temp file after the next open and save', async () => {
  // The writes, renames and deletes of one whole save of the edited state.
  const probe = new FaultyWorkspaceFs();
  const probed = await editedAfterSave(probe);
  const start = probe.mutations;
  await probed.document.save(neverAsked);
  const points = probe.mutations - start;
  assert.ok(points >= 10, `${points} file operations in a save`);

  const outcomes: Record<string, number> = { old: 0, new: 0 };
  let faults = 0;
  for (const mode of ['stop', 'fail'] as const) {
    for (let at = 1; at <= points; at++) {
      const where = `${mode} at operation ${at} of ${points}`;
      const fs = new FaultyWorkspaceFs();
      const { document, saved, edited } = await editedAfterSave(fs);
      fs.mode = mode;
      fs.faultAt = fs.mutations + at;
      assert.ok(await faulted(document.save(neverAsked), mode), `${where}: the save reported it`);
      faults++;
      if (mode === 'fail') {
        // The same window saves again once the disk has room: the whole edited state lands.
        await document.save(neverAsked);
        assert.deepEqual(fs.temps(), [], `${where}: temp files after the retried save`);
        fs.restart();
        assert.deepEqual(await stateOf(await open(fs)), edited, `${where}: the retried save`);
        continue;
      }
      fs.restart();
      const next = await open(fs);
      assert.deepEqual(problems(next), [], `${where}: a layer could not be opened`);
      const state = await stateOf(next);
      for (const key of Object.keys(state)) {
        const outcome = state[key] === saved[key] ? 'old' : state[key] === edited[key] ? 'new' : '';
        assert.ok(outcome, `${where}: ${key} is neither the saved nor the edited state`);
        outcomes[outcome]!++;
      }
      assert.deepEqual(fs.temps(), [], `${where}: temp files after the next open`);
      setObject(next, 3, [90]);
      paintRv(next, 0, 4);
      await next.save(neverAsked);
      assert.deepEqual(fs.temps(), [], `${where}: temp files after the next save`);
      assert.deepEqual(problems(await open(fs)), [], `${where}: after the next save`);
    }
  }
  console.log(
    `# faults editor saves: ${faults} faults at ${points} file operations of a save (stop and fail), ` +
      `all survived; layers after a stop: ${outcomes.old} old, ${outcomes.new} new, 0 mixed; temp files left 0`,
  );
  assert.ok(outcomes.old > 0 && outcomes.new > 0, JSON.stringify(outcomes));
});

test('editor backups failed or stopped at every write: the restore holds the earlier backup or the new one, whole', async () => {
  const destination = Uri.file('/backup/7') as unknown as vscode.Uri;
  let faults = 0;
  for (const mode of ['stop', 'fail'] as const) {
    for (let at = 1; ; at++) {
      const fs = new FaultyWorkspaceFs();
      const { document } = await editedAfterSave(fs);
      await document.backup(destination);
      const backedUp = await stateOf(document);
      setObject(document, 2, [62, 63, 64]);
      paintRv(document, 2, 2);
      const edited = await stateOf(document);
      fs.mode = mode;
      fs.faultAt = fs.mutations + at;
      if (!(await faulted(document.backup(destination), mode))) break; // past the last operation
      faults++;
      fs.restart();
      const restored = await open(fs, destination.toString());
      const state = JSON.stringify(await stateOf(restored));
      assert.ok(
        state === JSON.stringify(backedUp) || state === JSON.stringify(edited),
        `${mode} at ${at}: the restore is neither backup`,
      );
      assert.deepEqual(fs.temps(), [], `${mode} at ${at}: temp files after the restore`);
    }
  }
  console.log(`# faults editor backups: ${faults} faults survived; temp files left 0`);
  assert.ok(faults >= 4);
});
