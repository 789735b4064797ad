import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { VolumeLoadError } from '../../../src/extension/volumeLoadError';
import {
  type LoadProgress,
  type VolumePreview,
  MAX_FILE_BYTES,
  exactBuffer,
  loadVolume,
} from '../../../src/extension/volumeLoader';
import { makeNifti } from '../../fixtures/makeNifti';

function source(bytes: Uint8Array, fileName = 'v.nii.gz', size = bytes.length) {
  let reads = 0;
  return {
    fileName,
    size: async () => size,
    read: async () => {
      reads++;
      return bytes;
    },
    get reads() {
      return reads;
    },
  };
}

const values = Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 7) % 256);

test('a .nii.gz arrives as its header and exactly its voxel bytes', async () => {
  const file = makeNifti({
    dims3: [5, 4, 3],
    values,
    gzip: true,
    pixdim: [1, 0.5, 0.25, 2, 0, 0, 0, 0],
  });
  const progress: LoadProgress[] = [];
  const loaded = await loadVolume(source(file, 'eye.nii.gz'), (p) => progress.push(p));
  assert.equal(loaded.header.fileName, 'eye.nii.gz');
  assert.deepEqual(loaded.header.dims, [5, 4, 3]);
  assert.equal(loaded.header.type, 'uint8');
  assert.equal(loaded.header.niftiVersion, 1);
  assert.ok(loaded.buffer instanceof ArrayBuffer);
  assert.deepEqual([...new Uint8Array(loaded.buffer)], values);
  assert.ok(progress.some((p) => p.stage === 'Decompressing'));
  for (let i = 1; i < progress.length; i++) {
    assert.ok(progress[i]!.fraction >= progress[i - 1]!.fraction, 'progress never goes back');
  }
  assert.equal(progress.at(-1)?.fraction, 1);
});

test('a big-endian int16 .nii arrives as native int16 values', async () => {
  const v = values.map((x) => x * 100 - 9000);
  const file = makeNifti({ dims3: [5, 4, 3], values: v, type: 'int16', littleEndian: false });
  const loaded = await loadVolume(source(file, 'be.nii'));
  assert.equal(loaded.header.type, 'int16');
  assert.equal(loaded.buffer.byteLength, v.length * 2);
  assert.deepEqual([...new Int16Array(loaded.buffer)], v);
});

test('a file over 2 GB is refused before it is read', async () => {
  const src = source(new Uint8Array(0), 'huge.nii', MAX_FILE_BYTES + 1);
  await assert.rejects(loadVolume(src), (error: unknown) => {
    assert.ok(error instanceof VolumeLoadError);
    assert.match(error.message, /huge\.nii is 2\.00 GB; this editor opens files up to 2 GB/);
    assert.match(error.supported, /NIfTI/);
    return true;
  });
  assert.equal(src.reads, 0);
});

test('a text file named .nii gets a reader error with what is supported', async () => {
  const text = new TextEncoder().encode(
    'these are not the voxels you are looking for\n'.repeat(20),
  );
  await assert.rejects(loadVolume(source(text, 'bad.nii')), (error: unknown) => {
    assert.ok(error instanceof VolumeLoadError);
    assert.match(error.message, /^bad\.nii: /);
    assert.match(error.supported, /NIfTI-1/);
    return true;
  });
});

test('a truncated .nii.gz says it is truncated', async () => {
  const noisy = Array.from(
    { length: 40 * 40 * 20 },
    (_, i) => (Math.imul(i, 2654435761) >>> 24) & 255,
  );
  const file = makeNifti({ dims3: [40, 40, 20], values: noisy, gzip: true });
  const cut = file.subarray(0, Math.floor(file.length / 2));
  await assert.rejects(loadVolume(source(cut, 'cut.nii.gz')), /cut\.nii\.gz is truncated/);
});

test('corrupt gzip data and empty files get their own messages', async () => {
  const gz = gzipSync(new Uint8Array(makeNifti({ dims3: [5, 4, 3], values })));
  gz.fill(0x55, 12, 40);
  await assert.rejects(loadVolume(source(gz, 'x.nii.gz')), /corrupt gzip data/);
  await assert.rejects(loadVolume(source(new Uint8Array(0), 'e.nii')), /e\.nii is empty/);
});

test('exactBuffer passes whole buffers through and copies views', () => {
  const whole = new Float32Array([1, 2, 3]);
  assert.equal(exactBuffer(whole), whole.buffer);
  const backing = new Int16Array([9, 1, 2, 3, 9]);
  const view = backing.subarray(1, 4);
  const copy = exactBuffer(view);
  assert.notEqual(copy, backing.buffer);
  assert.deepEqual([...new Int16Array(copy)], [1, 2, 3]);
});

/** A volume whose gzip stream is long enough for zlib to emit it in many pieces. */
function noisyVolume(gzip: boolean): { file: Uint8Array; voxels: number[]; layer: number } {
  const dims3: [number, number, number] = [64, 48, 40];
  const voxels = Array.from(
    { length: dims3[0] * dims3[1] * dims3[2] },
    (_, i) => (Math.imul(i, 2654435761) >>> 24) & 255,
  );
  return { file: makeNifti({ dims3, values: voxels, gzip }), voxels, layer: 64 * 48 };
}

for (const gzip of [true, false]) {
  const name = gzip ? 'v.nii.gz' : 'v.nii';
  test(`${name}: the first layer is previewed before the volume is parsed`, async () => {
    const { file, voxels, layer } = noisyVolume(gzip);
    const events: string[] = [];
    const previews: VolumePreview[] = [];
    const loaded = await loadVolume(
      source(file, name),
      (p) => events.push(p.stage),
      (preview) => {
        events.push('preview');
        previews.push(preview);
      },
    );
    assert.equal(previews.length, 1);
    const [preview] = previews;
    assert.equal(preview!.layers, 1);
    assert.deepEqual(preview!.header.dims, [64, 48, 40]);
    assert.deepEqual(preview!.header, { ...loaded.header, notices: [] });
    assert.deepEqual(Array.from(new Uint8Array(preview!.buffer)), voxels.slice(0, layer));
    assert.ok(events.indexOf('preview') < events.indexOf('Parsing NIfTI header'), events.join());
  });
}

test('a .nii.gz truncated after its first layer: previewed, then the same truncation error', async () => {
  const { file } = noisyVolume(true);
  const cut = file.subarray(0, Math.floor(file.length * 0.6));
  const previews: VolumePreview[] = [];
  await assert.rejects(
    loadVolume(source(cut, 'cut.nii.gz'), undefined, (p) => previews.push(p)),
    /cut\.nii\.gz is truncated/,
  );
  assert.equal(previews.length, 1);
});

test('a file that is not NIfTI gets no preview, only the reader’s error', async () => {
  const junk = gzipSync(new Uint8Array(100_000).fill(9));
  const previews: VolumePreview[] = [];
  await assert.rejects(
    loadVolume(source(junk, 'junk.nii.gz'), undefined, (p) => previews.push(p)),
    (error: unknown) => error instanceof VolumeLoadError && /junk\.nii\.gz/.test(error.message),
  );
  assert.equal(previews.length, 0);
});

/** A source that also offers the file in pieces, counting how many were read. */
function piecewise(bytes: Uint8Array, fileName: string, failAt = Infinity) {
  // Forty pieces, whatever the file's size (the noisy volume compresses well).
  const pieceBytes = Math.ceil(bytes.length / 40);
  const state = { read: 0, closed: false };
  const whole = source(bytes, fileName);
  return {
    state,
    readsWhole: () => whole.reads,
    source: {
      fileName,
      size: whole.size,
      read: whole.read,
      async *readPieces() {
        try {
          for (let at = 0; at < bytes.length; at += pieceBytes) {
            if (state.read === failAt) throw new Error('EIO: i/o error');
            state.read++;
            yield bytes.subarray(at, at + pieceBytes);
          }
        } finally {
          state.closed = true;
        }
      },
    },
  };
}

for (const gzip of [true, false]) {
  const name = gzip ? 'p.nii.gz' : 'p.nii';
  test(`${name} read in pieces: the preview comes before the last piece, the volume is the same`, async () => {
    const { file, voxels, layer } = noisyVolume(gzip);
    const { state, source: src, readsWhole } = piecewise(file, name);
    const pieces = 40;
    let readAtPreview = -1;
    let preview: VolumePreview | undefined;
    const loaded = await loadVolume(src, undefined, (p) => {
      readAtPreview = state.read;
      preview = p;
    });
    assert.ok(readAtPreview > 0 && readAtPreview < pieces / 2, `${readAtPreview} of ${pieces}`);
    assert.deepEqual(Array.from(new Uint8Array(preview!.buffer)), voxels.slice(0, layer));
    assert.deepEqual(Array.from(new Uint8Array(loaded.buffer)), voxels);
    assert.equal(readsWhole(), 0, 'never read whole');
  });
}

test('read in pieces: a truncated .nii.gz and a failing read get their own clear errors', async () => {
  const { file } = noisyVolume(true);
  const cut = file.subarray(0, Math.floor(file.length * 0.6));
  await assert.rejects(
    loadVolume(piecewise(cut, 'cut.nii.gz').source),
    /cut\.nii\.gz is truncated/,
  );
  await assert.rejects(
    loadVolume(piecewise(file, 'io.nii.gz', 5).source),
    /io\.nii\.gz could not be read: EIO/,
  );
  await assert.rejects(
    loadVolume(piecewise(noisyVolume(false).file, 'io.nii', 5).source),
    /io\.nii could not be read: EIO/,
  );
});

test('a piecewise reader that cannot start falls back to one whole read', async () => {
  const { file, voxels } = noisyVolume(true);
  const whole = source(file, 'fb.nii.gz');
  const src = {
    fileName: whole.fileName,
    size: whole.size,
    read: whole.read,
    readPieces(): AsyncIterable<Uint8Array> {
      throw new Error('ENOENT: no such file');
    },
  };
  const loaded = await loadVolume(src);
  assert.deepEqual(Array.from(new Uint8Array(loaded.buffer)), voxels);
  assert.equal(whole.reads, 1);
});

test('read in pieces: corrupt gzip data stops the read and closes the file', async () => {
  const { file } = noisyVolume(true);
  const bad = file.slice();
  bad.fill(0x55, 12, 40);
  const { state, source: src } = piecewise(bad, 'bad.nii.gz');
  await assert.rejects(loadVolume(src), /bad\.nii\.gz has corrupt gzip data/);
  await new Promise((r) => setImmediate(r));
  assert.ok(state.read < 40 && state.closed, `${state.read} pieces read, closed ${state.closed}`);
});
