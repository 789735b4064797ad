/**
 * The image + sidecar pair rule (src/core/files/filePair.ts): a crash at every operation of a
 * save leaves the old pair or the new one once the next read settles it, never a mix and never
 * a temporary file; a sidecar whose hash names other image bytes is a clear error that changes
 * nothing; an older sidecar without a hash still opens, with a notice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  IMAGE_SHA256_KEY,
  PairMismatchError,
  readPair,
  writePair,
} from '../../../../src/core/files/filePair';
import { Crash, MemoryFolderFs, sha256 } from '../../../fixtures/memoryFolderFs';

const names = { image: 'scan.seg.nii.gz', sidecar: 'scan.seg.json' };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

async function saved(fs: MemoryFolderFs, image: string, label: string): Promise<void> {
  await writePair(fs, names, bytes(image), { label }, { sha256, tag: 'w1' });
}

test('a written pair reads back with the image hash in the sidecar', async () => {
  const fs = new MemoryFolderFs();
  await saved(fs, 'IMAGE-1', 'one');
  const pair = await readPair(fs, names, sha256);
  assert.equal(decode(pair.image), 'IMAGE-1');
  const sidecar = JSON.parse(decode(pair.sidecar));
  assert.equal(sidecar.label, 'one');
  assert.equal(sidecar[IMAGE_SHA256_KEY], await sha256(bytes('IMAGE-1')));
  assert.deepEqual([...fs.files.keys()].sort(), [names.sidecar, names.image].sort());
});

test('a crash at every operation of a save leaves the old or the new pair, and no temporary file', async () => {
  const probe = new MemoryFolderFs();
  await saved(probe, 'OLD', 'old');
  const before = probe.operations;
  await saved(probe, 'NEW', 'new');
  const operations = probe.operations - before;
  assert.ok(operations >= 6, `a save takes ${operations} operations`);
  const outcomes = { old: 0, new: 0 };
  for (let crashAt = 1; crashAt <= operations; crashAt++) {
    const fs = new MemoryFolderFs();
    await saved(fs, 'OLD', 'old');
    fs.crashAt = fs.operations + crashAt;
    await assert.rejects(saved(fs, 'NEW', 'new'), Crash, `crash at ${crashAt}`);
    fs.crashAt = 0; // the next session
    const pair = await readPair(fs, names, sha256);
    const label = JSON.parse(decode(pair.sidecar)).label as 'old' | 'new';
    assert.equal(decode(pair.image), label.toUpperCase(), `crash at ${crashAt}: a mixed pair`);
    outcomes[label]++;
    assert.deepEqual(
      [...fs.files.keys()].filter((name) => name.endsWith('.tmp')),
      [],
      `crash at ${crashAt}: temporary files left`,
    );
  }
  assert.ok(outcomes.old > 0 && outcomes.new > 0, JSON.stringify(outcomes));
});

test('a save while another writer runs leaves that writer’s temporary files alone', async () => {
  const fs = new MemoryFolderFs();
  fs.files.set('.scan.seg.nii.gz.w2.tmp', bytes('half'));
  fs.live.add('w2');
  await saved(fs, 'IMAGE', 'x');
  assert.ok(fs.files.has('.scan.seg.nii.gz.w2.tmp'));
});

test('a sidecar written for other image bytes is an error that changes nothing', async () => {
  const fs = new MemoryFolderFs();
  await saved(fs, 'IMAGE-1', 'one');
  fs.files.set(names.image, bytes('EDITED ELSEWHERE'));
  const snapshot = new Map(fs.files);
  await assert.rejects(readPair(fs, names, sha256), (error: unknown) => {
    assert.ok(error instanceof PairMismatchError);
    assert.match(
      error.message,
      /scan\.seg\.json was written for other contents of scan\.seg\.nii\.gz/,
    );
    assert.match(error.message, /Both were left as they are/);
    return true;
  });
  assert.deepEqual(fs.files, snapshot);
});

test('a sidecar from before hashes opens with a notice', async () => {
  const fs = new MemoryFolderFs();
  fs.files.set(names.image, bytes('IMAGE'));
  fs.files.set(names.sidecar, bytes('{"label": "legacy"}'));
  const pair = await readPair(fs, names, sha256);
  assert.match(pair.notices.join(), /records no image_sha256/);
});

test('a sidecar given as bytes (as the editor encodes it) gets the hash too', async () => {
  const fs = new MemoryFolderFs();
  await writePair(fs, names, bytes('IMG'), bytes('{"format": "x"}\n'), { sha256, tag: 't' });
  const sidecar = JSON.parse(decode(fs.files.get(names.sidecar)));
  assert.deepEqual(sidecar, { format: 'x', [IMAGE_SHA256_KEY]: await sha256(bytes('IMG')) });
});
