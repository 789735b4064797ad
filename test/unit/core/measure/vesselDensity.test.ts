/**
 * Skeletons and vessel densities on masks of known geometry: a grid of lines (skeleton length
 * density, area density), thick lines (skeleton one pixel wide, diameter index = their width),
 * sectors that share a vessel's length without cutting or doubling it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planeGeometry } from '../../../../src/core/measure/planeGeometry';
import { sectorGrid } from '../../../../src/core/measure/sectorGrid';
import { skeletonize } from '../../../../src/core/measure/skeletonize';
import { skeletonLength } from '../../../../src/core/measure/skeletonLength';
import { vesselDensity } from '../../../../src/core/measure/vesselDensity';
import { gridMask } from '../../../fixtures/measureShapes';

const PIXEL_MM = 0.01;
const geometryOf = (size: number) =>
  planeGeometry({ dims: [size, size, 1], spacingMm: [PIXEL_MM, PIXEL_MM, 0.003] }, 2);

test('a grid of 1-px lines every 20 px: skeleton density and area density exactly', () => {
  const size = 200;
  const [field] = vesselDensity(gridMask(size, 20, 1), geometryOf(size));
  // 10 vertical and 10 horizontal lines of 200 px: 199 steps each, no step counted twice.
  const lengthMm = 2 * 10 * 199 * PIXEL_MM;
  const areaMm2 = (size * PIXEL_MM) ** 2;
  assert.equal(field.region, 'field');
  assert.ok(Math.abs(field.skeletonLengthMm - lengthMm) < 1e-9, `${field.skeletonLengthMm}`);
  assert.ok(Math.abs(field.vsdPerMm! - lengthMm / areaMm2) < 1e-9);
  assert.ok(Math.abs(field.vadPercent! - (100 * (2 * 10 * 200 - 100)) / size ** 2) < 1e-9);
});

test('a grid of 5-px lines: the skeleton is one pixel wide, VDI is the line width', () => {
  const size = 200;
  const mask = gridMask(size, 40, 5);
  const skeleton = skeletonize(mask, size, size);
  // One pixel wide: no 2×2 block of skeleton pixels anywhere.
  for (let y = 0; y + 1 < size; y++) {
    for (let x = 0; x + 1 < size; x++) {
      const p = x + size * y;
      assert.ok(skeleton[p] + skeleton[p + 1] + skeleton[p + size] + skeleton[p + size + 1] < 4);
    }
  }
  const [field] = vesselDensity(mask, geometryOf(size));
  // 5 lines each way of ~200 px: the skeleton stops short of the image edge by a few pixels.
  const nominal = 2 * 5 * 200 * PIXEL_MM;
  assert.ok(Math.abs(field.skeletonLengthMm / nominal - 1) < 0.03, `${field.skeletonLengthMm}`);
  assert.ok(Math.abs(field.vdiUm! / (5 * PIXEL_MM * 1000) - 1) < 0.05, `VDI ${field.vdiUm} µm`);
});

test('diagonal lines are measured step by step: a 45° line of n pixels is (n − 1)·√2 px long', () => {
  const size = 100;
  const mask = new Uint8Array(size * size);
  for (let n = 10; n < 90; n++) mask[n + size * n] = 1;
  const length = skeletonLength(skeletonize(mask, size, size), size, size, [1, 1]);
  assert.ok(Math.abs(length - 79 * Math.SQRT2) < 1e-9, `${length}`);
});

test('sector lengths add up to the field: each step is shared out, never cut or doubled', () => {
  const size = 300;
  const geometry = geometryOf(size);
  const grid = sectorGrid(geometry, [1.5, 1.5]);
  const rows = vesselDensity(gridMask(size, 25, 3), geometry, grid);
  const [field, ...sectors] = rows;
  assert.deepEqual(
    sectors.map((s) => s.region),
    ['centre', 'inner-top', 'inner-right', 'inner-bottom', 'inner-left'],
  );
  // The inner ring (3 mm diameter) fits the 3 mm field only where it is not cut at the sides.
  const inGrid = sectors.reduce((sum, s) => sum + s.skeletonLengthMm, 0);
  assert.ok(inGrid < field.skeletonLengthMm);
  // A uniform grid has the same density in every sector (to the discretisation of the rings).
  for (const s of sectors) {
    assert.ok(Math.abs(s.vadPercent! / field.vadPercent! - 1) < 0.08, `${s.region} VAD`);
    assert.ok(Math.abs(s.vsdPerMm! / field.vsdPerMm! - 1) < 0.1, `${s.region} VSD`);
    // Lines at the small scales a sector allows, a plane at large ones: between 1 and 2.
    assert.ok(s.fractalDimension! > 1 && s.fractalDimension! < 2, `${s.region} FD`);
  }
});

test('an empty layer: zero densities, no diameter index, no fractal dimension — and no NaN', () => {
  const [field] = vesselDensity(new Uint8Array(100 * 100), geometryOf(100));
  assert.equal(field.vadPercent, 0);
  assert.equal(field.vsdPerMm, 0);
  assert.equal(field.vdiUm, null);
  assert.equal(field.fractalDimension, null);
});
