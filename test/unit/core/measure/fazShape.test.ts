/**
 * FAZ shape measures: a disc and an ellipse of known area, perimeter and circularity (within
 * 1 %); empty, edge-touching and split masks give stated values, never NaN; and the OCTA-500
 * en-face FAZ labels (../shared/data/octa500, 3×3 mm over 304 px) give areas in mm² that match
 * their pixel counts and published FAZ sizes. Where the shared data is absent those tests say so
 * and are skipped (a skip is not a pass).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fazShape } from '../../../../src/core/measure/fazShape';
import { MeasureError } from '../../../../src/core/measure/measureError';
import { planeGeometry } from '../../../../src/core/measure/planeGeometry';
import { decodeBmp } from '../../../../src/extension/sparse/rasterDecode';
import { ellipseMask, ellipsePerimeter } from '../../../fixtures/measureShapes';

const PIXEL_MM = 0.01;
const geometry = planeGeometry({ dims: [200, 200, 1], spacingMm: [PIXEL_MM, PIXEL_MM, 0.003] }, 2);

function within(measured: number | null, truth: number, tolerance: number, what: string): void {
  assert.ok(
    measured !== null && Math.abs(measured / truth - 1) < tolerance,
    `${what}: ${measured} vs ${truth}`,
  );
}

test('a disc of radius 0.3 mm: area, perimeter, circularity and acircularity within 1 %', () => {
  const r = 30;
  const shape = fazShape(ellipseMask(200, 200, r, r, [100.4, 99.7]), geometry);
  const rMm = r * PIXEL_MM;
  within(shape.areaMm2, Math.PI * rMm * rMm, 0.01, 'area');
  within(shape.perimeterMm, 2 * Math.PI * rMm, 0.01, 'perimeter');
  within(shape.circularity, 1, 0.01, 'circularity');
  within(shape.acircularity, 1, 0.01, 'acircularity');
  assert.equal(shape.components, 1);
  assert.equal(shape.touchesEdge, false);
  assert.ok(Math.hypot(shape.centroidMm![0] - 1.004, shape.centroidMm![1] - 0.997) < 0.002);
});

test('an ellipse 0.5 × 0.25 mm: circularity 4πA/P² and acircularity P/(2√(πA)) within 1 %', () => {
  const [a, b] = [50, 25];
  const shape = fazShape(ellipseMask(200, 200, a, b, [100.4, 99.7], 0.4), geometry);
  const area = Math.PI * a * b * PIXEL_MM ** 2;
  const perimeter = ellipsePerimeter(a, b) * PIXEL_MM;
  within(shape.areaMm2, area, 0.01, 'area');
  within(shape.perimeterMm, perimeter, 0.01, 'perimeter');
  within(shape.circularity, (4 * Math.PI * area) / perimeter ** 2, 0.01, 'circularity');
  within(shape.acircularity, perimeter / (2 * Math.sqrt(Math.PI * area)), 0.01, 'acircularity');
});

test('an empty mask: zero area and perimeter, no circularity, no centroid — and no NaN', () => {
  const shape = fazShape(new Uint8Array(200 * 200), geometry);
  assert.deepEqual(shape, {
    pixels: 0,
    areaMm2: 0,
    perimeterMm: 0,
    circularity: null,
    acircularity: null,
    centroidMm: null,
    components: 0,
    touchesEdge: false,
  });
});

test('a mask touching the image edge is flagged; a split mask counts its pieces', () => {
  const cut = fazShape(ellipseMask(200, 200, 30, 30, [10, 100]), geometry);
  assert.equal(cut.touchesEdge, true);
  const two = ellipseMask(200, 200, 10, 10, [50, 50]);
  const other = ellipseMask(200, 200, 10, 10, [150, 150]);
  for (let p = 0; p < two.length; p++) two[p] |= other[p];
  const split = fazShape(two, geometry);
  assert.equal(split.components, 2);
  within(split.areaMm2, 2 * Math.PI * 0.1 * 0.1, 0.02, 'area of both pieces');
});

test('non-square pixels: a physical disc drawn on 0.01 × 0.02 mm pixels is still a disc', () => {
  const tall = planeGeometry({ dims: [200, 200, 1], spacingMm: [0.01, 0.02, 0.003] }, 2);
  const shape = fazShape(ellipseMask(200, 200, 40, 20, [100.3, 99.6]), tall);
  within(shape.areaMm2, Math.PI * 0.4 * 0.4, 0.01, 'area');
  within(shape.circularity, 1, 0.01, 'circularity');
});

test('a mask of the wrong size is refused', () => {
  assert.throws(() => fazShape(new Uint8Array(10), geometry), MeasureError);
});

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const fazDir = resolve(
  repoRoot,
  '..',
  'shared',
  'data',
  'octa500',
  'OCTA-500',
  'OCTA_3M',
  'GT_FAZ',
);
const missing = existsSync(fazDir) ? false : `OCTA-500 GT_FAZ not found at ${fazDir}: not run`;

test(
  'OCTA-500 3M en-face FAZ labels: areas in mm² from 3 mm / 304 px, within published sizes',
  { skip: missing },
  () => {
    const areas: number[] = [];
    for (const id of [10301, 10302, 10303, 10304]) {
      const image = decodeBmp(readFileSync(join(fazDir, `${id}.bmp`)));
      assert.deepEqual([image.width, image.height], [304, 304]);
      const mask = Uint8Array.from(image.values, (v) => (v > 127 ? 1 : 0));
      const g = planeGeometry({ dims: [304, 304, 1], spacingMm: [3 / 304, 3 / 304, 2 / 640] }, 2);
      const shape = fazShape(mask, g);
      const pixels = mask.reduce((n, v) => n + v, 0);
      assert.equal(shape.pixels, pixels);
      assert.ok(
        Math.abs(shape.areaMm2 - (pixels * 9) / 304 ** 2) < 1e-12,
        `${id}: area from pixels`,
      );
      // OCTA-500 holds diseased eyes too: every FAZ within 0.03–0.8 mm², one piece, away from the edge,
      // near the centre of a fovea-centred scan, and at least as long-rimmed as a disc.
      assert.ok(shape.areaMm2 > 0.03 && shape.areaMm2 < 0.8, `${id}: ${shape.areaMm2} mm²`);
      assert.equal(shape.components, 1);
      assert.equal(shape.touchesEdge, false);
      assert.ok(
        Math.hypot(shape.centroidMm![0] - 1.5, shape.centroidMm![1] - 1.5) < 0.5,
        `${id}: centroid`,
      );
      assert.ok(shape.acircularity! >= 1 && shape.circularity! <= 1, `${id}: circularity`);
      areas.push(shape.areaMm2);
    }
    // The typical (median) FAZ lies in the 0.2–0.5 mm² of healthy superficial plexus FAZs.
    const median =
      [...areas]
        .sort((a, b) => a - b)
        .slice(1, 3)
        .reduce((a, b) => a + b) / 2;
    assert.ok(median > 0.2 && median < 0.5, `median ${median} mm²`);
  },
);
