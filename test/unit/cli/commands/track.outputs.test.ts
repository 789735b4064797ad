/**
 * Issue #15, `track`'s outputs: an --out that is the input volume (also through a link) is
 * refused unless --force; an unusable output folder and a bad --range are one-line usage errors
 * before any tracking; the sidecar records the sha256 of the label file it was written with;
 * temporary files a killed run left are removed by the next run.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureParityBundle, loadVectors } from '../../../fixtures/parityVectors';
import { runCliCaptured } from '../../../support/runCliCaptured';

const bundleDir = ensureParityBundle(loadVectors().graphSha256);
const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-track-out-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const volumePath = join(scratch, 'syn.nii.gz');

const cli = runCliCaptured;

const track = (out: string, ...extra: string[]) =>
  cli('track', volumePath, '--model', bundleDir, '--prompt', '7:20,10', '--out', out, ...extra);

before(async () => {
  const made = await cli(
    'synth',
    '--size',
    '32x24x8',
    '--seed',
    '5',
    '--out',
    scratch,
    '--name',
    'syn',
  );
  assert.equal(made.code, 0, made.err);
});

test('--out naming the input volume is refused, directly or through a link; --force allows it', async () => {
  const original = readFileSync(volumePath);
  const link = join(scratch, 'link.nii.gz');
  symlinkSync(volumePath, link);
  for (const out of [volumePath, link, join(scratch, '.', 'syn.nii.gz')]) {
    const run = await track(out);
    assert.equal(run.code, 2, run.err);
    assert.match(run.err, /would replace the input volume .* pass --force to replace it/);
    assert.doesNotMatch(run.out, /Tracked/);
  }
  assert.deepEqual(readFileSync(volumePath), original);
  const copy = join(scratch, 'copy.nii.gz');
  copyFileSync(volumePath, copy);
  const forced = await cli(
    'track',
    copy,
    '--model',
    bundleDir,
    '--prompt',
    '7:20,10',
    '--out',
    copy,
    '--force',
  );
  assert.equal(forced.code, 0, forced.err);
});

test('an --out inside a model bundle file is refused', async () => {
  const run = await track(join(bundleDir, 'manifest.nii'));
  // manifest.nii does not exist; its sidecar manifest.json is the bundle's manifest.
  assert.equal(run.code, 2, run.err);
  assert.match(run.err, /would replace the model file .*manifest\.json/);
});

test('an unusable output folder is a one-line usage error before any tracking', async () => {
  const file = join(scratch, 'plain-file');
  writeFileSync(file, 'x');
  const readOnly = join(scratch, 'read-only');
  mkdirSync(readOnly);
  chmodSync(readOnly, 0o500);
  const cases = [join(file, 'seg.nii.gz')];
  if (process.getuid?.() !== 0) cases.push(join(readOnly, 'seg.nii.gz')); // root writes anyway
  for (const out of cases) {
    const run = await track(out);
    assert.equal(run.code, 2, run.err);
    assert.match(run.err, /--out .*: cannot (create the folder|write there)/);
    assert.doesNotMatch(run.out, /Tracked|object on/);
  }
  chmodSync(readOnly, 0o700);
});

test('--range must run forward and stay within the layers', async () => {
  const out = join(scratch, 'range.nii.gz');
  for (const [range, message] of [
    ['5,2', /--range 5,2: FROM must not be after TO/],
    ['0,9999', /--range 0,9999: the volume has layers 0–7/],
  ] as const) {
    const run = await track(out, '--range', range);
    assert.equal(run.code, 2, run.err);
    assert.match(run.err, message);
  }
});

test('the sidecar records the sha256 of the label file; a dead run’s temporary files are removed', async () => {
  const out = join(scratch, 'seg.nii.gz');
  // What a run killed mid-write leaves (pid 2^22+1 is above Linux's default pid_max).
  writeFileSync(join(scratch, '.seg.nii.gz.4194305.tmp'), 'partial');
  writeFileSync(join(scratch, '.seg.json.4194305.tmp'), '{"partial');
  const run = await track(out);
  assert.equal(run.code, 0, run.err);
  const sidecar = JSON.parse(readFileSync(join(scratch, 'seg.json'), 'utf8'));
  const digest = createHash('sha256').update(readFileSync(out)).digest('hex');
  assert.equal(sidecar.image_sha256, digest);
  assert.deepEqual(
    readdirSync(scratch).filter((name) => name.endsWith('.tmp')),
    [],
  );
  assert.ok(existsSync(out));
});

test('eval checks its --json output before evaluating', async () => {
  const file = join(scratch, 'not-a-folder');
  writeFileSync(file, 'x');
  const run = await cli(
    'eval',
    join(scratch, 'no-dataset'),
    '--model',
    bundleDir,
    '--json',
    join(file, 'e.json'),
  );
  assert.equal(run.code, 2, run.err);
  assert.match(run.err, /--json .*: cannot create the folder/);
});
