/**
 * Real OCTA-500 en-face layer stacks (see ../shared/data/octa500/README.md), read with the same
 * reader the editor uses. CI runs in a clone with shared/ beside the repository; where the data
 * is absent the tests say so and are skipped (a skip is not a pass).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readNifti, type NiftiReadResult } from '../../../../src/core/nifti/readNifti';
import { extractLayer, layerDepthMm, resolveDepthAxis } from '../../../../src/core/volume/layers';
import { percentileWindow } from '../../../../src/core/volume/window';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const layersDir = resolve(repoRoot, '..', 'shared', 'data', 'octa500', 'layers');
const missing = existsSync(layersDir)
  ? false
  : `OCTA-500 layers not found at ${layersDir}: real-data tests did not run`;

function read(name: string): NiftiReadResult {
  return readNifti(new Uint8Array(readFileSync(join(layersDir, name))));
}

function histogram(data: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let idx = 0; idx < data.length; idx++)
    counts.set(data[idx], (counts.get(data[idx]) ?? 0) + 1);
  return counts;
}

/** README: in-plane pitch 3/512 mm, 2/640 mm between layers; nothing in the header is unusual. */
function assertLayerStack(result: NiftiReadResult, layers: number): void {
  const { volume } = result;
  assert.equal(result.niftiVersion, 1);
  assert.deepEqual(volume.dims, [512, 512, layers]);
  assert.equal(volume.type, 'uint8');
  assert.equal(volume.data.length, 512 * 512 * layers);
  assert.deepEqual(result.notices, []);
  const [sx, sy, sz] = volume.spacingMm;
  assert.ok(Math.abs(sx - 3 / 512) < 1e-7 && Math.abs(sy - 3 / 512) < 1e-7, `${sx}, ${sy}`);
  assert.ok(Math.abs(sz - 2 / 640) < 1e-7, `${sz}`);
  const expectedAffine = [3 / 512, 0, 0, 0, 0, 3 / 512, 0, 0, 0, 0, 2 / 640, 0, 0, 0, 0, 1];
  volume.affine.forEach((a, idx) =>
    assert.ok(Math.abs(a - expectedAffine[idx]) < 1e-7, `affine[${idx}] = ${a}`),
  );
  // A square en-face field with a different depth: `auto` takes the odd axis, k.
  assert.equal(resolveDepthAxis(volume.dims, 'auto'), 2);
  assert.ok(Math.abs(layerDepthMm(volume, 2, layers - 1) - ((layers - 1) * 2) / 640) < 1e-7);
}

test('10301_faz.nii.gz: 11 real en-face layers', { skip: missing }, () => {
  const result = read('10301_faz.nii.gz');
  assertLayerStack(result, 11);
  const counts = histogram(result.volume.data);
  assert.equal(Math.min(...counts.keys()), 0);
  assert.equal(Math.max(...counts.keys()), 216);
  assert.equal(counts.size, 177);
  // Every layer is a real image, not blank: each has many distinct values and a mean well above 0.
  for (let k = 0; k < 11; k++) {
    const layer = extractLayer(result.volume, 2, k);
    const mean = layer.reduce((s, v) => s + v, 0) / layer.length;
    assert.ok(mean > 5 && histogram(layer).size > 50, `layer ${k}: mean ${mean}`);
  }
  const w = percentileWindow(result.volume.data, 1, 99.5);
  assert.ok(w.min >= 0 && w.max <= 216 && w.min < w.max, JSON.stringify(w));
});

test('10301_faz.label.nii.gz: a 0/1 FAZ mask on each layer', { skip: missing }, () => {
  const result = read('10301_faz.label.nii.gz');
  assertLayerStack(result, 11);
  assert.deepEqual([...histogram(result.volume.data).keys()].sort(), [0, 1]);
  for (let k = 0; k < 11; k++) {
    const fazPixels = extractLayer(result.volume, 2, k).reduce((s, v) => s + v, 0);
    // The FAZ is a blob of roughly 0.2-0.5 mm² on a 3×3 mm, 512² image: thousands of pixels.
    assert.ok(fazPixels > 1000 && fazPixels < 50000, `layer ${k}: ${fazPixels} FAZ pixels`);
  }
});

test('10301_rv.nii.gz: 10 real en-face layers', { skip: missing }, () => {
  const result = read('10301_rv.nii.gz');
  assertLayerStack(result, 10);
  const counts = histogram(result.volume.data);
  assert.equal(Math.min(...counts.keys()), 0);
  assert.equal(Math.max(...counts.keys()), 186);
});

test(
  '10301_rv.label.nii.gz: vessel instance ids, the same ids across layers',
  { skip: missing },
  () => {
    const result = read('10301_rv.label.nii.gz');
    assertLayerStack(result, 10);
    assert.deepEqual(
      [...histogram(result.volume.data).keys()].sort((a, b) => a - b),
      [0, 1, 2, 3, 5, 7, 9, 10],
    );
    // A vessel id marks the same vessel on every layer where it is visible: most ids span layers.
    const idsPerLayer = Array.from(
      { length: 10 },
      (_, k) => new Set(extractLayer(result.volume, 2, k)),
    );
    const multiLayer = [1, 2, 3, 5, 7, 9, 10].filter(
      (id) => idsPerLayer.filter((s) => s.has(id)).length > 1,
    );
    assert.ok(multiLayer.length >= 4, `ids on more than one layer: ${multiLayer}`);
  },
);
