import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTexture3D, textureFactor } from '../../../../src/core/volume/downsample';
import { applyWindowToUint8 } from '../../../../src/core/volume/window';
import type { Volume } from '../../../../src/core/volume/volume';
import { randomVolume, voxel } from '../../../fixtures/randomVolume';

const WIDE = { maxSide: 2048, maxBytes: 1e12 };

/** Block mean of windowed values (0..255, unrounded), by definition. */
function bruteForceTexel(
  volume: Volume,
  w: { min: number; max: number },
  f: number,
  o: [number, number, number],
): number {
  const [nx, ny, nz] = volume.dims;
  let sum = 0;
  let n = 0;
  for (let k = o[2] * f; k < Math.min(nz, (o[2] + 1) * f); k++) {
    for (let j = o[1] * f; j < Math.min(ny, (o[1] + 1) * f); j++) {
      for (let i = o[0] * f; i < Math.min(nx, (o[0] + 1) * f); i++) {
        sum += Math.min(
          255,
          Math.max(0, ((voxel(volume, i, j, k) - w.min) * 255) / (w.max - w.min)),
        );
        n++;
      }
    }
  }
  return Math.round(sum / n);
}

test('textureFactor: the smallest factor fitting the side and byte limits', () => {
  assert.equal(textureFactor([400, 400, 640], WIDE), 1);
  assert.equal(textureFactor([400, 400, 640], { maxSide: 2048, maxBytes: 256 * 1024 ** 2 }), 1);
  assert.equal(textureFactor([400, 400, 640], { maxSide: 2048, maxBytes: 50e6 }), 2);
  assert.equal(textureFactor([400, 400, 640], { maxSide: 300, maxBytes: 1e12 }), 3);
  assert.equal(textureFactor([5000, 10, 10], { maxSide: 2048, maxBytes: 1e12 }), 3);
  assert.equal(textureFactor([10, 10, 10], { maxSide: 10, maxBytes: 999 }), 2);
});

test('no downsampling: the texture is the windowed volume, in i, j, k order', () => {
  const volume = randomVolume([5, 4, 3], 1, 'int16', (r) => Math.round((r() - 0.5) * 2000));
  const w = { min: -500, max: 700 };
  const tex = buildTexture3D(volume, w, WIDE);
  assert.deepEqual(tex.dims, [5, 4, 3]);
  assert.equal(tex.factor, 1);
  assert.equal(tex.downsampled, false);
  assert.deepEqual(tex.data, applyWindowToUint8(volume.data, w));
});

for (const dims of [
  [9, 7, 5],
  [8, 8, 8],
  [13, 3, 11],
] as [number, number, number][]) {
  test(`downsampled texels are block means of windowed voxels, edges included (${dims.join('×')})`, () => {
    const volume = randomVolume(dims, 2, 'float32', (r) => r() * 120 - 10);
    const w = { min: 0, max: 100 };
    for (const maxSide of [4, 3, 2, 1]) {
      const tex = buildTexture3D(volume, w, { maxSide, maxBytes: 1e9 });
      const f = tex.factor;
      assert.equal(f, textureFactor(dims, { maxSide, maxBytes: 1e9 }));
      assert.ok(f > 1 && tex.downsampled);
      assert.deepEqual(
        tex.dims,
        dims.map((d) => Math.ceil(d / f)),
      );
      assert.ok(tex.dims.every((d) => d <= maxSide));
      const [tx, ty, tz] = tex.dims;
      for (let oz = 0; oz < tz; oz++) {
        for (let oy = 0; oy < ty; oy++) {
          for (let ox = 0; ox < tx; ox++) {
            const expected = bruteForceTexel(volume, w, f, [ox, oy, oz]);
            const got = tex.data[ox + tx * (oy + ty * oz)];
            assert.ok(
              Math.abs(got - expected) <= 1,
              `f=${f} (${ox},${oy},${oz}): ${got} vs ${expected}`,
            );
          }
        }
      }
    }
  });
}

test('the byte budget alone forces downsampling', () => {
  const volume = randomVolume([20, 20, 20], 3);
  const tex = buildTexture3D(volume, { min: 0, max: 255 }, { maxSide: 2048, maxBytes: 999 });
  assert.equal(tex.factor, 3);
  assert.deepEqual(tex.dims, [7, 7, 7]);
  assert.ok(tex.data.length <= 999);
});
