import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussianSmooth2d } from '../../../../src/core/sparse/gaussianSmooth2d';
import { predictedRegion } from '../../../../src/core/sparse/predictedRegion';
import { seededRandom } from '../../../fixtures/randomVolume';

test('predictedRegion: the smoothed probability thresholded', () => {
  const random = seededRandom(2);
  const prob = Float32Array.from({ length: 20 * 15 }, () => random());
  const region = predictedRegion(prob, 20, 15, { sigma: 1.5, threshold: 0.5 });
  const smooth = gaussianSmooth2d(prob, 20, 15, 1.5);
  for (let p = 0; p < region.length; p++) assert.equal(region[p], smooth[p] >= 0.5 ? 1 : 0);
});

test('predictedRegion: smoothing removes isolated speckle and fills pinholes', () => {
  const width = 40;
  const prob = new Float32Array(width * width);
  for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) prob[x + width * y] = 0.9;
  prob[20 + width * 20] = 0; // a pinhole inside the region
  prob[3 + width * 3] = 1; // a speck outside it
  const region = predictedRegion(prob, width, width);
  assert.equal(region[20 + width * 20], 1);
  assert.equal(region[3 + width * 3], 0);
  assert.equal(region[15 + width * 15], 1);
});

test('predictedRegion: maps stored as bytes via scale', () => {
  const bytes = Uint8Array.from([0, 100, 130, 255]);
  assert.deepEqual(
    Array.from(predictedRegion(bytes, 4, 1, { sigma: 0, scale: 255 })),
    [0, 0, 1, 1],
  );
  assert.throws(() => predictedRegion(bytes, 4, 1, { threshold: 2 }), /0\.\.1/);
});
