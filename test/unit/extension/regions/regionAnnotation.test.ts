import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paintDisk } from '../../../../src/core/labels/brush';
import { createLabelVolume } from '../../../../src/core/labels/labelVolume';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import type { Volume } from '../../../../src/core/volume/volume';
import { RegionAnnotation, RegionError } from '../../../../src/extension/regions/regionAnnotation';
import {
  decodeRegionBackup,
  encodeRegionBackup,
} from '../../../../src/extension/regions/regionBackup';
import {
  decodeRegions,
  encodeRegions,
  regionFileNames,
} from '../../../../src/extension/regions/regionFiles';

// 5 columns (i) × 4 rows (j) × 3 layers (k).
const DIMS: [number, number, number] = [5, 4, 3];
const COUNT = 60;
const GEOMETRY = {
  dims: DIMS,
  spacingMm: [1, 2, 3] as [number, number, number],
  affine: [1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1],
};
const NAMES = regionFileNames('eye.nii.gz');

/** A stroke as the webview sends it: a disk on layer `layer` along k, on a scratch volume. */
function stroke(layer: number, x: number, y: number, radius: number, label = 1) {
  const scratch = createLabelVolume(DIMS);
  const edit = paintDisk(scratch, 2, layer, x, y, radius, label);
  assert.ok(edit);
  return edit;
}

function inside(regions: RegionAnnotation): number[] {
  const data = regions.labelVolume?.data ?? new Uint16Array(COUNT);
  return [...data.keys()].filter((n) => data[n] !== 0);
}

test('regionFileNames puts .regions beside the volume stem', () => {
  assert.deepEqual(regionFileNames('scan.nii.gz'), {
    nifti: 'scan.regions.nii.gz',
    sidecar: 'scan.regions.json',
  });
  assert.equal(regionFileNames('a.b.NII').nifti, 'a.b.regions.nii.gz');
});

test('a stroke sets voxels on its layer only, marks it annotated, and undoes and redoes', () => {
  const regions = new RegionAnnotation(DIMS, 2);
  assert.ok(regions.isEmpty);
  const change = regions.fromEdit('Paint region on layer 1', stroke(1, 2, 1, 1));
  assert.deepEqual(regions.annotatedLayers, [1]);
  const voxels = inside(regions);
  assert.deepEqual(voxels, [22, 26, 27, 28, 32]);
  assert.ok(
    voxels.every((n) => Math.floor(n / 20) === 1),
    'layer 1 only',
  );
  assert.deepEqual([...regions.layerMask(1)].map(Number).join(''), '00100011100010000000');

  regions.apply(change, 'undo');
  assert.deepEqual(inside(regions), []);
  assert.deepEqual(regions.annotatedLayers, []);
  assert.ok(regions.isEmpty);
  regions.apply(change, 'redo');
  assert.deepEqual(inside(regions), voxels);
  assert.deepEqual(regions.annotatedLayers, [1]);
});

test('markAnnotated and setLayer are undoable; no-ops return null', () => {
  const regions = new RegionAnnotation(DIMS, 2);
  const mark = regions.markAnnotated(2, true);
  assert.ok(mark);
  assert.equal(regions.markAnnotated(2, true), null);
  assert.deepEqual(regions.annotatedLayers, [2]);
  const mask = new Uint8Array(20);
  mask[0] = mask[19] = 1;
  const set = regions.setLayer(0, mask);
  assert.ok(set);
  assert.equal(set.label, 'Set region of layer 0');
  assert.deepEqual(regions.annotatedLayers, [0, 2]);
  assert.deepEqual(inside(regions), [0, 19]);
  assert.equal(regions.setLayer(0, mask), null);
  // An empty mask is a negative example: clears the layer, keeps it annotated.
  const cleared = regions.setLayer(0, new Uint8Array(20));
  assert.ok(cleared);
  assert.deepEqual(inside(regions), []);
  assert.deepEqual(regions.annotatedLayers, [0, 2]);
  regions.apply(cleared, 'undo');
  regions.apply(set, 'undo');
  regions.apply(mark, 'undo');
  assert.deepEqual(inside(regions), []);
  assert.deepEqual(regions.annotatedLayers, []);
  const unmark = regions.markAnnotated(1, false);
  assert.equal(unmark, null);
});

test('an edit along another axis is refused while layers are annotated, else adopted', () => {
  const regions = new RegionAnnotation(DIMS, 2);
  const scratch = createLabelVolume(DIMS);
  const alongI = paintDisk(scratch, 0, 3, 1, 1, 0, 1)!;
  regions.fromEdit('i', alongI);
  assert.equal(regions.axis, 0);
  assert.deepEqual(regions.annotatedLayers, [3]);
  assert.throws(() => regions.fromEdit('k', stroke(0, 0, 0, 0)), /run along axis i.*along k/);
  assert.throws(
    () => regions.fromEdit('bad', stroke(0, 0, 0, 0, 7)),
    (e: unknown) => e instanceof RegionError && /0 or 1 only/.test((e as Error).message),
  );
  assert.throws(() => regions.markAnnotated(9, true), /outside/);
});

test('files round trip: uint8 region volume with the affine, sidecar with axis, layers, extras', () => {
  const regions = new RegionAnnotation(DIMS, 2);
  regions.fromEdit('p', stroke(2, 4, 3, 1));
  regions.markAnnotated(0, true);
  const files = encodeRegions(regions, GEOMETRY, { sampleSeed: 7, format: 'ignored' });
  const nifti = readNifti(files.nifti).volume;
  assert.equal(nifti.type, 'uint8');
  assert.deepEqual(nifti.dims, DIMS);
  assert.deepEqual(nifti.affine, GEOMETRY.affine);
  assert.deepEqual(
    [...nifti.data.keys()].filter((n) => nifti.data[n] !== 0),
    inside(regions),
  );
  const sidecar = JSON.parse(new TextDecoder().decode(files.sidecar));
  assert.deepEqual(sidecar, {
    sampleSeed: 7,
    format: 'samocta2.sparse-regions',
    version: 1,
    axis: 'k',
    layers: [0, 2],
  });
  const back = decodeRegions(files.nifti, files.sidecar, GEOMETRY, NAMES);
  assert.deepEqual(inside(back.regions), inside(regions));
  assert.deepEqual(back.regions.annotatedLayers, [0, 2]);
  assert.equal(back.regions.axis, 2);
  assert.deepEqual(back.extras, { sampleSeed: 7 });
});

test('files written elsewhere: any non-zero is inside, the axis defaults to k', () => {
  const data = new Uint16Array(COUNT);
  data[3] = 255;
  data[45] = 2;
  const volume: Volume = { ...GEOMETRY, type: 'uint16', data };
  const nifti = writeNifti(volume, { gzip: true });
  const sidecar = new TextEncoder().encode('{"layers": [2, 0, 2]}');
  const { regions } = decodeRegions(nifti, sidecar, GEOMETRY, NAMES);
  assert.deepEqual(inside(regions), [3, 45]);
  assert.equal(regions.labelVolume!.data[3], 1);
  assert.equal(regions.axis, 2);
  assert.deepEqual(regions.annotatedLayers, [0, 2]);
  const auto = decodeRegions(
    undefined,
    new TextEncoder().encode('{"axis":"j","layers":[3]}'),
    GEOMETRY,
    NAMES,
  );
  assert.equal(auto.regions.axis, 1);
  assert.deepEqual(inside(auto.regions), []);
});

for (const [what, nifti, sidecar, pattern] of [
  [
    'other dims',
    writeNifti({ ...GEOMETRY, dims: [3, 4, 5], type: 'uint8', data: new Uint8Array(60) }),
    undefined,
    /has dims 3×4×5, the volume 5×4×3/,
  ],
  ['not NIfTI', new TextEncoder().encode('x'.repeat(400)), undefined, /not a readable NIfTI/],
  [
    'fractional labels',
    writeNifti({ ...GEOMETRY, type: 'float32', data: new Float32Array(60).fill(0.5) }),
    undefined,
    /not a label volume/,
  ],
  ['bad JSON', undefined, '{layers', /eye\.regions\.json: not valid JSON/],
  ['a foreign format', undefined, '{"format":"other","layers":[]}', /format is "other"/],
  ['a newer version', undefined, '{"version":2,"layers":[]}', /version 2 is newer/],
  ['a layer out of range', undefined, '{"layers":[3]}', /layer 3 is outside 0\.\.2/],
  ['no layer list', undefined, '{"axis":"k"}', /"layers" must be a list/],
  ['a bad axis', undefined, '{"axis":"z","layers":[]}', /axis is "z"/],
] as const) {
  test(`decodeRegions refuses ${what} with a message saying what is expected`, () => {
    const bytes = sidecar === undefined ? undefined : new TextEncoder().encode(sidecar);
    assert.throws(
      () => decodeRegions(nifti, bytes, GEOMETRY, NAMES),
      (e: unknown) => e instanceof RegionError && pattern.test((e as Error).message),
    );
  });
}

test('a backup restores voxels, layers, axis and extras; a foreign one is refused', () => {
  const regions = new RegionAnnotation(DIMS, 2);
  regions.fromEdit('p', stroke(1, 0, 0, 2));
  regions.markAnnotated(2, true);
  // Through JSON, as the document's backup file holds it.
  const content: unknown = JSON.parse(
    JSON.stringify(encodeRegionBackup(regions, { threshold: 0.01 })),
  );
  const back = decodeRegionBackup(content, DIMS);
  assert.deepEqual(inside(back.regions), inside(regions));
  assert.deepEqual(back.regions.annotatedLayers, [1, 2]);
  assert.deepEqual(back.extras, { threshold: 0.01 });
  const empty = decodeRegionBackup(encodeRegionBackup(new RegionAnnotation(DIMS, 1), {}), DIMS);
  assert.ok(empty.regions.isEmpty);
  assert.equal(empty.regions.axis, 1);
  assert.throws(() => decodeRegionBackup(content, [5, 4, 4]), /other dims/);
  assert.throws(() => decodeRegionBackup({ format: 'x' }, DIMS), /not a/);
});
