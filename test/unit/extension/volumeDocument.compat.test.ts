/**
 * Files and hot-exit backups written by the version before the annotation layers became one
 * abstraction (test/fixtures/annotationV1, see its generate.ts) still open with every kind of
 * annotation: tracked objects, vessel regions and the en-face RV, from the saved files and from
 * a backup; and Save after restoring such a backup writes what the backup held.
 */
import { Uri, recorded, resetMock } from '../../support/vscodeMock';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { ofType, openVolumeEditor, token } from '../../support/openVolumeEditor';
import { forEachInsideRun } from '../../../src/core/labels/maskRuns';
import { readNifti } from '../../../src/core/nifti/readNifti';
import type { VolumeDocument } from '../../../src/extension/volumeDocument';
import type {
  EnfaceRvMessage,
  RegionsMessage,
  TrackedObjectState,
} from '../../../src/protocol/editorMessages';

const FIXTURES = new URL('../../fixtures/annotationV1/', import.meta.url);
const COUNT = 120;
const PLANE = 30;

function inside(runs: ArrayBuffer | Uint32Array, count: number): number[] {
  const out: number[] = [];
  forEachInsideRun(new Uint32Array(runs), count, (a, b) => {
    for (let n = a; n < b; n++) out.push(n);
  });
  return out;
}

function load(folder: string, into: string): void {
  for (const name of readdirSync(new URL(folder, FIXTURES))) {
    recorded.files.set(`${into}/${name}`, readFileSync(new URL(`${folder}/${name}`, FIXTURES)));
  }
}

function objectsOf(panel: { posted: unknown[] }): [number, number[]][] {
  const [message] = ofType<{ objects: TrackedObjectState[] }>(panel, 'segmentation');
  return message!.objects.map((o) => [o.id, inside(o.masks, COUNT)]);
}

function regionVoxels(document: VolumeDocument): number[] {
  const data = document.regions.current.labelVolume?.data ?? new Uint16Array(COUNT);
  return [...data.keys()].filter((n) => data[n] !== 0);
}

// What generate.ts drew: the saved state, and the later state the backup holds.
const SAVED_OBJECTS: [number, number[]][] = [[1, [3, 4, 5, 33]]];
const BACKUP_OBJECTS: [number, number[]][] = [
  [1, [3, 4, 5, 33, 34]],
  [2, [60, 61]],
];
const SAVED_REGION_LAYERS = [1, 3];
const BACKUP_REGION_LAYERS = [0, 1, 3];
const SAVED_RV = [1, 6, 7, 8, 13];
const BACKUP_RV = [1, 6, 7, 8, 13, 16, 21, 22, 23, 28];

beforeEach(() => {
  resetMock();
  load('saved', '/ws');
});

test('a volume saved by the previous version reopens with its objects, regions and en-face RV', async () => {
  const { document, panel } = await openVolumeEditor();
  assert.deepEqual(objectsOf(panel), SAVED_OBJECTS);
  const [regions] = ofType<RegionsMessage>(panel, 'regions');
  assert.deepEqual(regions!.layers, SAVED_REGION_LAYERS);
  assert.deepEqual(inside(regions!.mask, COUNT), regionVoxels(document));
  assert.equal(regionVoxels(document).length, 10, 'two disks of five voxels');
  const [rv] = ofType<EnfaceRvMessage>(panel, 'enfaceRv');
  assert.deepEqual(inside(rv!.mask, PLANE), SAVED_RV);
  assert.equal(document.segmentation.problem, undefined);
  assert.equal(document.regions.problem, undefined);
  assert.equal(document.enfaceRv.problem, undefined);
});

test('a hot-exit backup of the previous version restores every annotation, and Save writes it', async () => {
  load('backup', '/backup');
  const { provider, document, panel } = await openVolumeEditor(
    '/ws/eye.nii.gz',
    (Uri.file('/backup/1') as unknown as vscode.Uri).toString(),
  );
  assert.deepEqual(objectsOf(panel), BACKUP_OBJECTS);
  const [regions] = ofType<RegionsMessage>(panel, 'regions');
  assert.deepEqual(regions!.layers, BACKUP_REGION_LAYERS);
  assert.equal(regionVoxels(document).length, 15, 'three disks of five voxels');
  const [rv] = ofType<EnfaceRvMessage>(panel, 'enfaceRv');
  assert.deepEqual(inside(rv!.mask, PLANE), BACKUP_RV);

  await provider.saveCustomDocument(document, token as vscode.CancellationToken);
  const seg = readNifti(recorded.files.get('/ws/eye.seg.nii.gz')!).volume;
  assert.deepEqual(
    [...seg.data.keys()].filter((n) => seg.data[n] !== 0),
    [3, 4, 5, 33, 34, 60, 61],
  );
  const sidecar = JSON.parse(new TextDecoder().decode(recorded.files.get('/ws/eye.regions.json')));
  assert.deepEqual(sidecar.layers, BACKUP_REGION_LAYERS);
  const plane = readNifti(recorded.files.get('/ws/eye.rv2d.nii.gz')!).volume;
  assert.deepEqual(
    [...plane.data.keys()].filter((n) => plane.data[n] !== 0),
    BACKUP_RV,
  );
});
