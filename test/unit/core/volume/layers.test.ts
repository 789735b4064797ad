import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  extractLayer,
  layerCount,
  layerDepthMm,
  layerPixelToVoxel,
  layerShape,
  resolveDepthAxis,
} from '../../../../src/core/volume/layers';
import type { Axis } from '../../../../src/core/volume/volume';
import { randomVolume, voxel } from '../../../fixtures/randomVolume';

test('resolveDepthAxis: an explicit axis wins', () => {
  for (const axis of [0, 1, 2] as const) assert.equal(resolveDepthAxis([5, 6, 7], axis), axis);
});

test('resolveDepthAxis auto: the odd axis of a square en-face field', () => {
  assert.equal(resolveDepthAxis([400, 400, 640], 'auto'), 2); // OCTA-500 6M volume
  assert.equal(resolveDepthAxis([304, 640, 304], 'auto'), 1); // B-scans stacked along k
  assert.equal(resolveDepthAxis([640, 304, 304], 'auto'), 0);
  assert.equal(resolveDepthAxis([512, 512, 11], 'auto'), 2); // a stack of en-face layers
});

test('resolveDepthAxis auto: otherwise the longest axis, ties to the highest', () => {
  assert.equal(resolveDepthAxis([10, 20, 30], 'auto'), 2);
  assert.equal(resolveDepthAxis([10, 30, 20], 'auto'), 1);
  assert.equal(resolveDepthAxis([30, 10, 20], 'auto'), 0);
  assert.equal(resolveDepthAxis([8, 8, 8], 'auto'), 2);
});

test('layerShape and layerCount follow the documented axis mapping', () => {
  const dims = [3, 4, 5] as const;
  assert.deepEqual(layerShape(dims, 2), { width: 3, height: 4 });
  assert.deepEqual(layerShape(dims, 1), { width: 3, height: 5 });
  assert.deepEqual(layerShape(dims, 0), { width: 4, height: 5 });
  assert.deepEqual(
    [0, 1, 2].map((a) => layerCount(dims, a as Axis)),
    [3, 4, 5],
  );
});

for (const type of ['uint8', 'int16', 'float32', 'float64'] as const) {
  test(`extractLayer matches voxel-by-voxel lookup on every layer of every axis (${type})`, () => {
    const volume = randomVolume([7, 5, 6], 11, type, (r) => Math.round((r() - 0.3) * 200));
    for (const axis of [0, 1, 2] as const) {
      const { width, height } = layerShape(volume.dims, axis);
      for (let index = 0; index < volume.dims[axis]; index++) {
        const layer = extractLayer(volume, axis, index);
        assert.equal(layer.length, width * height);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const [i, j, k] = layerPixelToVoxel(axis, index, x, y);
            assert.equal(
              layer[x + width * y],
              voxel(volume, i, j, k),
              `axis ${axis} layer ${index} (${x}, ${y})`,
            );
          }
        }
      }
    }
  });
}

test('extractLayer reuses a buffer of the right size and replaces one of the wrong size', () => {
  const volume = randomVolume([4, 3, 2], 3);
  const buffer = new Float32Array(12);
  assert.equal(extractLayer(volume, 2, 1, buffer), buffer);
  assert.deepEqual(Array.from(buffer), Array.from(volume.data.subarray(12, 24)));
  const wrong = new Float32Array(5);
  const out = extractLayer(volume, 2, 0, wrong);
  assert.notEqual(out, wrong);
  assert.equal(out.length, 12);
});

test('extractLayer refuses a layer outside the volume', () => {
  const volume = randomVolume([4, 3, 2], 3);
  for (const index of [-1, 2, 1.5, NaN]) {
    assert.throws(() => extractLayer(volume, 2, index), RangeError);
  }
});

test('layerDepthMm is index × voxel size along the axis', () => {
  const volume = randomVolume([4, 3, 2], 3, 'uint8', undefined, [0.5, 0.25, 2 / 640]);
  assert.equal(layerDepthMm(volume, 0, 3), 1.5);
  assert.equal(layerDepthMm(volume, 1, 2), 0.5);
  assert.equal(layerDepthMm(volume, 2, 0), 0);
  assert.ok(Math.abs(layerDepthMm(volume, 2, 1) - 0.003125) < 1e-12);
});
