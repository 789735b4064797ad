/**
 * `sam-octa2 measure` in-process on small volumes the test writes: a volume with its
 * `.seg.nii.gz` and sidecar (CSV with units in the header, JSON with the model and prompts), a
 * folder as a cohort, explicit labels without a sidecar, and the errors a user can make.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../../../src/cli/cli';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import { segmentationSidecar } from '../../../../src/core/tracker/segmentationSidecar';
import type { Volume } from '../../../../src/core/volume/volume';
import { makeNifti } from '../../../fixtures/makeNifti';
import { ellipseMask, tubeLabels } from '../../../fixtures/measureShapes';
import { runCliCaptured, type CliRun } from '../../../support/runCliCaptured';

const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-measure-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const DIMS: [number, number, number] = [96, 96, 8];
const PIXEL = 3 / 96;

const cli = (...argv: string[]): Promise<CliRun> => runCliCaptured('measure', ...argv);

function volumeOf(type: 'uint8' | 'uint16', data: Uint8Array | Uint16Array, dims = DIMS): Volume {
  return {
    dims,
    spacingMm: [PIXEL, PIXEL, 0.003],
    affine: [PIXEL, 0, 0, 0, 0, PIXEL, 0, 0, 0, 0, 0.003, 0, 0, 0, 0, 1],
    type,
    data,
  };
}

/** DIR/NAME.nii.gz, DIR/NAME.seg.nii.gz (vessel 1, FAZ 2 of radius `fazPx`) and, optionally, its sidecar. */
function writeCase(dir: string, name: string, fazPx: number, sidecar = true): void {
  mkdirSync(dir, { recursive: true });
  const voxels = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]).fill(40);
  writeFileSync(join(dir, `${name}.nii.gz`), writeNifti(volumeOf('uint8', voxels), { gzip: true }));
  const labels = tubeLabels(DIMS, (t) => [5 + 85 * t, 20, 3], 2, 1.5, 1);
  const disc = ellipseMask(96, 96, fazPx, fazPx, [48, 50]);
  for (let k = 2; k <= 5; k++) disc.forEach((v, p) => v && (labels[p + 96 * 96 * k] = 2));
  writeFileSync(
    join(dir, `${name}.seg.nii.gz`),
    writeNifti(volumeOf('uint16', labels), { gzip: true, intent: 'label' }),
  );
  if (!sidecar) return;
  const content = segmentationSidecar({
    volume: `${name}.nii.gz`,
    model: 'sam2-nano-octa',
    axis: 2,
    objects: [
      {
        id: 1,
        name: 'upper artery',
        kind: 'vessel',
        prompts: [{ layer: 3, points: [{ x: 40, y: 20, positive: true }] }],
      },
      {
        id: 2,
        name: 'FAZ',
        kind: 'faz',
        prompts: [{ layer: 4, points: [{ x: 48, y: 50, positive: true }] }],
      },
    ],
  });
  writeFileSync(join(dir, `${name}.seg.json`), JSON.stringify(content));
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header.split(',');
  return lines.map((line) =>
    Object.fromEntries(line.split(',').map((cell, n) => [columns[n], cell])),
  );
}

test('a volume with its .seg.nii.gz and sidecar: a CSV with units in the header, one row per level', async () => {
  const dir = join(scratch, 'one');
  writeCase(dir, 'eye', 12);
  const out = join(dir, 'measures.csv');
  const r = await cli(join(dir, 'eye.nii.gz'), '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /eye\.nii\.gz, FAZ 0\.\d+ mm², VAD [\d.]+ %, 1 vessel\(s\)/);
  const csv = readFileSync(out, 'utf8');
  assert.match(
    csv.split('\n')[0],
    /area_mm2,perimeter_mm,circularity,acircularity,.*vad_pct,vsd_mm_per_mm2,vdi_um,fractal_dim/,
  );
  const rows = parseCsv(csv);
  const faz = rows.find((row) => row.level === 'faz-projection')!;
  assert.equal(faz.object, 'FAZ');
  const pixels = ellipseMask(96, 96, 12, 12, [48, 50]).reduce((n, v) => n + v, 0);
  assert.ok(Math.abs(Number(faz.area_mm2) - pixels * PIXEL * PIXEL) < 1e-5, faz.area_mm2);
  assert.ok(Math.abs(Number(faz.circularity) - 1) < 0.03, faz.circularity);
  assert.equal(rows.filter((row) => row.level === 'faz-layer').length, 8);
  assert.equal(rows.find((row) => row.level === 'faz-3d')!.depth_extent_um, '12');
  const vessel = rows.find((row) => row.level === 'vessel-3d')!;
  assert.equal(vessel.object, 'upper artery');
  assert.ok(Math.abs(Number(vessel.length_mm) / (85 * PIXEL) - 1) < 0.05, vessel.length_mm);
  assert.equal(rows.filter((row) => row.level === 'vessels-projection').length, 6);
});

test('JSON: the volume name, the model and prompts that made the masks, the geometry, the notices', async () => {
  const dir = join(scratch, 'json');
  writeCase(dir, 'eye', 10);
  const out = join(dir, 'measures.json');
  const r = await cli(join(dir, 'eye.nii.gz'), '--out', out, '--range', '1,6');
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.format, 'samocta2-measures');
  const [v] = report.volumes;
  assert.equal(v.volume, 'eye.nii.gz');
  assert.equal(v.segmentation, 'eye.seg.nii.gz');
  assert.equal(v.model, 'sam2-nano-octa');
  assert.deepEqual(v.objects[1].prompts, [
    { layer: 4, points: [{ x: 48, y: 50, positive: true }] },
  ]);
  assert.deepEqual(v.geometry.fieldMm, [3, 3]);
  assert.deepEqual(v.measures.range, [1, 6]);
  assert.equal(v.measures.faz.layers.length, 6);
  assert.ok(Array.isArray(v.measures.notices));
});

test('a folder is a cohort: every volume with a segmentation, the others named as skipped', async () => {
  const dir = join(scratch, 'cohort');
  writeCase(dir, 'a', 8);
  writeCase(dir, 'b', 14);
  writeFileSync(
    join(dir, 'lonely.nii.gz'),
    writeNifti(volumeOf('uint8', new Uint8Array(96 * 96 * 8)), { gzip: true }),
  );
  // A label file in the trainer's naming is not a volume to measure (nor to skip).
  writeFileSync(
    join(dir, 'a.faz.nii.gz'),
    writeNifti(volumeOf('uint8', new Uint8Array(96 * 96 * 8)), { gzip: true }),
  );
  const out = join(dir, 'cohort.csv');
  const r = await cli(dir, '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /Skipping lonely\.nii\.gz: no <name>\.seg\.nii\.gz beside it/);
  assert.doesNotMatch(r.err, /a\.faz\.nii\.gz/);
  assert.match(r.out, /Measured 2 volume\(s\)/);
  const fazRows = parseCsv(readFileSync(out, 'utf8')).filter(
    (row) => row.level === 'faz-projection',
  );
  assert.deepEqual(
    fazRows.map((row) => row.volume),
    ['a.nii.gz', 'b.nii.gz'],
  );
  assert.ok(Number(fazRows[0].area_mm2) < Number(fazRows[1].area_mm2));
});

test('a cohort with a broken segmentation: the others are measured, the failure is named, exit 1', async () => {
  const dir = join(scratch, 'broken');
  writeCase(dir, 'good', 10);
  writeCase(dir, 'bad', 10);
  writeFileSync(join(dir, 'bad.seg.nii.gz'), 'not a nifti file at all');
  const out = join(dir, 'cohort.json');
  const r = await cli(dir, '--out', out);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.nii\.gz: not measured: bad\.seg\.nii\.gz: /);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(
    report.volumes.map((v: { volume: string }) => v.volume),
    ['good.nii.gz'],
  );
  assert.equal(report.failures[0].volume, 'bad.nii.gz');
  assert.match(report.failures[0].error, /^bad\.seg\.nii\.gz: /);
});

test('no sidecar: --faz and --vessels name the labels; without them every label is a vessel', async () => {
  const dir = join(scratch, 'bare');
  writeCase(dir, 'eye', 10, false);
  const out = join(dir, 'm.csv');
  const chosen = await cli(
    join(dir, 'eye.nii.gz'),
    '--seg',
    join(dir, 'eye.seg.nii.gz'),
    '--faz',
    '2',
    '--vessels',
    '1',
    '--out',
    out,
  );
  assert.equal(chosen.code, 0, chosen.err);
  let rows = parseCsv(readFileSync(out, 'utf8'));
  assert.equal(rows.find((row) => row.level === 'faz-projection')!.object, 'label 2');
  const guessed = await cli(join(dir, 'eye.nii.gz'), '--out', out);
  assert.equal(guessed.code, 0, guessed.err);
  assert.match(guessed.err, /No FAZ label: FAZ measures were not made/);
  rows = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(
    rows.filter((row) => row.level === 'vessel-3d').map((row) => row.label),
    ['1', '2'],
  );
});

test('a volume with no affine and no voxel size: measured in the unit voxels assumed, and said so', async () => {
  const dir = join(scratch, 'noaffine');
  writeCase(dir, 'eye', 10);
  // No sform, no qform, pixdim 0 and no units: the reader assumes 1 mm voxels.
  const bare = makeNifti({
    dims3: DIMS,
    type: 'uint8',
    values: new Uint8Array(96 * 96 * 8),
    pixdim: [1, 0, 0, 0, 0, 0, 0, 0],
    xyztUnits: 0,
    gzip: true,
  });
  writeFileSync(join(dir, 'eye.nii.gz'), bare);
  const out = join(dir, 'm.json');
  const r = await cli(join(dir, 'eye.nii.gz'), '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /pixdim\[1\] is 0; a voxel size of 1 was assumed/);
  assert.match(r.err, /The en-face field is 96 × 96 mm, outside the 1–30 mm of OCTA scans/);
  const [v] = JSON.parse(readFileSync(out, 'utf8')).volumes;
  assert.deepEqual(v.geometry.pixelMm, [1, 1]);
  assert.ok(v.measures.notices.some((n: string) => /check the file's voxel size/.test(n)));
});

test('user errors: a clear message and exit 2; a broken input: exit 1 naming the file', async () => {
  const dir = join(scratch, 'errors');
  writeCase(dir, 'eye', 10);
  writeFileSync(
    join(dir, 'other.nii.gz'),
    writeNifti(volumeOf('uint8', new Uint8Array(96 * 96 * 8)), { gzip: true }),
  );
  const out = join(dir, 'm.csv');
  const noSeg = await cli(join(dir, 'other.nii.gz'), '--out', out);
  assert.equal(noSeg.code, 2);
  assert.match(
    noSeg.err,
    /no segmentation for .*other\.nii\.gz: .*other\.seg\.nii\.gz does not exist/,
  );
  const badOut = await cli(join(dir, 'eye.nii.gz'), '--out', join(dir, 'm.txt'));
  assert.equal(badOut.code, 2);
  assert.match(badOut.err, /must end in \.csv or \.json/);
  const folderSeg = await cli(dir, '--seg', join(dir, 'eye.seg.nii.gz'), '--out', out);
  assert.equal(folderSeg.code, 2);
  assert.match(folderSeg.err, /for a folder each volume uses its own/);
  const badLabel = await cli(join(dir, 'eye.nii.gz'), '--faz', 'zero', '--out', out);
  assert.equal(badLabel.code, 2);
  assert.match(badLabel.err, /--faz takes label values 1–65535/);
  const badRange = await cli(join(dir, 'eye.nii.gz'), '--range', '2,40', '--out', out);
  assert.equal(badRange.code, 1);
  assert.match(badRange.err, /Depth range 2–40 is not within the volume's layers 0–7/);
  // A segmentation of another volume's shape.
  const small: [number, number, number] = [96, 96, 4];
  writeFileSync(
    join(dir, 'other.seg.nii.gz'),
    writeNifti(volumeOf('uint16', new Uint16Array(96 * 96 * 4), small), { gzip: true }),
  );
  const wrongShape = await cli(join(dir, 'other.nii.gz'), '--out', out);
  assert.equal(wrongShape.code, 1);
  assert.match(wrongShape.err, /other\.seg\.nii\.gz has dims 96×96×4, the volume 96×96×8/);
  writeFileSync(join(dir, 'eye.seg.json'), '{"format": "something else"}');
  const badSidecar = await cli(join(dir, 'eye.nii.gz'), '--out', out);
  assert.equal(badSidecar.code, 1);
  assert.match(badSidecar.err, /eye\.seg\.json: format is "something else"/);
});

test('measure is listed by --help and has its own usage', async () => {
  let out = '';
  await runCli(['--help'], { stdout: (t) => (out += t), stderr: () => {} });
  assert.match(out, /measure\s+FAZ, vessel density/);
  const help = await cli('--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /sam-octa2 measure VOLUME\|FOLDER/);
});
