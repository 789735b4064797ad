/**
 * One volume's measures end to end on a small hand-made segmentation: what each part holds, the
 * rows and CSV made of them, and bad input (empty labels, a FAZ on the field edge, a label that
 * is both FAZ and vessel, a range outside the volume, labels of another shape): a stated value or
 * a clear message, and never a NaN anywhere in the result.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable } from '../../../../src/core/measure/delimitedText';
import { MeasureError } from '../../../../src/core/measure/measureError';
import { MEASURE_COLUMNS, measureRows } from '../../../../src/core/measure/measureRows';
import { measureVolume, type MeasureRequest } from '../../../../src/core/measure/measureVolume';
import { planeGeometry } from '../../../../src/core/measure/planeGeometry';
import { ellipseMask, tubeLabels } from '../../../fixtures/measureShapes';

const DIMS: [number, number, number] = [150, 150, 10];
const geometry = planeGeometry({ dims: DIMS, spacingMm: [0.02, 0.02, 0.003] }, 2);
const FAZ = 3;

/** A vessel (label 1) on layers 2–6 and a FAZ disc (label 3) of radius 15 px on layers 3–7. */
function segmentation(fazCentre: [number, number] = [75, 75]): Uint16Array {
  const data = tubeLabels(DIMS, (t) => [10 + 130 * t, 30, 4], 3, 2, 1);
  const disc = ellipseMask(150, 150, 15, 15, fazCentre);
  for (let k = 3; k <= 7; k++) {
    disc.forEach((v, p) => {
      if (v) data[p + 150 * 150 * k] = FAZ;
    });
  }
  return data;
}

function request(overrides: Partial<MeasureRequest> = {}): MeasureRequest {
  return {
    geometry,
    labels: { dims: DIMS, data: segmentation() },
    faz: FAZ,
    vessels: [1],
    ...overrides,
  };
}

/** Every number in a result, however deep: none may be NaN or infinite. */
function assertAllFinite(value: unknown, path = 'result'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, n) => assertAllFinite(v, `${path}[${n}]`));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) assertAllFinite(v, `${path}.${key}`);
  }
}

test('FAZ, vessel densities, sectors and the vessel in 3D, every layer of the range', () => {
  const m = measureVolume(request());
  assert.deepEqual(m.range, [0, 9]);
  assert.equal(m.faz!.layers.length, 10);
  assert.deepEqual(m.faz!.depth.layers, [3, 7]);
  assert.ok(Math.abs(m.faz!.depth.extentUm - 15) < 1e-9);
  assert.equal(m.faz!.layers[0].shape.areaMm2, 0);
  assert.ok(m.faz!.layers[5].shape.areaMm2 > 0.2);
  assert.equal(m.grid.centredOn, 'faz-centroid');
  assert.ok(Math.abs(m.grid.centreMm[0] - 1.5) < 1e-9 && Math.abs(m.grid.centreMm[1] - 1.5) < 1e-9);
  assert.deepEqual(
    m.vessels!.projection.map((r) => r.region),
    ['field', 'centre', 'inner-top', 'inner-right', 'inner-bottom', 'inner-left'],
  );
  assert.equal(m.vessels!.layers.length, 10);
  assert.equal(m.trees.length, 1);
  assert.deepEqual(m.trees[0].layers, [2, 6]);
  assertAllFinite(m);
});

test('the rows: one per FAZ projection, layer and depth; per sector of projection and layers; per vessel', () => {
  const m = measureVolume(request({ range: [2, 5] }));
  const rows = measureRows('scan.nii.gz', m, geometry, new Map([[1, 'artery "A", upper']]));
  const count = (level: string) => rows.filter((r) => r.level === level).length;
  assert.equal(count('faz-projection'), 1);
  assert.equal(count('faz-layer'), 4);
  assert.equal(count('faz-3d'), 1);
  assert.equal(count('vessels-projection'), 6);
  assert.equal(count('vessels-layer'), 4 * 6);
  assert.equal(count('vessel-3d'), 1);
  const vessel = rows.find((r) => r.level === 'vessel-3d')!;
  assert.equal(vessel.object, 'artery "A", upper');
  assert.equal(rows.find((r) => r.level === 'faz-projection')!.object, 'label 3');
  assert.equal(rows.find((r) => r.level === 'faz-layer')!.depth_um, 6);
  const csv = formatTable(MEASURE_COLUMNS, rows);
  const [header, ...lines] = csv.trimEnd().split('\n');
  assert.match(
    header,
    /^volume,level,object,label,.*area_mm2,perimeter_mm,circularity,.*vsd_mm_per_mm2,vdi_um,.*length_mm,/,
  );
  assert.equal(lines.length, rows.length);
  assert.ok(csv.includes('"artery ""A"", upper"'), 'a name with quotes and a comma is quoted');
  assert.ok(!/NaN|Infinity|undefined/.test(csv));
});

test('empty labels: zero areas, null shape ratios, notices — no NaN', () => {
  const empty = new Uint16Array(DIMS[0] * DIMS[1] * DIMS[2]);
  const m = measureVolume(request({ labels: { dims: DIMS, data: empty } }));
  assert.equal(m.faz!.projection.areaMm2, 0);
  assert.equal(m.faz!.projection.circularity, null);
  assert.deepEqual(m.faz!.depth, { layers: null, extentUm: 0 });
  assert.equal(m.grid.centredOn, 'field-centre');
  assert.equal(m.vessels!.projection[0].vadPercent, 0);
  assert.match(m.notices.join('\n'), /FAZ \(label 3\) is empty/);
  assert.match(m.notices.join('\n'), /Vessel label\(s\) 1 hold no voxels/);
  assert.match(m.notices.join('\n'), /centred on the middle of the field/);
  assertAllFinite(m);
});

test('no FAZ and no vessels asked for: those parts are null and the notices say so', () => {
  const m = measureVolume(request({ faz: undefined, vessels: [] }));
  assert.equal(m.faz, null);
  assert.equal(m.vessels, null);
  assert.match(m.notices.join('\n'), /No FAZ label/);
  assert.match(m.notices.join('\n'), /No vessel labels/);
});

test('a FAZ on the field edge is measured as the part inside, with a notice', () => {
  const m = measureVolume(request({ labels: { dims: DIMS, data: segmentation([5, 75]) } }));
  assert.equal(m.faz!.projection.touchesEdge, true);
  assert.match(m.notices.join('\n'), /touches the edge of the field/);
});

test('bad requests: clear errors', () => {
  assert.throws(
    () => measureVolume(request({ vessels: [1, FAZ] })),
    /cannot be both the FAZ and a vessel/,
  );
  assert.throws(
    () => measureVolume(request({ range: [5, 12] })),
    /Depth range 5–12 is not within the volume's layers 0–9/,
  );
  assert.throws(() => measureVolume(request({ range: [6, 2] })), MeasureError);
  assert.throws(
    () =>
      measureVolume(
        request({ labels: { dims: [150, 150, 9], data: new Uint16Array(150 * 150 * 9) } }),
      ),
    /do not fit the measured volume/,
  );
  assert.throws(() => measureVolume(request({ vessels: [0] })), /not an object label/);
});
