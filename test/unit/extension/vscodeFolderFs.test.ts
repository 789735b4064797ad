/**
 * The editor's adapter for the shared pair rule (src/extension/vscodeFolderFs.ts): a pair
 * written through vscode.workspace.fs reads back with its hash, an interrupted save (new image,
 * temporary sidecar) is rolled forward and tidied, and a mismatched pair is refused untouched.
 */
import { Uri, recorded, resetMock } from '../../support/vscodeMock';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, test } from 'node:test';
import * as vscode from 'vscode';
import { PairMismatchError, readPair, writePair } from '../../../src/core/files/filePair';
import { EDITOR_TAG, vscodeFolderFs } from '../../../src/extension/vscodeFolderFs';

const sha256 = async (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const names = { image: 'scan.seg.nii.gz', sidecar: 'scan.seg.json' };
const folder = Uri.file('/data') as unknown as vscode.Uri;
const fsOf = () => vscodeFolderFs(vscode.workspace.fs, folder);
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

beforeEach(() => {
  resetMock();
  recorded.files.set('/data/scan.nii.gz', new Uint8Array([1])); // the volume beside its labels
});

test('a pair written through workspace.fs reads back, image renamed before sidecar', async () => {
  await writePair(
    fsOf(),
    names,
    new TextEncoder().encode('IMG'),
    { v: 1 },
    { sha256, tag: EDITOR_TAG },
  );
  const renames = recorded.fileOps.filter((op) => op.startsWith('rename'));
  assert.deepEqual(renames, [
    `rename /data/.scan.seg.nii.gz.${EDITOR_TAG}.tmp -> /data/scan.seg.nii.gz`,
    `rename /data/.scan.seg.json.${EDITOR_TAG}.tmp -> /data/scan.seg.json`,
  ]);
  const pair = await readPair(fsOf(), names, sha256);
  assert.equal(text(pair.image), 'IMG');
  assert.equal(JSON.parse(text(pair.sidecar)).image_sha256, await sha256(pair.image!));
});

test('a save interrupted between the renames is rolled forward on the next read', async () => {
  await writePair(
    fsOf(),
    names,
    new TextEncoder().encode('OLD'),
    { v: 'old' },
    { sha256, tag: EDITOR_TAG },
  );
  const image = new TextEncoder().encode('NEW');
  const sidecar = { v: 'new', image_sha256: await sha256(image) };
  recorded.files.set('/data/scan.seg.nii.gz', image); // the image rename happened
  recorded.files.set(
    '/data/.scan.seg.json.99999999.tmp',
    new TextEncoder().encode(JSON.stringify(sidecar)),
  );
  const pair = await readPair(fsOf(), names, sha256);
  assert.equal(JSON.parse(text(pair.sidecar)).v, 'new');
  assert.match(pair.notices.join(), /completed from its saved copy/);
  assert.ok(![...recorded.files.keys()].some((path) => path.endsWith('.tmp')));
});

test('a sidecar for other image bytes is refused and nothing is changed', async () => {
  await writePair(
    fsOf(),
    names,
    new TextEncoder().encode('A'),
    { v: 1 },
    { sha256, tag: EDITOR_TAG },
  );
  recorded.files.set('/data/scan.seg.nii.gz', new TextEncoder().encode('B'));
  const before = recorded.fileOps.length;
  await assert.rejects(readPair(fsOf(), names, sha256), PairMismatchError);
  assert.equal(recorded.fileOps.length, before);
});
