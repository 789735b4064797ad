/**
 * The editor's adapter for the shared file rule (src/extension/vscodeFolderFs.ts): a pair
 * written through vscode.workspace.fs reads back with its hash, an interrupted save (new image,
 * temporary sidecar) is rolled forward and tidied, a mismatched pair is refused untouched, and
 * a single file is replaced through a temporary name; what a cut-short write left is removed by
 * the next read or write, a running write's temporary file never.
 */
import { Uri, recorded, resetMock } from '../../support/vscodeMock';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, test } from 'node:test';
import * as vscode from 'vscode';
import { PairMismatchError } from '../../../src/core/files/filePair';
import { readUriPair, writeFileAtomic, writeUriPair } from '../../../src/extension/vscodeFolderFs';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const uri = (path: string) => Uri.file(path) as unknown as vscode.Uri;
const pair = { image: uri('/data/scan.seg.nii.gz'), sidecar: uri('/data/scan.seg.json') };
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const json = (value: object) => bytes(JSON.stringify(value));
const temps = () => [...recorded.files.keys()].filter((path) => path.endsWith('.tmp'));

beforeEach(() => {
  resetMock();
  recorded.files.set('/data/scan.nii.gz', new Uint8Array([1])); // the volume beside its labels
});

test('a pair written through workspace.fs reads back, both temps first, image renamed before sidecar', async () => {
  await writeUriPair(vscode.workspace.fs, pair, bytes('IMG'), json({ v: 1 }));
  const ops = recorded.fileOps;
  const tag = new RegExp(
    `^write /data/\\.scan\\.seg\\.(nii\\.gz|json)\\.${process.pid}-\\d+\\.tmp$`,
  );
  assert.match(ops[0]!, tag);
  assert.match(ops[1]!, tag);
  assert.deepEqual(ops.slice(2), [
    `rename ${ops[0]!.slice(6)} -> /data/scan.seg.nii.gz`,
    `rename ${ops[1]!.slice(6)} -> /data/scan.seg.json`,
  ]);
  const read = await readUriPair(vscode.workspace.fs, pair);
  assert.equal(text(read.image), 'IMG');
  assert.equal(JSON.parse(text(read.sidecar)).image_sha256, sha256(read.image!));
  assert.deepEqual(read.notices, []);
});

test('a save interrupted between the renames is rolled forward on the next read', async () => {
  await writeUriPair(vscode.workspace.fs, pair, bytes('OLD'), json({ v: 'old' }));
  const image = bytes('NEW');
  recorded.files.set('/data/scan.seg.nii.gz', image); // the image rename happened
  recorded.files.set(
    '/data/.scan.seg.json.99999999-1.tmp', // another (dead) host's sidecar
    json({ v: 'new', image_sha256: sha256(image) }),
  );
  const read = await readUriPair(vscode.workspace.fs, pair);
  assert.equal(JSON.parse(text(read.sidecar)).v, 'new');
  assert.match(read.notices.join(), /completed from its saved copy/);
  assert.deepEqual(temps(), []);
});

test('a sidecar for other image bytes is refused and nothing is changed', async () => {
  await writeUriPair(vscode.workspace.fs, pair, bytes('A'), json({ v: 1 }));
  recorded.files.set('/data/scan.seg.nii.gz', bytes('B'));
  const before = recorded.fileOps.length;
  await assert.rejects(readUriPair(vscode.workspace.fs, pair), PairMismatchError);
  assert.equal(recorded.fileOps.length, before);
});

test('a pair written into a folder that does not exist yet (Save As) lands there', async () => {
  const elsewhere = { image: uri('/new/b.seg.nii.gz'), sidecar: uri('/new/b.seg.json') };
  await writeUriPair(vscode.workspace.fs, elsewhere, bytes('IMG'), json({ v: 2 }));
  assert.equal(text(recorded.files.get('/new/b.seg.nii.gz')), 'IMG');
  assert.equal(JSON.parse(text(recorded.files.get('/new/b.seg.json'))).v, 2);
});

test('a sidecar that is not beside its image is refused before anything is written', async () => {
  const split = { image: uri('/data/scan.seg.nii.gz'), sidecar: uri('/other/scan.seg.json') };
  await assert.rejects(
    writeUriPair(vscode.workspace.fs, split, bytes('IMG'), json({})),
    /must lie in the folder/,
  );
  assert.deepEqual(recorded.fileOps, []);
});

test('a single file replaces its target through a temporary name and removes what cut-short writes left', async () => {
  const target = uri('/data/scan.rv2d.nii.gz');
  recorded.files.set('/data/.scan.rv2d.nii.gz.4194305-3.tmp', bytes('half')); // a killed host
  recorded.files.set('/data/.scan.rv2d.nii.gz.0a1b2c3d.tmp', bytes('half')); // an older version
  await writeFileAtomic(vscode.workspace.fs, target, bytes('PLANE'));
  assert.equal(text(recorded.files.get('/data/scan.rv2d.nii.gz')), 'PLANE');
  assert.deepEqual(temps(), []);
  assert.match(recorded.fileOps.at(-1)!, /^rename \/data\/\.scan\.rv2d\.nii\.gz\.\d+-\d+\.tmp -> /);
});

test('writes of one file running at once keep each other’s temporary files; the last rename wins', async () => {
  const target = uri('/data/scan.rv2d.nii.gz');
  await Promise.all(
    ['A', 'B', 'C'].map((content) => writeFileAtomic(vscode.workspace.fs, target, bytes(content))),
  );
  assert.match(text(recorded.files.get('/data/scan.rv2d.nii.gz')), /^[ABC]$/);
  assert.deepEqual(temps(), []);
  assert.equal(recorded.fileOps.filter((op) => op.startsWith('delete')).length, 0);
});

test('a pair save whose image rename failed leaves the old pair, and the next save tidies its temps', async () => {
  await writeUriPair(vscode.workspace.fs, pair, bytes('OLD'), json({ v: 'old' }));
  const rename = vscode.workspace.fs.rename;
  vscode.workspace.fs.rename = async () => {
    throw new Error('EACCES: permission denied');
  };
  try {
    await assert.rejects(
      writeUriPair(vscode.workspace.fs, pair, bytes('NEW'), json({ v: 'new' })),
      /EACCES/,
    );
  } finally {
    vscode.workspace.fs.rename = rename;
  }
  assert.equal(temps().length, 2, 'the failed write’s temporary files');
  const read = await readUriPair(vscode.workspace.fs, pair);
  assert.equal(text(read.image), 'OLD');
  assert.deepEqual(temps(), [], 'abandoned once that write ended');
});
