/**
 * The one formatter of measures (CLI and editor export): CSV and TSV carry the same rows with
 * units in the column names and objects named from the sidecar; JSON carries the model and
 * prompts; the FAZ/vessel choice by kind refuses two FAZ objects.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeasureError } from '../../../../src/core/measure/measureError';
import {
  formatMeasures,
  measuredVolumeRows,
  measuresFormatOf,
  measuresReport,
} from '../../../../src/core/measure/measureExport';
import { labelsByKind, measureSegmentedVolume } from '../../../../src/core/measure/measureReport';
import { ellipseMask, tubeLabels } from '../../../fixtures/measureShapes';

const DIMS: [number, number, number] = [96, 96, 6];
const PIXEL = 3 / 96;

function measured() {
  const labels = tubeLabels(DIMS, (t) => [5 + 85 * t, 20, 2], 2, 1.5, 1);
  const disc = ellipseMask(96, 96, 12, 12, [48, 50]);
  for (let k = 1; k <= 3; k++) disc.forEach((v, p) => v && (labels[p + 96 * 96 * k] = 2));
  return measureSegmentedVolume({
    volume: 'scan.nii.gz',
    segmentation: 'scan.seg.nii.gz',
    source: { dims: DIMS, spacingMm: [PIXEL, PIXEL, 0.002] },
    labels: { dims: DIMS, data: labels },
    axis: 2,
    model: 'samocta2-nano',
    objects: [
      {
        id: 1,
        name: 'Artery',
        kind: 'vessel',
        prompts: [{ layer: 2, points: [{ x: 40, y: 20, positive: true }] }],
      },
      { id: 2, name: 'FAZ', kind: 'faz', prompts: [] },
    ],
    faz: 2,
    vessels: [1],
  });
}

test('CSV and TSV: the same rows, units in the header, objects by name', () => {
  const volume = measured();
  const report = measuresReport([volume]);
  const csv = formatMeasures(report, 'csv').trimEnd().split('\n');
  const tsv = formatMeasures(report, 'tsv').trimEnd().split('\n');
  const header = csv[0]!.split(',');
  for (const column of ['area_mm2', 'perimeter_mm', 'vad_pct', 'vsd_mm_per_mm2', 'length_mm'])
    assert.ok(header.includes(column), column);
  assert.deepEqual(tsv[0]!.split('\t'), header);
  assert.equal(csv.length, tsv.length);
  assert.equal(csv.length - 1, measuredVolumeRows(volume).length);
  const level = header.indexOf('level');
  const object = header.indexOf('object');
  const area = header.indexOf('area_mm2');
  const faz = csv.map((l) => l.split(',')).find((c) => c[level] === 'faz-projection')!;
  assert.equal(faz[object], 'FAZ');
  const expected = volume.measures.faz!.projection.areaMm2;
  assert.ok(Math.abs(Number(faz[area]) / expected - 1) < 1e-5, `${faz[area]} vs ${expected}`);
  const tube = csv.map((l) => l.split(',')).find((c) => c[level] === 'vessel-3d')!;
  assert.equal(tube[object], 'Artery');
});

test('JSON: the report with the model, the prompts and the geometry', () => {
  const report = JSON.parse(formatMeasures(measuresReport([measured()]), 'json'));
  assert.equal(report.format, 'samocta2-measures');
  assert.equal(report.volumes[0].model, 'samocta2-nano');
  assert.deepEqual(report.volumes[0].objects[0].prompts[0].points[0], {
    x: 40,
    y: 20,
    positive: true,
  });
  assert.ok(Math.abs(report.volumes[0].geometry.pixelMm[0] - PIXEL) < 1e-12);
  assert.deepEqual(report.failures, []);
});

test('labels by kind: one FAZ and the vessels; two FAZ objects are refused by id', () => {
  assert.deepEqual(
    labelsByKind([
      { id: 1, kind: 'vessel' },
      { id: 3, kind: 'faz' },
      { id: 4, kind: 'vessel' },
    ]),
    { faz: 3, vessels: [1, 4] },
  );
  assert.deepEqual(labelsByKind([{ id: 2, kind: 'vessel' }]), { faz: undefined, vessels: [2] });
  assert.throws(
    () =>
      labelsByKind([
        { id: 1, kind: 'faz' },
        { id: 5, kind: 'faz' },
      ]),
    (e: unknown) => e instanceof MeasureError && /\(1, 5\)/.test(e.message),
  );
});

test('the format a file name asks for', () => {
  assert.equal(measuresFormatOf('a/b.CSV'), 'csv');
  assert.equal(measuresFormatOf('b.json'), 'json');
  assert.equal(measuresFormatOf('b.txt'), null);
});
