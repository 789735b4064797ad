/**
 * Per-vessel 3D measures on tubes with known centrelines: straight tubes in several directions
 * (length, tortuosity 1, little curvature), a sinusoidal tube (length, arc/chord and total
 * curvature of the sine), a tube diving through the layers (3D length and depth range), and
 * labels that are absent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planeGeometry } from '../../../../src/core/measure/planeGeometry';
import { vesselTrees3d } from '../../../../src/core/measure/vesselTrees3d';
import { curveLength, tubeLabels, type Curve } from '../../../fixtures/measureShapes';

const DIMS: [number, number, number] = [200, 120, 24];
const SPACING: [number, number, number] = [0.01, 0.01, 0.003];
const geometry = planeGeometry({ dims: DIMS, spacingMm: SPACING }, 2);

function measure(curve: Curve, radius = 3, depthRadius = 2) {
  const [tree] = vesselTrees3d(
    { dims: DIMS, data: tubeLabels(DIMS, curve, radius, depthRadius) },
    geometry,
    [1],
  );
  return { tree, truth: curveLength(curve, SPACING) };
}

function near(measured: number | null, truth: number, tolerance: number, what: string): void {
  assert.ok(
    measured !== null && Math.abs(measured / truth - 1) < tolerance,
    `${what}: ${measured} vs ${truth}`,
  );
}

// A sine of amplitude 15 px and wavelength 80 px, two periods: 4 half-periods between extremes
// of its tangent angle, each turning by 2·atan(2π·15/80).
const SINE_AMPLITUDE = 15;
const SINE_WAVELENGTH = 80;
const sine: Curve = (t) => [
  20 + 160 * t,
  60 + SINE_AMPLITUDE * Math.sin((2 * Math.PI * 160 * t) / SINE_WAVELENGTH),
  12,
];

test('straight tubes along, across and oblique to the pixel grid: length within 3 %, tortuosity 1', () => {
  const curves: Curve[] = [
    (t) => [20 + 160 * t, 60, 12],
    (t) => [20 + 150 * t, 20 + 80 * t, 12],
    (t) => [20 + 160 * t, 40 + 30 * t, 12],
    (t) => [30 + 80 * t, 10 + 100 * t, 12],
  ];
  for (const curve of curves) {
    const { tree, truth } = measure(curve);
    near(tree.centrelineLengthMm, truth.arc, 0.03, 'length');
    near(tree.tortuosity, 1, 0.005, 'arc/chord');
    assert.equal(tree.branches, 1);
    // A digitised straight line still steps: its curvature stays far below a bending vessel's.
    assert.ok(tree.curvatureRadPerMm! < 0.6, `curvature ${tree.curvatureRadPerMm}`);
    near(tree.meanDiameterUm, 70, 0.15, 'mean diameter (7 px tube)');
  }
});

test('a sinusoidal tube: length within 3 %, arc/chord within 2 %, total curvature within 10 %', () => {
  const { tree, truth } = measure(sine);
  near(tree.centrelineLengthMm, truth.arc, 0.03, 'length');
  near(tree.tortuosity, truth.arc / truth.chord, 0.02, 'arc/chord');
  const turning = 4 * 2 * Math.atan((2 * Math.PI * SINE_AMPLITUDE) / SINE_WAVELENGTH);
  near(tree.curvatureRadPerMm, turning / truth.arc, 0.1, 'curvature');
  assert.equal(tree.branches, 1);
});

test('a tube diving through the layers: 3D length counts the dive; depth range in layers and µm', () => {
  const dive: Curve = (t) => [20 + 160 * t, 60, 4 + 16 * t];
  const { tree, truth } = measure(dive, 3, 2);
  near(tree.centrelineLengthMm, truth.arc, 0.03, '3D length');
  assert.ok(truth.arc > 160 * 0.01 * 1.0001, 'the dive adds length');
  assert.deepEqual(tree.layers, [2, 22]);
  near(tree.depthExtentUm, 21 * 3, 1e-9, 'depth extent');
});

test('a label with no voxels: zeros and nulls, said as such, never NaN', () => {
  const [tree] = vesselTrees3d(
    { dims: DIMS, data: new Uint16Array(DIMS[0] * DIMS[1] * DIMS[2]) },
    geometry,
    [7],
  );
  assert.deepEqual(tree, {
    label: 7,
    voxels: 0,
    layers: null,
    depthExtentUm: null,
    footprintAreaMm2: 0,
    branches: 0,
    centrelineLengthMm: 0,
    meanDiameterUm: null,
    tortuosity: null,
    curvatureRadPerMm: null,
    touchesEdge: false,
  });
});

test('two vessels in one pass keep their own measures; one cut by the field edge says so', () => {
  const data = tubeLabels(DIMS, (t) => [160 * t, 30, 12], 3, 2, 1);
  const second = tubeLabels(DIMS, sine, 3, 2, 2);
  for (let v = 0; v < data.length; v++) if (second[v]) data[v] = 2;
  const [a, b] = vesselTrees3d({ dims: DIMS, data }, geometry, [1, 2]);
  assert.equal(a.touchesEdge, true);
  assert.equal(b.touchesEdge, false);
  near(
    b.tortuosity,
    curveLength(sine, SPACING).arc / curveLength(sine, SPACING).chord,
    0.02,
    'arc/chord',
  );
});

test('a tube with bumps on its edge: the bumps grow no branches (spurs pruned), length within 3 %', () => {
  const curve: Curve = (t) => [20 + 160 * t, 60, 12];
  const data = tubeLabels(DIMS, curve, 4, 2);
  // 1×3-pixel bumps below the tube every 15 px, the first next to the tube's end.
  for (let x = 30; x < 180; x += 15) {
    for (let k = 10; k <= 14; k++)
      for (let dy = 1; dy <= 3; dy++) data[x + 200 * (64 + dy) + 200 * 120 * k] = 1;
  }
  const [tree] = vesselTrees3d({ dims: DIMS, data }, geometry, [1]);
  assert.equal(tree.branches, 1);
  near(tree.centrelineLengthMm, curveLength(curve, SPACING).arc, 0.03, 'length');
  near(tree.tortuosity, 1, 0.01, 'arc/chord');
});

test('a T of two tubes: three branches, and the length of both centrelines within 3 %', () => {
  const across: Curve = (t) => [20 + 160 * t, 40, 12];
  const down: Curve = (t) => [100, 40 + 60 * t, 12];
  const data = tubeLabels(DIMS, across, 3, 2);
  tubeLabels(DIMS, down, 3, 2).forEach((v, n) => v && (data[n] = 1));
  const [tree] = vesselTrees3d({ dims: DIMS, data }, geometry, [1]);
  assert.equal(tree.branches, 3);
  const truth = curveLength(across, SPACING).arc + curveLength(down, SPACING).arc;
  near(tree.centrelineLengthMm, truth, 0.03, 'length');
});

test('non-square pixels: lengths are in mm along each axis (0.01 × 0.02 mm pixels)', () => {
  const spacing: [number, number, number] = [0.01, 0.02, 0.003];
  const tall = planeGeometry({ dims: DIMS, spacingMm: spacing }, 2);
  const oblique: Curve = (t) => [20 + 150 * t, 20 + 80 * t, 12];
  const [tree] = vesselTrees3d({ dims: DIMS, data: tubeLabels(DIMS, oblique, 3, 2) }, tall, [1]);
  const truth = curveLength(oblique, spacing).arc;
  near(tree.centrelineLengthMm, truth, 0.03, 'length');
  // Read as square pixels the same tube would be much shorter: the sizes were used.
  assert.ok(curveLength(oblique, SPACING).arc < 0.8 * truth);
});
