import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leadingLayers } from '../../../../src/core/nifti/leadingLayers';
import { NiftiError } from '../../../../src/core/nifti/niftiError';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { makeNifti } from '../../../fixtures/makeNifti';

const dims3: [number, number, number] = [20, 16, 4];
const layerVoxels = dims3[0] * dims3[1];
const values = Array.from({ length: layerVoxels * dims3[2] }, (_, i) => (i * 37) % 251);

test('the first layer comes from a prefix that holds just the header and that layer', () => {
  const file = makeNifti({ dims3, values, pixdim: [1, 0.5, 0.25, 2, 0, 0, 0, 0] });
  const voxOffset = 352;
  assert.equal(leadingLayers(file.subarray(0, voxOffset + layerVoxels - 1), 1), null);
  const found = leadingLayers(file.subarray(0, voxOffset + layerVoxels), 1);
  assert.ok(found);
  assert.deepEqual(found.volume.dims, [20, 16, 1]);
  assert.deepEqual(Array.from(found.volume.data), values.slice(0, layerVoxels));
  // The same geometry the full reader gives.
  const full = readNifti(file).volume;
  assert.deepEqual(found.volume.spacingMm, full.spacingMm);
  assert.deepEqual(found.volume.affine, full.affine);
  assert.deepEqual(found.header.dims, dims3);
});

test('decoding matches the full reader: big-endian int16 with scaling becomes the same float32', () => {
  const file = makeNifti({
    dims3,
    values: values.map((v) => v - 120),
    type: 'int16',
    littleEndian: false,
    sclSlope: 0.5,
    sclInter: 3,
  });
  const found = leadingLayers(file.subarray(0, 352 + 2 * 2 * layerVoxels), 2);
  assert.ok(found);
  const full = readNifti(file).volume;
  assert.equal(found.volume.type, 'float32');
  assert.deepEqual(
    Array.from(found.volume.data),
    Array.from(full.data.subarray(0, 2 * layerVoxels)),
  );
});

test('never more layers than the volume has; too short a prefix is not an error', () => {
  const file = makeNifti({ dims3, values });
  assert.equal(leadingLayers(file.subarray(0, 100), 1), null);
  assert.equal(leadingLayers(file, 99)?.volume.dims[2], 4);
});

test('a prefix that is not NIfTI gets the reader’s error', () => {
  const junk = new Uint8Array(1024).fill(7);
  assert.throws(() => leadingLayers(junk, 1), NiftiError);
});
