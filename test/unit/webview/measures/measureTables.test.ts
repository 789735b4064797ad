/**
 * The Measures panel's pure parts (src/webview/measures): which export rows each table shows and
 * with which columns, the series of a measure against depth and its plot lines, and the label
 * volume built from the tracked objects' per-layer masks along any depth axis.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measuredVolumeRows } from '../../../../src/core/measure/measureExport';
import { measureSegmentedVolume } from '../../../../src/core/measure/measureReport';
import type { Axis } from '../../../../src/core/volume/volume';
import {
  DEPTH_MEASURES,
  depthSeries,
  panelTables,
  plotLines,
} from '../../../../src/webview/measures/measureTables';
import { objectLabelVolume } from '../../../../src/webview/measures/objectLabels';
import type { TrackedObject } from '../../../../src/webview/tracking/trackedObjects';
import { ellipseMask, tubeLabels } from '../../../fixtures/measureShapes';

const DIMS: [number, number, number] = [64, 64, 6];

function rows() {
  const labels = tubeLabels(DIMS, (t) => [4 + 56 * t, 12, 1], 2, 1.5, 1);
  const disc = ellipseMask(64, 64, 9, 9, [32, 34]);
  for (let k = 2; k <= 4; k++) disc.forEach((v, p) => v && (labels[p + 64 * 64 * k] = 2));
  const measured = measureSegmentedVolume({
    volume: 'v.nii.gz',
    segmentation: 'v.seg.nii.gz',
    source: { dims: DIMS, spacingMm: [3 / 64, 3 / 64, 0.003] },
    labels: { dims: DIMS, data: labels },
    axis: 2,
    model: null,
    objects: null,
    faz: 2,
    vessels: [1],
  });
  return { measured, rows: measuredVolumeRows(measured) };
}

test("each table holds its level's rows of the shown layer, and only columns with a value", () => {
  const { measured, rows: all } = rows();
  const tables = panelTables(all, 3);
  assert.deepEqual(
    tables.layer.map((t) => t.level),
    ['faz-layer', 'vessels-layer'],
  );
  const faz = tables.layer[0]!;
  assert.equal(faz.rows.length, 1);
  assert.equal(faz.rows[0]!.layer_from, 3);
  assert.ok(faz.columns.includes('area_mm2') && faz.columns.includes('circularity'));
  for (const absent of ['vad_pct', 'length_mm', 'layer_from', 'volume', 'level'] as const)
    assert.ok(!faz.columns.includes(absent), absent);
  const vessels = tables.layer[1]!;
  assert.deepEqual(
    vessels.rows.map((r) => r.sector),
    ['field', ...measured.measures.grid.sectors.map((s) => s.name)],
  );
  assert.deepEqual(
    tables.range.map((t) => t.level),
    ['faz-projection', 'faz-3d', 'vessels-projection'],
  );
  const depth = tables.range[1]!;
  assert.deepEqual(depth.columns, ['object', 'layer_from', 'layer_to', 'depth_extent_um']);
  assert.deepEqual(
    tables.objects.map((t) => [t.level, t.rows.length]),
    [['vessel-3d', 1]],
  );
  // A layer outside the range has no layer rows.
  assert.deepEqual(panelTables(all, 99).layer, []);
});

test('a measure against depth: one point per layer, null where it does not apply', () => {
  const { measured, rows: all } = rows();
  const area = depthSeries(
    all,
    DEPTH_MEASURES.find((m) => m.id === 'faz-area')!,
  );
  assert.deepEqual(
    area.map((p) => p.layer),
    [0, 1, 2, 3, 4, 5],
  );
  assert.equal(area[0]!.value, 0);
  assert.equal(area[3]!.value, measured.measures.faz!.layers[3]!.shape.areaMm2);
  const vdi = depthSeries(
    all,
    DEPTH_MEASURES.find((m) => m.id === 'vdi')!,
  );
  assert.equal(vdi.length, 6, 'whole-field rows only, not one per sector');
  assert.equal(vdi[5]!.value, null, 'no vessel on layer 5: no diameter index');
  assert.ok(vdi[1]!.value! > 0);
});

test('plot lines: y up, gaps break the line, the current layer marked', () => {
  const points = [
    { layer: 10, depthUm: 0, value: 0 },
    { layer: 11, depthUm: 0, value: 2 },
    { layer: 12, depthUm: 0, value: null },
    { layer: 13, depthUm: 0, value: 1 },
    { layer: 14, depthUm: 0, value: 1 },
  ];
  const lines = plotLines(points, 40, 20, 12)!;
  assert.equal(lines.path, 'M0 20 L10 0 M30 10 L40 10');
  assert.equal(lines.dots.length, 4);
  assert.deepEqual(lines.yRange, [0, 2]);
  assert.deepEqual(lines.xRange, [10, 14]);
  assert.equal(lines.markerX, 20);
  assert.equal(plotLines(points, 40, 20, 3)!.markerX, null);
  assert.equal(plotLines([{ layer: 0, depthUm: 0, value: null }], 40, 20, 0), null);
});

test('the label volume from per-layer masks puts each pixel where the layer view shows it', () => {
  const dims: [number, number, number] = [5, 4, 3];
  for (const axis of [0, 1, 2] as Axis[]) {
    // Layers along `axis`; a layer's pixel (x, y) runs along the other two axes in order.
    const [a, b] = ([0, 1, 2] as const).filter((d) => d !== axis);
    const width = dims[a];
    const height = dims[b];
    const mask = new Uint8Array(width * height);
    mask[1 + width * 2] = 1;
    const object: TrackedObject = {
      id: 7,
      name: 'o',
      kind: 'vessel',
      color: '#fff',
      axis,
      prompts: [],
      masks: new Map([[1, mask]]),
    };
    const data = objectLabelVolume([object], { dims, axis });
    const ijk = [0, 0, 0];
    ijk[axis] = 1;
    ijk[a] = 1;
    ijk[b] = 2;
    const at = ijk[0]! + dims[0] * (ijk[1]! + dims[1] * ijk[2]!);
    assert.equal(data[at], 7, `axis ${axis}`);
    assert.equal(
      data.reduce((n, v) => n + (v ? 1 : 0), 0),
      1,
    );
  }
});
