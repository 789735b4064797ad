/**
 * Issue #15, reader side: a gzip stream whose CRC-32 or length disagrees with its trailer is an
 * error (not different voxels), a valid multi-member stream still reads, a prefix read says what
 * it could not check, and the header checks for vox_offset 348-351 and an overstated dim[4].
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { NiftiError } from '../../../../src/core/nifti/niftiError';
import { readNifti, readNiftiHeaderOnly } from '../../../../src/core/nifti/readNifti';
import { makeNifti } from '../../../fixtures/makeNifti';

const values = Array.from({ length: 12 * 10 * 8 }, (_, idx) => (idx * 7919) % 251);
const raw = makeNifti({ dims3: [12, 10, 8], values });
const gz = (): Uint8Array => new Uint8Array(gzipSync(raw));

function assertCorrupt(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => readNifti(bytes),
    (error: unknown) => error instanceof NiftiError && pattern.test(error.message),
  );
}

test('a wrong CRC-32 in the gzip trailer is an error naming both checksums', () => {
  const bad = gz();
  bad[bad.length - 8] ^= 0x01;
  assertCorrupt(bad, /CRC-32 of the gzip stream is [0-9a-f]{8} but its trailer says [0-9a-f]{8}/);
});

test('a wrong length (ISIZE) in the gzip trailer is an error', () => {
  const bad = gz();
  bad[bad.length - 4] ^= 0x01;
  assertCorrupt(bad, /decompresses to 1312 bytes but its trailer says 1313/);
});

test('a stored (level 0) gzip with a flipped voxel byte is an error, not a different voxel', () => {
  const bad = new Uint8Array(gzipSync(raw, { level: 0 }));
  bad[bad.length - 8 - 100] ^= 0x10; // inside the stored voxel bytes
  assertCorrupt(bad, /gzip data is corrupt: the CRC-32/);
});

test('a gzip stream cut just before its trailer is an error', () => {
  const full = gz();
  for (const cut of [1, 4, 8]) assertCorrupt(full.subarray(0, full.length - cut), /gzip data/);
});

test('a valid multi-member gzip (concatenated streams) reads, and each member is checked', () => {
  for (const split of [1, 352, 700, raw.length - 1]) {
    const joined = Buffer.concat([gzipSync(raw.subarray(0, split)), gzipSync(raw.subarray(split))]);
    const result = readNifti(new Uint8Array(joined));
    assert.deepEqual(Array.from(result.volume.data), values, `split at ${split}`);
    const first = gzipSync(raw.subarray(0, split));
    const bad = new Uint8Array(Buffer.concat([first, gzipSync(raw.subarray(split))]));
    bad[first.length - 8] ^= 0x01; // the first member's CRC
    assertCorrupt(bad, /CRC-32 of (the gzip stream|gzip member 1)/);
  }
});

test('a header-only (prefix) read cannot see the trailer: it parses, the full read refuses', () => {
  const bad = gz();
  bad[bad.length - 8] ^= 0x01;
  assert.deepEqual(readNiftiHeaderOnly(bad.subarray(0, 400)).dims, [12, 10, 8]);
  assertCorrupt(bad, /CRC-32/);
});

test('vox_offset 348-351 in a single .nii file is refused (the data would be read shifted)', () => {
  for (const voxOffset of [348, 349, 350, 351]) {
    assert.throws(
      () => readNifti(makeNifti({ voxOffset, dims3: [2, 2, 1], values: [1, 2, 3, 4] })),
      /vox_offset \d+ is not a valid voxel data offset \(at least 352/,
    );
  }
});

test('dim[4] larger than the volumes present is read with a notice saying so', () => {
  const file = makeNifti({ dim: [4, 12, 10, 8, 1000, 1, 1, 1], dims3: [12, 10, 8], values });
  for (const bytes of [file, new Uint8Array(gzipSync(file))]) {
    const result = readNifti(bytes);
    assert.deepEqual(Array.from(result.volume.data), values);
    assert.ok(
      result.notices.includes(
        'The header says 1000 volumes (dim[4]) but the file holds 1; volume 1 was read.',
      ),
      result.notices.join(' | '),
    );
  }
});

test('a Node Buffer (as readFileSync gives, pooled or not) reads the same voxels as a Uint8Array', () => {
  const file = makeNifti({ dims3: [12, 10, 8], values, type: 'int16' });
  const padded = Buffer.alloc(file.length + 100);
  padded.set(file, 100);
  for (const bytes of [Buffer.from(file), padded.subarray(100)]) {
    assert.deepEqual(Array.from(readNifti(bytes).volume.data), values);
  }
});
