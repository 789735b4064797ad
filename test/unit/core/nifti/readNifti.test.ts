import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readNifti, readNiftiHeaderOnly, isGzip } from '../../../../src/core/nifti/readNifti';
import type { VoxelType } from '../../../../src/core/volume/volume';
import { makeNifti } from '../../../fixtures/makeNifti';

/** Values that exercise each type's sign and range ends. */
const SAMPLES: Record<VoxelType, number[]> = {
  uint8: [0, 1, 127, 128, 254, 255],
  int8: [-128, -1, 0, 1, 100, 127],
  int16: [-32768, -300, -1, 0, 300, 32767],
  uint16: [0, 1, 256, 40000, 65534, 65535],
  int32: [-2147483648, -70000, -1, 0, 70000, 2147483647],
  uint32: [0, 1, 65536, 3000000000, 4294967294, 4294967295],
  float32: [-1.5, -0, 0.25, 3.140625, 1e30, -65504],
  float64: [-1.5e300, -1e-300, 0, 0.1, Math.PI, 1e300],
};

for (const version of [1, 2] as const) {
  for (const littleEndian of [true, false]) {
    for (const gzip of [false, true]) {
      for (const type of Object.keys(SAMPLES) as VoxelType[]) {
        const name = `NIfTI-${version} ${littleEndian ? 'LE' : 'BE'} ${gzip ? '.nii.gz' : '.nii'} ${type}`;
        test(`reads ${name}`, () => {
          // 2×3×4 voxels: the samples repeated, so each position holds a known value.
          const values = Array.from({ length: 24 }, (_, idx) => SAMPLES[type][idx % 6]);
          const file = makeNifti({ version, littleEndian, gzip, type, dims3: [2, 3, 4], values });
          assert.equal(isGzip(file), gzip);
          const result = readNifti(file);
          assert.equal(result.niftiVersion, version);
          assert.deepEqual(result.volume.dims, [2, 3, 4]);
          assert.equal(result.volume.type, type);
          assert.equal(result.volume.data.length, 24);
          const expected = type === 'float32' ? values.map(Math.fround) : values;
          assert.deepEqual(Array.from(result.volume.data), expected);
          assert.deepEqual(result.notices, []);
        });
      }
    }
  }
}

test('applies scl_slope and scl_inter into float32 values', () => {
  for (const version of [1, 2] as const) {
    const file = makeNifti({
      version,
      type: 'int16',
      values: [0, 1, -2, 100],
      dims3: [2, 2, 1],
      sclSlope: 0.5,
      sclInter: 10,
    });
    const { volume } = readNifti(file);
    assert.equal(volume.type, 'float32');
    assert.ok(volume.data instanceof Float32Array);
    assert.deepEqual(Array.from(volume.data), [10, 10.5, 9, 60]);
  }
});

test('a slope of 0, or 1 with intercept 0, means no scaling', () => {
  for (const sclSlope of [0, 1]) {
    const { volume } = readNifti(
      makeNifti({ type: 'uint8', values: [7, 8], dims3: [2, 1, 1], sclSlope }),
    );
    assert.equal(volume.type, 'uint8');
    assert.deepEqual(Array.from(volume.data), [7, 8]);
  }
});

test('a NaN slope (nibabel: unset) means no scaling; an infinite one is ignored with a notice', () => {
  const unset = readNifti(makeNifti({ values: [7, 8], dims3: [2, 1, 1], sclSlope: NaN }));
  assert.equal(unset.volume.type, 'uint8');
  assert.deepEqual(unset.notices, []);
  const infinite = readNifti(makeNifti({ values: [7, 8], dims3: [2, 1, 1], sclSlope: Infinity }));
  assert.equal(infinite.volume.type, 'uint8');
  assert.deepEqual(Array.from(infinite.volume.data), [7, 8]);
  assert.match(infinite.notices.join('\n'), /scl_slope is Infinity; scaling was ignored/);
});

test('a non-finite intercept with a real slope is taken as 0, with a notice', () => {
  const result = readNifti(
    makeNifti({ values: [7, 8], dims3: [2, 1, 1], sclSlope: 2, sclInter: NaN }),
  );
  assert.deepEqual(Array.from(result.volume.data), [14, 16]);
  assert.match(result.notices.join('\n'), /scl_inter is NaN; an intercept of 0 was used/);
});

test('4D files show the first volume with a notice', () => {
  for (const gzip of [false, true]) {
    const values = Array.from({ length: 2 * 2 * 2 * 3 }, (_, idx) => idx);
    const file = makeNifti({ dim: [4, 2, 2, 2, 3, 1, 1, 1], dims3: [2, 2, 2], values, gzip });
    const result = readNifti(file);
    assert.deepEqual(result.volume.dims, [2, 2, 2]);
    assert.deepEqual(Array.from(result.volume.data), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(result.notices.includes('4D file: showing volume 1 of 3.'), result.notices.join());
  }
});

test('trailing dimensions of size 1 are accepted silently', () => {
  const result = readNifti(makeNifti({ dim: [5, 2, 3, 4, 1, 1, 1, 1] }));
  assert.deepEqual(result.volume.dims, [2, 3, 4]);
  assert.deepEqual(result.notices, []);
});

test('a gzip 4D file whose later volumes are corrupt is an error: the checksum covers them', () => {
  const values = Array.from({ length: 4 * 4 * 4 * 40 }, (_, idx) => (idx * 7919) % 251);
  const raw = makeNifti({ dim: [4, 4, 4, 4, 40, 1, 1, 1], dims3: [4, 4, 4], values });
  const gz = new Uint8Array(gzipSync(raw, { level: 0 }));
  gz.fill(0xff, Math.floor(gz.length * 0.6));
  assert.throws(() => readNifti(gz), /gzip data is corrupt/);
});

test('NaN and infinite voxels become 0 with a count in a notice', () => {
  for (const type of ['float32', 'float64'] as const) {
    const values = [1, NaN, Infinity, -Infinity, 2, NaN];
    const result = readNifti(makeNifti({ type, values, dims3: [3, 2, 1] }));
    assert.deepEqual(Array.from(result.volume.data), [1, 0, 0, 0, 2, 0]);
    assert.ok(
      result.notices.includes('4 voxels were NaN or infinite; shown as 0.'),
      result.notices.join(),
    );
  }
});

test('scaling that overflows float32 is an error, not voxels shown as 0', () => {
  assert.throws(
    () =>
      readNifti(makeNifti({ type: 'float64', values: [1, 1e300], dims3: [2, 1, 1], sclSlope: 2 })),
    /scaling \(scl_slope 2, scl_inter 0\) takes 1 voxel beyond the float32 range/,
  );
  assert.throws(
    () =>
      readNifti(makeNifti({ type: 'int16', values: [0, 5, 9], dims3: [3, 1, 1], sclSlope: 1e38 })),
    /takes 2 voxels beyond the float32 range/,
  );
});

test('pixdim is converted to mm from xyzt_units', () => {
  const pixdim = [1, 0.5, 2, 3, 0, 0, 0, 0];
  const cases: [number, number][] = [
    [1, 1000], // meters
    [2, 1], // mm
    [3, 0.001], // microns
    [2 | 8, 1], // mm + seconds: temporal bits ignored
  ];
  for (const [xyztUnits, scale] of cases) {
    const { volume, notices } = readNifti(makeNifti({ pixdim, xyztUnits }));
    assert.deepEqual(volume.spacingMm, [0.5 * scale, 2 * scale, 3 * scale]);
    assert.deepEqual(notices, []);
  }
  const unknown = readNifti(makeNifti({ pixdim, xyztUnits: 0 }));
  assert.deepEqual(unknown.volume.spacingMm, [0.5, 2, 3]);
  assert.match(unknown.notices.join(), /does not give spatial units; millimetres were assumed/);
});

test('zero, negative and NaN pixdim', () => {
  const { volume, notices } = readNifti(makeNifti({ pixdim: [1, 0, -2, NaN, 0, 0, 0, 0] }));
  assert.deepEqual(volume.spacingMm, [1, 2, 1]);
  assert.equal(notices.filter((n) => /pixdim\[[13]\]/.test(n)).length, 2);
});

test('affine: sform when sform_code > 0, in mm', () => {
  for (const version of [1, 2] as const) {
    const srow = [0, -0.5, 0, 10, 2, 0, 0, -20, 0, 0, 3, 30];
    const { volume } = readNifti(
      makeNifti({ version, sformCode: 2, qformCode: 1, srow, xyztUnits: 3 }),
    );
    const expected = [...srow.map((x) => x * 0.001), 0, 0, 0, 1];
    volume.affine.forEach((a, idx) =>
      assert.ok(Math.abs(a - expected[idx]) < 1e-9, `${idx}: ${a}`),
    );
  }
});

test('affine: qform when only qform_code > 0, with qfac', () => {
  for (const version of [1, 2] as const) {
    // Quaternion (0, 0, 1): 180° about z, so x and y flip; pixdim[0] = -1 flips k.
    const file = makeNifti({
      version,
      qformCode: 1,
      quatern: [0, 0, 1],
      qoffset: [5, 6, 7],
      pixdim: [-1, 0.5, 2, 3, 0, 0, 0, 0],
    });
    const { volume } = readNifti(file);
    const expected = [-0.5, 0, 0, 5, 0, -2, 0, 6, 0, 0, -3, 7, 0, 0, 0, 1];
    volume.affine.forEach((a, idx) =>
      assert.ok(Math.abs(a - expected[idx]) < 1e-6, `${idx}: ${a}`),
    );
  }
});

test('affine: plain scaling when neither form is set', () => {
  const { volume } = readNifti(
    makeNifti({ pixdim: [1, 0.5, 2, 3, 0, 0, 0, 0], srow: Array(12).fill(9) }),
  );
  assert.deepEqual(volume.affine, [0.5, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1]);
});

test('a non-finite sform falls back to the qform with a notice', () => {
  const srow = [NaN, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
  const result = readNifti(makeNifti({ sformCode: 1, qformCode: 1, srow, qoffset: [1, 2, 3] }));
  assert.deepEqual(result.volume.affine, [1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1]);
  assert.match(result.notices.join(), /sform has non-finite entries/);
});

test('description is returned as printable text', () => {
  const result = readNifti(makeNifti({ description: 'OCTA\x01 volume ' }));
  assert.equal(result.description, 'OCTA volume');
});

test('vox_offset past the header (extension space) is honoured', () => {
  const file = makeNifti({ voxOffset: 1000, values: [3, 1, 4, 1, 5, 9], dims3: [3, 2, 1] });
  assert.deepEqual(Array.from(readNifti(file).volume.data), [3, 1, 4, 1, 5, 9]);
});

test('the input bytes are not modified (big-endian swap happens on a copy)', () => {
  const file = makeNifti({
    littleEndian: false,
    type: 'int16',
    values: [1, 2, 3, 4],
    dims3: [2, 2, 1],
  });
  const before = file.slice();
  readNifti(file);
  assert.deepEqual(file, before);
});

test('readNiftiHeaderOnly reads the header from the first bytes of a gzip file', () => {
  let state = 12345;
  const values = Array.from({ length: 64 * 64 * 64 }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 24;
  });
  const gz = makeNifti({ type: 'uint8', dims3: [64, 64, 64], values, gzip: true });
  const header = readNiftiHeaderOnly(gz.subarray(0, 4096));
  assert.deepEqual(header.dims, [64, 64, 64]);
  assert.equal(header.type, 'uint8');
  assert.equal(header.dataBytes, 64 ** 3);
  assert.ok(gz.length > 8192, 'the fixture must be larger than the prefix read');
});

test('reads from a view into a larger buffer (as Node Buffers from a pool are)', () => {
  for (const gzip of [false, true]) {
    for (const type of ['uint8', 'int16', 'float64'] as const) {
      const file = makeNifti({
        type,
        littleEndian: false,
        values: [1, -2, 3, 4, 5, 6],
        dims3: [3, 2, 1],
        gzip,
      });
      const pool = new Uint8Array(file.length + 13);
      pool.set(file, 5);
      const { volume } = readNifti(pool.subarray(5, 5 + file.length));
      const expected = type === 'uint8' ? [1, 254, 3, 4, 5, 6] : [1, -2, 3, 4, 5, 6];
      assert.deepEqual(Array.from(volume.data), expected, `${type} gzip=${gzip}`);
    }
  }
});

test('readNiftiHeaderOnly on the start of an uncompressed file', () => {
  const file = makeNifti({ version: 2, type: 'float32', dims3: [30, 20, 10], sclSlope: 2 });
  const header = readNiftiHeaderOnly(file.subarray(0, 600));
  assert.deepEqual(header.dims, [30, 20, 10]);
  assert.equal(header.version, 2);
  assert.equal(header.voxOffset, 544);
  assert.deepEqual(header.scaling, { slope: 2, inter: 0 });
});
