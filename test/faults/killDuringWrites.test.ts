/**
 * Fault suite, crashes: `sam-octa2 track` killed with SIGKILL at each file operation of its
 * segmentation write (SAM_OCTA2_FAULT_KILL_AT, src/cli/faultPoint.ts), with and without an
 * earlier pair in place (the editor's saves: editorSaves.test.ts); and trainer checkpoint writes
 * killed at each step (SAMOCTA2_FAULT_KILL_AT, samocta2/durable.py), then resumed. After each
 * kill the pair read back is one consistent pair (the sidecar's image_sha256 matches), and after
 * the next run no temporary file is left. FAULTS_KILL_ROUNDS (default 1) repeats the track kills
 * with other prompts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readPair } from '../../src/core/files/filePair';
import { nodeFolderFs } from '../../src/cli/files';
import { ensureParityBundle, loadVectors, ROOT } from '../fixtures/parityVectors';

const ROUNDS = Number(process.env.FAULTS_KILL_ROUNDS ?? 1);
const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-kills-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function samOcta2(args: string[], killAt = 0) {
  return spawnSync(
    process.execPath,
    ['--conditions=import', '--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SAM_OCTA2_FAULT_KILL_AT: String(killAt) },
    },
  );
}

const temps = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));
const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('track killed at every file operation of its write: one consistent pair, no temp file after the next run', async () => {
  const bundle = ensureParityBundle(loadVectors().graphSha256);
  const made = samOcta2([
    'synth',
    '--size',
    '24x20x8',
    '--seed',
    '9',
    '--out',
    scratch,
    '--name',
    'vol',
  ]);
  assert.equal(made.status, 0, made.stderr);
  const volume = join(scratch, 'vol.nii.gz');
  const track = (dir: string, prompt: string, killAt = 0) =>
    samOcta2(
      ['track', volume, '--model', bundle, '--prompt', prompt, '--out', join(dir, 'seg.nii.gz')],
      killAt,
    );
  // The write's file operations: 2 durable writes, 2 renames (then a clean exit).
  const points = [1, 2, 3, 4];
  let kills = 0;
  let rolledForward = 0;
  const outcomes = { old: 0, new: 0, none: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const oldPrompt = `2:${4 + round},5`;
    const newPrompt = `3:${12 + round},10:neg`;
    for (const withOldPair of [true, false]) {
      for (const killAt of points) {
        const dir = join(scratch, `r${round}-${withOldPair ? 'old' : 'fresh'}-${killAt}`);
        mkdirSync(dir);
        if (withOldPair) assert.equal(track(dir, oldPrompt).status, 0);
        const killed = track(dir, newPrompt, killAt);
        assert.equal(killed.signal, 'SIGKILL', `kill at ${killAt}: ${killed.stderr}`);
        kills++;
        // What the next reader (the editor, the next track) sees once it settles the pair.
        const names = { image: 'seg.nii.gz', sidecar: 'seg.json' };
        const pair = await readPair(nodeFolderFs(dir), names, async (b) => digest(b));
        if (pair.notices.some((n) => /completed from its saved copy/.test(n))) rolledForward++;
        if (!pair.image) {
          assert.equal(pair.sidecar, undefined, `kill at ${killAt}: a sidecar without its image`);
          outcomes.none++;
        } else {
          const sidecar = JSON.parse(new TextDecoder().decode(pair.sidecar));
          assert.equal(sidecar.image_sha256, digest(pair.image), `kill at ${killAt}: a mixed pair`);
          const prompts = JSON.stringify(sidecar.objects[0].prompts);
          outcomes[prompts.includes('"positive":false') ? 'new' : 'old']++;
        }
        assert.deepEqual(temps(dir), [], `kill at ${killAt}: temp files after settling`);
        const next = track(dir, oldPrompt);
        assert.equal(next.status, 0, next.stderr);
        assert.deepEqual(temps(dir), []);
      }
    }
  }
  console.log(
    `# faults track kills: ${kills} kills survived (old pair ${outcomes.old}, new pair ${outcomes.new}, ` +
      `none yet ${outcomes.none}; ${rolledForward} rolled forward); temp files left 0`,
  );
  assert.ok(outcomes.new > 0 && rolledForward > 0, JSON.stringify(outcomes));
});

test('a temp file left by a kill is removed by the next run even without reading the pair', () => {
  const bundle = ensureParityBundle(loadVectors().graphSha256);
  const dir = join(scratch, 'next-run');
  mkdirSync(dir);
  const volume = join(scratch, 'vol.nii.gz');
  const args = [
    'track',
    volume,
    '--model',
    bundle,
    '--prompt',
    '2:5,5',
    '--out',
    join(dir, 'seg.nii.gz'),
  ];
  assert.equal(samOcta2(args, 1).signal, 'SIGKILL'); // half of the image temp file written
  assert.equal(temps(dir).length, 1);
  assert.equal(samOcta2(args).status, 0);
  assert.deepEqual(temps(dir), []);
});

// The trainer's .venv (scripts/setup-python.sh); the test command always has it.
const PYTHON = join(ROOT, '.venv/bin/python');

test('trainer checkpoint writes killed at each step: the last checkpoint loads, --resume finishes, no temp file', () => {
  const data = join(scratch, 'train-data');
  const made = samOcta2([
    'synth',
    '--size',
    '32x32x8',
    '--seed',
    '4',
    '--out',
    data,
    '--name',
    'a',
  ]);
  assert.equal(made.status, 0, made.stderr);
  const config = join(scratch, 'tiny.yaml');
  writeFileSync(
    config,
    [
      'model: {size: nano, image_size: 64}',
      'lora: {r: 4, alpha: 4, dropout: 0.0, target_modules: [qkv]}',
      'sampling: {frames: [3, 3], max_rotation_deg: 0.0}',
      'train: {steps: 2, lr: 1.0e-3, checkpoint_every: 1, val_every: 0, device: cpu, seed: 0}',
      '',
    ].join('\n'),
  );
  const train = (out: string, killAt: number, resume: boolean) =>
    spawnSync(
      PYTHON,
      [
        '-m',
        'samocta2',
        'train',
        '--config',
        config,
        '--data',
        data,
        '--out',
        out,
        ...(resume ? ['--resume'] : []),
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          OMP_NUM_THREADS: '1',
          PYTHONPATH: join(ROOT, 'trainer'),
          SAMOCTA2_FAULT_KILL_AT: String(killAt),
        },
      },
    );
  // The step a run starts from: the "start" progress event on stdout.
  const startStep = (stdout: string) =>
    stdout
      .split('\n')
      .map((line) =>
        line.startsWith('{') ? (JSON.parse(line) as { event?: string; step?: number }) : {},
      )
      .find((event) => event.event === 'start')?.step;
  // 3 fault points per checkpoint write: before writing, before fsync, before the rename. The
  // config.yaml written first is not a checkpoint; killing the second checkpoint leaves step 1.
  let kills = 0;
  for (const killAt of [4, 5, 6]) {
    const out = join(scratch, `run-${killAt}`);
    const killed = train(out, killAt, false);
    assert.equal(killed.signal, 'SIGKILL', `kill at ${killAt}: ${killed.stderr.slice(-2000)}`);
    kills++;
    assert.ok(temps(out).length <= 1);
    // --resume loads the last checkpoint (a damaged one would be a CheckpointError, exit 2).
    const resumed = train(out, 0, true);
    assert.equal(resumed.status, 0, resumed.stderr.slice(-2000));
    assert.equal(
      startStep(resumed.stdout),
      1,
      `kill at ${killAt}: resumed from the last good checkpoint`,
    );
    assert.deepEqual(temps(out), [], `kill at ${killAt}: temp files after --resume`);
  }
  console.log(
    `# faults trainer kills: ${kills} checkpoint-write kills survived, resumed; temp files left 0`,
  );
});
