import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { NiftiError, SUPPORTED_NIFTI } from '../../../../src/core/nifti/niftiError';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { makeNifti, type NiftiSpec } from '../../../fixtures/makeNifti';

/** Asserts a NiftiError whose message matches, carrying the supported-formats sentence. */
function assertNiftiError(
  bytes: Uint8Array,
  pattern: RegExp,
  options?: { maxBytes?: number },
): void {
  assert.throws(
    () => readNifti(bytes, options),
    (error: unknown) => {
      assert.ok(error instanceof NiftiError, `expected a NiftiError, got ${String(error)}`);
      assert.match(error.message, pattern);
      assert.equal(error.supported, SUPPORTED_NIFTI);
      return true;
    },
  );
}

const both = (spec: NiftiSpec): [string, Uint8Array][] => [
  ['NIfTI-1', makeNifti({ ...spec, version: 1 })],
  ['NIfTI-2', makeNifti({ ...spec, version: 2 })],
];

test('SUPPORTED_NIFTI names what the reader accepts', () => {
  for (const word of ['NIfTI-1', 'NIfTI-2', '.nii.gz', '4D', 'uint8', 'float64', 'big-endian']) {
    assert.ok(SUPPORTED_NIFTI.includes(word), word);
  }
});

test('a truncated file', () => {
  for (const gzip of [false, true]) {
    const full = makeNifti({ dims3: [10, 10, 10], type: 'int16' });
    const cut = full.subarray(0, full.length - 500);
    assertNiftiError(
      gzip ? new Uint8Array(gzipSync(cut)) : cut,
      /truncated: the header describes 10×10×10 int16 voxels \(2000 bytes from byte 352\), but the data ends after 1852 bytes/,
    );
  }
});

test('a truncated gzip stream', () => {
  const gz = makeNifti({
    dims3: [20, 20, 20],
    values: Array.from({ length: 8000 }, (_, idx) => (idx * 37) % 255),
    gzip: true,
  });
  assertNiftiError(gz.subarray(0, Math.floor(gz.length / 2)), /gzip data is corrupt or truncated/);
});

test('corrupt gzip data', () => {
  const gz = makeNifti({ gzip: true });
  const bad = gz.slice();
  bad.fill(0xff, 10, 30);
  assertNiftiError(bad, /gzip data is corrupt/);
});

test('a file that is not NIfTI at all', () => {
  assertNiftiError(
    new TextEncoder().encode('hello, this is not a volume\n'.repeat(20)),
    /not a NIfTI file: its first four bytes \(sizeof_hdr\) read/,
  );
  const png = new Uint8Array(1000);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assertNiftiError(png, /not a NIfTI file/);
});

test('a file shorter than any header', () => {
  assertNiftiError(new Uint8Array(0), /too short to be NIfTI: 0 bytes/);
  assertNiftiError(makeNifti().subarray(0, 200), /too short to be NIfTI: 200 bytes/);
  assertNiftiError(
    makeNifti({ version: 2 }).subarray(0, 400),
    /too short: 400 bytes, but a NIfTI-2 header alone is 540 bytes/,
  );
});

test('a bad magic', () => {
  assertNiftiError(
    makeNifti({ magic: 'xyz\0' }),
    /Bad NIfTI-1 magic at byte 344: "xyz\\0" instead of "n\+1"/,
  );
  assertNiftiError(
    makeNifti({ version: 2, magic: 'n+2\0\n\n\x1a\n' }),
    /Bad NIfTI-2 magic at byte 4.*altered in transfer/,
  );
});

test('a header of a .hdr/.img pair', () => {
  assertNiftiError(makeNifti({ magic: 'ni1\0' }), /separate \.img file, which is not supported/);
});

test('1D and 2D data', () => {
  for (const [name, file] of both({ dim: [1, 24, 1, 1, 1, 1, 1, 1] })) {
    assert.doesNotThrow(
      () => assertNiftiError(file, /holds 1D data \(24\); the viewer needs a 3D volume/),
      name,
    );
  }
  for (const [name, file] of both({ dim: [2, 4, 6, 1, 1, 1, 1, 1] })) {
    assert.doesNotThrow(
      () => assertNiftiError(file, /holds 2D data \(4×6\); the viewer needs a 3D volume/),
      name,
    );
  }
});

test('5D and higher data', () => {
  for (const [, file] of both({ dim: [5, 2, 3, 4, 1, 2, 1, 1] })) {
    assertNiftiError(file, /holds 5D data \(2×3×4×1×2\); only 3D and 4D files are supported/);
  }
  assertNiftiError(makeNifti({ dim: [7, 2, 3, 4, 1, 1, 1, 3] }), /holds 7D data/);
});

test('an invalid number of dimensions', () => {
  for (const rank of [0, -1, 8, 300]) {
    for (const [, file] of both({ dim: [rank, 2, 3, 4, 1, 1, 1, 1] })) {
      assertNiftiError(
        file,
        new RegExp(`dim\\[0\\] is ${rank}; the number of dimensions must be 1 to 7`),
      );
    }
  }
});

test('zero and negative dims', () => {
  for (const size of [0, -5]) {
    for (const [, file] of both({ dim: [3, 2, size, 4, 1, 1, 1, 1] })) {
      assertNiftiError(
        file,
        new RegExp(`dim\\[2\\] is ${size} \\(dims 2×${size}×4\\); every size must be at least 1`),
      );
    }
  }
  assertNiftiError(makeNifti({ dim: [4, 2, 3, 4, 0, 1, 1, 1] }), /dim\[4\] is 0/);
});

test('a header claiming more voxels than the file holds', () => {
  for (const [, file] of both({ dim: [3, 1000, 1000, 500, 1, 1, 1, 1], values: [1, 2, 3] })) {
    assertNiftiError(
      file,
      /truncated: the header describes 1000×1000×500 uint8 voxels \(500000000 bytes/,
    );
  }
});

test('a header claiming more voxels than memory allows', () => {
  for (const [, file] of both({
    dim: [3, 2000, 2000, 1000, 1, 1, 1, 1],
    type: 'float32',
    values: [1],
  })) {
    assertNiftiError(
      file,
      /too large: 2000×2000×1000 float32 needs 14\.9 GiB of memory, over the limit of 2\.0 GiB/,
    );
  }
  // NIfTI-2's 64-bit dims can exceed any safe integer product.
  const huge = makeNifti({
    version: 2,
    dim: [3, 2 ** 40, 2 ** 40, 2 ** 40, 1, 1, 1, 1],
    values: [1],
  });
  assertNiftiError(huge, /too large/);
  // Scaled data is decoded to float32, so the limit counts 4 bytes per voxel.
  const scaled = makeNifti({ dims3: [10, 10, 10], sclSlope: 2 });
  assertNiftiError(scaled, /too large: 10×10×10 scaled to float32 needs 3\.9 KiB/, {
    maxBytes: 3000,
  });
  assert.doesNotThrow(() => readNifti(scaled, { maxBytes: 4000 }));
});

test('an oversized gzip file is refused before it is decompressed', () => {
  // 100 MB of zeros compress to ~100 KB; the header alone must be enough to refuse it.
  const file = makeNifti({ dims3: [500, 500, 400], values: [0], gzip: false });
  const body = new Uint8Array(352 + 500 * 500 * 400);
  body.set(file.subarray(0, 352));
  const gz = new Uint8Array(gzipSync(body));
  assertNiftiError(gz, /too large: 500×500×400 uint8 needs 95\.4 MiB/, {
    maxBytes: 50 * 1024 ** 2,
  });
});

test('unsupported datatypes', () => {
  const cases: [number, RegExp][] = [
    [128, /datatype RGB24 \(code 128\) is not supported/],
    [32, /datatype complex64 \(code 32\) is not supported/],
    [1024, /datatype int64 \(code 1024\) is not supported/],
    [1, /datatype binary \(1 bit\) \(code 1\) is not supported/],
    [3, /datatype code 3 is not a NIfTI datatype/],
    [0, /datatype code 0 is not a NIfTI datatype/],
  ];
  for (const [datatypeCode, pattern] of cases) {
    for (const [, file] of both({ datatypeCode })) assertNiftiError(file, pattern);
  }
});

test('vox_offset inside the header, non-finite or past the end', () => {
  assertNiftiError(
    makeNifti({ voxOffset: 100, values: [] }),
    /vox_offset 100 is not a valid voxel data offset \(at least 352/,
  );
  assertNiftiError(
    makeNifti({ version: 2, voxOffset: 0, values: [] }),
    /vox_offset 0 is not a valid voxel data offset \(at least 544/,
  );
  const nan = makeNifti();
  new DataView(nan.buffer).setFloat32(108, NaN, true);
  assertNiftiError(nan, /vox_offset NaN is not a valid/);
  const far = makeNifti();
  new DataView(far.buffer).setFloat32(108, 1e9, true);
  assertNiftiError(far, /truncated: .* from byte 1000000000\), but the data ends after/);
});
