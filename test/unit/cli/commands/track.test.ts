/**
 * `sam-octa2 track` in-process: a synthetic volume, the parity bundle, two objects; the label
 * volume keeps the volume's dims and affine, the sidecar names objects and prompts, and the
 * labels equal what the core tracker gives for the same prompts. Bad input is a usage error
 * (exit 2) or a failure naming the bundle file (exit 1).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { folderSource, nodeRuntime, nodeSha256 } from '../../../../src/engine/ortNode';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { loadBundle } from '../../../../src/core/tracker/bundleSessions';
import { SamTracker } from '../../../../src/core/tracker/tracker';
import { volumeLayerSource } from '../../../../src/core/tracker/volumeLayers';
import { ensureParityBundle, loadVectors } from '../../../fixtures/parityVectors';
import { runCliCaptured } from '../../../support/runCliCaptured';

const bundleDir = ensureParityBundle(loadVectors().graphSha256);
const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-track-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const cli = runCliCaptured;

const volumePath = join(scratch, 'syn.nii.gz');
before(async () => {
  const made = await cli(
    'synth',
    '--size',
    '48x40x16',
    '--seed',
    '3',
    '--out',
    scratch,
    '--name',
    'syn',
  );
  assert.equal(made.code, 0, made.err);
});

test('track writes labels with the volume geometry and a sidecar; labels match the core tracker', async () => {
  const out = join(scratch, 'seg.nii.gz');
  const run = await cli(
    'track',
    volumePath,
    '--model',
    bundleDir,
    '--prompt',
    '7:20,10',
    '--prompt',
    '7:3,3:neg',
    '--object',
    'faz',
    '--kind',
    'faz',
    '--prompt',
    '9:24,20',
    '--prompt',
    '4:24,20',
    '--out',
    out,
  );
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /Tracked 2 object\(s\) over 16 layers/);
  const volume = readNifti(readFileSync(volumePath)).volume;
  const seg = readNifti(readFileSync(out)).volume;
  assert.deepEqual(seg.dims, volume.dims);
  assert.equal(seg.type, 'uint16');
  seg.affine.forEach((v, i) => assert.ok(Math.abs(v - volume.affine[i]) < 1e-5, `affine[${i}]`));
  const sidecar = JSON.parse(readFileSync(join(scratch, 'seg.json'), 'utf8'));
  assert.equal(sidecar.format, 'samocta2-segmentation');
  assert.deepEqual(
    sidecar.objects.map((o: { id: number; name: string; kind: string }) => [o.id, o.name, o.kind]),
    [
      [1, 'object-1', 'vessel'],
      [2, 'faz', 'faz'],
    ],
  );
  assert.deepEqual(
    sidecar.objects[1].prompts.map((p: { layer: number }) => p.layer),
    [4, 9],
  );
  assert.deepEqual(sidecar.objects[0].prompts[0].points[1], { x: 3, y: 3, positive: false });

  // Object 2 alone through the core tracker: where the CLI wrote label 2, the tracker's mask is set.
  const bundle = await loadBundle(folderSource(bundleDir), await nodeRuntime(), nodeSha256);
  try {
    const tracker = new SamTracker(bundle, volumeLayerSource(volume, 2));
    const result = await tracker.track([
      { layer: 4, points: [{ x: 24, y: 20, positive: true }] },
      { layer: 9, points: [{ x: 24, y: 20, positive: true }] },
    ]);
    const plane = volume.dims[0] * volume.dims[1];
    for (let layer = 0; layer < volume.dims[2]; layer++) {
      const mask = result.frames.get(layer)!.mask;
      for (let i = 0; i < plane; i++) {
        const label = seg.data[layer * plane + i];
        if (label === 2) assert.equal(mask[i], 1, `layer ${layer} pixel ${i}`);
        if (mask[i] === 1) assert.equal(label, 2, `layer ${layer} pixel ${i}: later object wins`);
      }
    }
  } finally {
    await bundle.release();
  }
});

test('bad prompts and options are usage errors (exit 2) that say what is expected', async () => {
  const out = join(scratch, 'bad.nii.gz');
  const cases: [string[], RegExp][] = [
    [['--prompt', '7:20'], /--prompt must look like LAYER:X,Y/],
    [['--prompt', '99:1,1'], /the volume has layers 0–15/],
    [['--prompt', '1:1,1', '--kind', 'artery'], /--kind must be vessel or faz/],
    [['--object', 'a'], /Every object needs at least one --prompt/],
    [['--prompt', '1:1,1', '--frobnicate', 'x'], /Unknown option '--frobnicate'/],
  ];
  for (const [extra, message] of cases) {
    const run = await cli('track', volumePath, '--model', bundleDir, '--out', out, ...extra);
    assert.equal(run.code, 2, `${extra.join(' ')}: ${run.err}`);
    assert.match(run.err, message);
  }
  const noOut = await cli(
    'track',
    volumePath,
    '--model',
    bundleDir,
    '--prompt',
    '1:1,1',
    '--out',
    join(scratch, 'x.png'),
  );
  assert.equal(noOut.code, 2);
  assert.match(noOut.err, /must end in \.nii\.gz or \.nii/);
});

test('a damaged bundle fails with the file named, and nothing is written', async () => {
  const damaged = join(scratch, 'damaged-bundle');
  cpSync(bundleDir, damaged, { recursive: true });
  writeFileSync(join(damaged, 'memory_attention.onnx'), 'not a graph');
  const out = join(scratch, 'never.nii.gz');
  const run = await cli(
    'track',
    volumePath,
    '--model',
    damaged,
    '--prompt',
    '7:20,10',
    '--out',
    out,
  );
  assert.equal(run.code, 1);
  assert.match(run.err, /memory_attention\.onnx: sha256 [0-9a-f]+ differs/);
  assert.throws(() => readFileSync(out), /ENOENT/);
});

test('clicks outside the layer are ignored with a notice; a layer left without points is not prompted', async () => {
  const out = join(scratch, 'outside.nii.gz');
  const run = await cli(
    'track',
    volumePath,
    '--model',
    bundleDir,
    '--prompt',
    '7:20,10',
    '--prompt',
    '3:500,2',
    '--out',
    out,
  );
  assert.equal(run.code, 0, run.err);
  assert.match(run.err, /Ignoring --prompt 3:500,2: outside the 48x40 layer/);
});
