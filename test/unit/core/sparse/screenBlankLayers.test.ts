/**
 * Blank-layer screening on synthetic volumes (known retinal slab and vessels) and on the real
 * OCTA-500 layer stacks in ../shared/data/octa500/layers (skipped, and said so, where absent).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import {
  blankFromScores,
  DEFAULT_BLANK_THRESHOLD,
  nonBlankLayers,
  screenBlankLayers,
} from '../../../../src/core/sparse/screenBlankLayers';
import { generateSyntheticOcta } from '../../../../src/core/synth/generateSyntheticOcta';
import { Random } from '../../../../src/core/synth/random';
import type { Volume } from '../../../../src/core/volume/volume';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const layersDir = resolve(repoRoot, '..', 'shared', 'data', 'octa500', 'layers');
const missing = existsSync(layersDir)
  ? false
  : `OCTA-500 layers not found at ${layersDir}: real-data tests did not run`;

for (const seed of [5, 12]) {
  test(`synthetic seed ${seed}: layers outside the retina are blank, vessel layers are not`, () => {
    const synth = generateSyntheticOcta({ seed, size: [64, 64, 128] });
    const result = screenBlankLayers(synth.volume, 2);
    const [nx, ny, nz] = synth.volume.dims;
    const { ilmRangeK, bmRangeK } = synth.meta.retina;
    assert.equal(result.threshold, DEFAULT_BLANK_THRESHOLD);
    assert.equal(result.score.length, nz);
    for (let k = 0; k < nz; k++) {
      // Above the shallowest ILM (the vitreous), and below the choroid's fading flow.
      if (k < Math.floor(ilmRangeK[0]) - 1 || k > bmRangeK[1] + 0.1 * nz) {
        assert.ok(result.blank[k], `layer ${k} (score ${result.score[k]}) should be blank`);
      }
      let vessel = 0;
      for (let p = 0; p < nx * ny; p++) if (synth.vesselInstances.data[k * nx * ny + p]) vessel++;
      if (vessel >= 0.01 * nx * ny) {
        assert.ok(!result.blank[k], `layer ${k} holds vessels (score ${result.score[k]})`);
      }
    }
    const kept = nonBlankLayers(result);
    assert.ok(kept.length > 5 && kept.length < nz / 2, `${kept.length} non-blank layers`);
  });
}

test('the screen reads layers along any axis: a transposed volume scores the same', () => {
  const { volume } = generateSyntheticOcta({ seed: 3, size: [32, 24, 64] });
  const [nx, ny, nz] = volume.dims;
  const data = new Uint8Array(volume.data.length);
  // (i, j, k) → (k, i, j): layers along axis 0 show the same images as k-layers did.
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) data[k + nz * (i + nx * j)] = volume.data[i + nx * (j + ny * k)];
  const moved: Volume = { ...volume, dims: [nz, nx, ny], data };
  const a = screenBlankLayers(volume, 2);
  const b = screenBlankLayers(moved, 0);
  assert.equal(a.signalLevel, b.signalLevel);
  assert.deepEqual(b.score, a.score);
});

test('threshold, window and level are the user’s to move', () => {
  const { volume } = generateSyntheticOcta({ seed: 5, size: [64, 64, 128] });
  const base = screenBlankLayers(volume, 2);
  const strict = screenBlankLayers(volume, 2, { threshold: 0.1 });
  assert.deepEqual(strict.score, base.score);
  assert.deepEqual(strict.blank, blankFromScores(base.score, 0.1));
  assert.ok(nonBlankLayers(strict).length < nonBlankLayers(base).length);
  assert.ok(nonBlankLayers(screenBlankLayers(volume, 2, { threshold: 0 })).length === 128);
  const custom = screenBlankLayers(volume, 2, { window: { min: 0, max: 200 }, level: 0.25 });
  assert.equal(custom.signalLevel, 50);
  assert.throws(() => screenBlankLayers(volume, 2, { threshold: 2 }), /fraction 0\.\.1/);
  assert.throws(() => screenBlankLayers(volume, 2, { level: -1 }), /fraction 0\.\.1/);
});

test(
  'real OCTA-500 layers all screen non-blank; their shuffled pixels score far lower',
  { skip: missing },
  () => {
    for (const name of ['10301_rv.nii.gz', '10301_faz.nii.gz']) {
      const real = readNifti(new Uint8Array(readFileSync(join(layersDir, name)))).volume;
      const [nx, ny, nz] = real.dims;
      const nxy = nx * ny;
      // The real layers, then each again with its pixels shuffled: the same values, no structure.
      const data = new Uint8Array(2 * real.data.length);
      data.set(real.data);
      const rng = new Random(1);
      for (let k = 0; k < nz; k++) {
        const layer = data.slice(k * nxy, (k + 1) * nxy);
        for (let p = nxy - 1; p > 0; p--) {
          const q = rng.int(0, p);
          [layer[p], layer[q]] = [layer[q], layer[p]];
        }
        data.set(layer, (nz + k) * nxy);
      }
      const both: Volume = { ...real, dims: [nx, ny, 2 * nz], data };
      const alone = screenBlankLayers(real, 2);
      assert.deepEqual(
        nonBlankLayers(alone),
        Array.from({ length: nz }, (_, k) => k),
        name,
      );
      const result = screenBlankLayers(both, 2, { window: { min: 0, max: 2 * alone.signalLevel } });
      for (let k = 0; k < nz; k++) {
        assert.ok(!result.blank[k], `${name} layer ${k}`);
        assert.ok(result.score[nz + k] <= result.score[k] / 10, `${name} shuffled layer ${k}`);
      }
    }
  },
);
