// The writer against this project's own reader: every datatype, plain and gzipped, and an oblique
// affine that the reader takes from the sform.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import type { Volume, VoxelArray, VoxelType } from '../../../../src/core/volume/volume';

const ARRAYS: Record<VoxelType, (values: number[]) => VoxelArray> = {
  uint8: (v) => Uint8Array.from(v),
  int8: (v) => Int8Array.from(v),
  int16: (v) => Int16Array.from(v),
  uint16: (v) => Uint16Array.from(v),
  int32: (v) => Int32Array.from(v),
  uint32: (v) => Uint32Array.from(v),
  float32: (v) => Float32Array.from(v),
  float64: (v) => Float64Array.from(v),
};

/** Each type's extremes and a few values between. */
const SAMPLES: Record<VoxelType, number[]> = {
  uint8: [0, 1, 127, 128, 255],
  int8: [-128, -1, 0, 1, 127],
  int16: [-32768, -1, 0, 300, 32767],
  uint16: [0, 1, 256, 40000, 65535],
  int32: [-2147483648, -70000, 0, 70000, 2147483647],
  uint32: [0, 1, 65536, 3000000000, 4294967295],
  float32: [-1.5, 0, 0.25, 3.140625, 1e30],
  float64: [-1.5e300, -1e-300, 0, Math.PI, 1e300],
};

function volumeOf(type: VoxelType, affine: number[]): Volume {
  const dims: [number, number, number] = [5, 4, 3];
  const values = Array.from(
    { length: 60 },
    (_, n) => SAMPLES[type][(n * 7) % SAMPLES[type].length],
  );
  return { dims, spacingMm: [0.5, 0.75, 2], affine, type, data: ARRAYS[type](values) };
}

const SCALING = [0.5, 0, 0, 0, 0, 0.75, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1];
const OBLIQUE = (() => {
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  return [c * 0.5, -s * 0.75, 0, 10, s * 0.5, c * 0.75, 0, -20, 0, 0, -2, 5, 0, 0, 0, 1];
})();

test('every datatype round-trips through readNifti, plain and gzipped', () => {
  for (const type of Object.keys(ARRAYS) as VoxelType[]) {
    for (const gzip of [false, true]) {
      const volume = volumeOf(type, SCALING);
      const result = readNifti(writeNifti(volume, { gzip, description: `test ${type}` }));
      const read = result.volume;
      assert.equal(read.type, type, `${type} gzip=${gzip}`);
      assert.deepEqual([...read.dims], [5, 4, 3]);
      assert.deepEqual(Array.from(read.data), Array.from(volume.data), `${type} gzip=${gzip}`);
      assert.deepEqual([...read.spacingMm], [0.5, 0.75, 2]);
      assert.equal(result.description, `test ${type}`);
    }
  }
});

test('an oblique, left-handed affine comes back from the sform', () => {
  const read = readNifti(writeNifti(volumeOf('float32', OBLIQUE))).volume;
  read.affine.forEach((v, n) => assert.ok(Math.abs(v - OBLIQUE[n]) < 1e-5, `affine[${n}] = ${v}`));
});
