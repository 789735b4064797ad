/**
 * Pixel sizes in mm from a volume's affine or spacing, and what is said when they are missing,
 * disagree, are not square or make a field no OCTA scan has.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeasureError } from '../../../../src/core/measure/measureError';
import { pixelAreaMm2, planeGeometry } from '../../../../src/core/measure/planeGeometry';

const S = 3 / 304;
const scaling = (sx: number, sy: number, sz: number): number[] => [
  ...[sx, 0, 0, 0],
  ...[0, sy, 0, 0],
  ...[0, 0, sz, 0],
  ...[0, 0, 0, 1],
];

test('an OCTA-500 3M volume: 3 mm over 304 px in-plane, 2 mm over 640 layers, no notice', () => {
  const g = planeGeometry(
    { dims: [304, 304, 640], affine: scaling(S, S, 2 / 640), spacingMm: [S, S, 2 / 640] },
    2,
  );
  assert.deepEqual([g.width, g.height, g.layers], [304, 304, 640]);
  assert.ok(Math.abs(g.fieldMm[0] - 3) < 1e-12 && Math.abs(g.fieldMm[1] - 3) < 1e-12);
  assert.ok(Math.abs(g.layerMm - 2 / 640) < 1e-15);
  assert.ok(Math.abs(pixelAreaMm2(g) - S * S) < 1e-15);
  assert.deepEqual(g.notices, []);
});

test('a rotated affine gives the true voxel sizes (column lengths), not its diagonal', () => {
  const c = Math.cos(0.5);
  const s = Math.sin(0.5);
  const affine = [c * 0.01, -s * 0.02, 0, 5, s * 0.01, c * 0.02, 0, -3, 0, 0, 0.003, 1, 0, 0, 0, 1];
  const g = planeGeometry({ dims: [300, 150, 10], affine }, 2);
  assert.ok(Math.abs(g.pixelMm[0] - 0.01) < 1e-12 && Math.abs(g.pixelMm[1] - 0.02) < 1e-12);
  assert.match(g.notices.join(' '), /not square/);
});

test('another depth axis takes the other two axes across and down', () => {
  const g = planeGeometry({ dims: [10, 640, 20], spacingMm: [0.01, 0.003, 0.02] }, 1);
  assert.deepEqual([g.width, g.height, g.layers], [10, 20, 640]);
  assert.deepEqual(g.pixelMm, [0.01, 0.02]);
});

test('no affine: the spacing is used and that is said', () => {
  const g = planeGeometry({ dims: [304, 304, 1], spacingMm: [S, S, 1] }, 2);
  assert.ok(Math.abs(g.pixelMm[0] - S) < 1e-15);
  assert.match(g.notices.join(' '), /no usable affine; its voxel spacing was used/);
});

test('an affine that disagrees with the spacing: the affine wins, with a notice', () => {
  const g = planeGeometry(
    { dims: [304, 304, 1], affine: scaling(S, S, 1), spacingMm: [2 * S, 2 * S, 1] },
    2,
  );
  assert.ok(Math.abs(g.pixelMm[0] - S) < 1e-15);
  assert.match(g.notices.join(' '), /differs from the header spacing/);
});

test('neither affine nor spacing: a clear error, not a guess', () => {
  assert.throws(
    () => planeGeometry({ dims: [304, 304, 1], affine: [NaN], spacingMm: [0, 0, 0] }, 2),
    (e: unknown) =>
      e instanceof MeasureError && /neither a usable affine nor a voxel spacing/.test(e.message),
  );
});

test('unit voxels (a header without sizes read as 1 mm) make a 304 mm field: said loudly', () => {
  const g = planeGeometry({ dims: [304, 304, 640], affine: scaling(1, 1, 1) }, 2);
  assert.match(g.notices.join(' '), /304 × 304 mm, outside the 1–30 mm of OCTA scans/);
});
