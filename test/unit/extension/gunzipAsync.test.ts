import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { GunzipLimitError, gunzipAsync } from '../../../src/extension/gunzipAsync';

/** Seeded, poorly compressible bytes, so chunking and progress really happen. */
function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

test('round-trips data and reports rising progress up to 1', async () => {
  const data = noise(300_000);
  const progress: number[] = [];
  const out = await gunzipAsync(gzipSync(data), {
    maxOutputBytes: 1e9,
    chunkBytes: 10_000,
    onProgress: (f) => progress.push(f),
  });
  assert.deepEqual(out, data);
  assert.ok(progress.length > 10, `${progress.length} progress reports`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!);
  assert.equal(progress.at(-1), 1);
});

test('concatenated gzip members decompress to their concatenation', async () => {
  const a = noise(1000, 1);
  const b = noise(2000, 2);
  const joined = new Uint8Array([...gzipSync(a), ...gzipSync(b)]);
  const out = await gunzipAsync(joined, { maxOutputBytes: 1e6 });
  assert.deepEqual(out, new Uint8Array([...a, ...b]));
});

test('stops at the output limit (gzip bomb)', async () => {
  const bomb = gzipSync(new Uint8Array(5_000_000));
  await assert.rejects(
    gunzipAsync(bomb, { maxOutputBytes: 1_000_000 }),
    (error: unknown) => error instanceof GunzipLimitError && error.limitBytes === 1_000_000,
  );
});

test('a truncated stream fails with zlib’s end-of-file error', async () => {
  const gz = gzipSync(noise(100_000));
  await assert.rejects(
    gunzipAsync(gz.subarray(0, gz.length / 2), { maxOutputBytes: 1e9 }),
    (error: unknown) => (error as { code?: string }).code === 'Z_BUF_ERROR',
  );
});

test('corrupt data fails instead of hanging', async () => {
  const gz = gzipSync(noise(100_000));
  for (let i = 20; i < 60; i++) gz[i] = 0xff ^ gz[i]!;
  await assert.rejects(gunzipAsync(gz, { maxOutputBytes: 1e9 }));
});

test('a wrong size in the gzip trailer only costs a reallocation', async () => {
  const data = noise(50_000);
  const gz = gzipSync(data);
  gz.set([1, 0, 0, 0], gz.length - 4); // claims 1 byte
  // zlib checks the trailer's size: a lie there is reported as corrupt data, never as success.
  await assert.rejects(gunzipAsync(gz, { maxOutputBytes: 1e9 }));
});

test('a wrong CRC-32 in the trailer is refused (issue #15: the editor path checks it too)', async () => {
  const gz = gzipSync(noise(50_000));
  gz[gz.length - 8] ^= 0x01;
  await assert.rejects(
    gunzipAsync(gz, { maxOutputBytes: 1e9 }),
    (error: unknown) => (error as { code?: string }).code === 'Z_DATA_ERROR',
  );
});

test('a stream cut inside its trailer is refused', async () => {
  const gz = gzipSync(noise(50_000));
  for (const cut of [1, 4, 7]) {
    await assert.rejects(gunzipAsync(gz.subarray(0, gz.length - cut), { maxOutputBytes: 1e9 }));
  }
});

test('the output can be watched as it grows, from its first piece to all of it', async () => {
  const data = noise(1_000_000);
  const seen: number[] = [];
  let firstPiece: Uint8Array | null = null;
  const out = await gunzipAsync(gzipSync(data), {
    maxOutputBytes: 1e9,
    onOutput: (soFar) => {
      seen.push(soFar.length);
      firstPiece ??= soFar.slice();
    },
  });
  assert.deepEqual(out, data);
  // One 4 MiB write of input still comes out in pieces: the start is there long before the end.
  assert.ok(seen.length > 10 && seen[0]! < data.length / 10, `${seen.length} pieces`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!);
  assert.equal(seen.at(-1), data.length);
  assert.deepEqual(firstPiece, data.subarray(0, seen[0]));
});
