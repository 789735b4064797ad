import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLabelVolume } from '../../../../src/core/labels/labelVolume';
import { layerMask, layerVoxels } from '../../../../src/core/labels/layerVoxels';
import { layerPixelToVoxel } from '../../../../src/core/volume/layers';
import type { Axis } from '../../../../src/core/volume/volume';

const dims = [3, 4, 5] as const;

test('layerVoxels: every pixel maps to the voxel layerPixelToVoxel names', () => {
  for (const axis of [0, 1, 2] as Axis[]) {
    for (let layer = 0; layer < dims[axis]; layer++) {
      const { width, height, base, strideX, strideY } = layerVoxels(dims, axis, layer);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const [i, j, k] = layerPixelToVoxel(axis, layer, x, y);
          assert.equal(base + x * strideX + y * strideY, i + dims[0] * (j + dims[1] * k));
        }
      }
    }
  }
});

test('layerVoxels: layers outside the volume are refused', () => {
  assert.throws(() => layerVoxels(dims, 2, 5), /outside 0\.\.4 along axis k/);
  assert.throws(() => layerVoxels(dims, 0, -1), /outside/);
});

test('layerMask: the layer of one label, or of any label', () => {
  const labels = createLabelVolume(dims);
  for (let v = 0; v < labels.data.length; v++) labels.data[v] = v % 3;
  for (const axis of [0, 1, 2] as Axis[]) {
    const { width, height } = layerVoxels(dims, axis, 1);
    const mask2 = layerMask(labels, axis, 1, 2);
    const any = layerMask(labels, axis, 1);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const [i, j, k] = layerPixelToVoxel(axis, 1, x, y);
        const value = labels.data[i + dims[0] * (j + dims[1] * k)];
        assert.equal(mask2[x + width * y], value === 2 ? 1 : 0);
        assert.equal(any[x + width * y], value !== 0 ? 1 : 0);
      }
    }
  }
});
