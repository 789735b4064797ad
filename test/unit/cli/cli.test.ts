import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../../../src/cli/cli';
import type { CliCommand } from '../../../src/cli/command';
import { runCliCaptured } from '../../support/runCliCaptured';

const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const cli = runCliCaptured;

/** Reads the dims and datatype code of a written .nii.gz straight from its header bytes. */
function niftiDims(file: string): { dims: number[]; datatype: number } {
  const bytes = gunzipSync(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    dims: [1, 2, 3].map((n) => view.getInt16(40 + 2 * n, true)),
    datatype: view.getInt16(70, true),
  };
}

test('--help lists the commands; no command is a usage error', async () => {
  const help = await cli('--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: sam-octa2 <command>/);
  assert.match(help.out, /synth\s+write a synthetic OCTA volume/);
  const none = await cli();
  assert.equal(none.code, 2);
  assert.match(none.err, /Usage: sam-octa2/);
});

test('an unknown command exits 2 and says which', async () => {
  const r = await cli('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command 'frobnicate'/);
});

test('synth --help prints its usage', async () => {
  const r = await cli('synth', '--help');
  assert.equal(r.code, 0);
  assert.match(r.out, /--size WxHxD/);
});

test('synth writes the volume, four label volumes and the meta', async () => {
  const out = join(scratch, 'ok', 'nested');
  const r = await cli('synth', '--seed', '5', '--size', '48x40x32', '--out', out, '--name', 'demo');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Generated in .* s, written in .* s/);
  assert.deepEqual(readdirSync(out).sort(), [
    'demo.faz.nii.gz',
    'demo.faz2d.nii.gz',
    'demo.json',
    'demo.nii.gz',
    'demo.rv2d.nii.gz',
    'demo.vessels.nii.gz',
  ]);
  assert.deepEqual(niftiDims(join(out, 'demo.nii.gz')), { dims: [48, 40, 32], datatype: 2 });
  assert.deepEqual(niftiDims(join(out, 'demo.vessels.nii.gz')), {
    dims: [48, 40, 32],
    datatype: 512,
  });
  assert.deepEqual(niftiDims(join(out, 'demo.faz.nii.gz')), { dims: [48, 40, 32], datatype: 2 });
  assert.deepEqual(niftiDims(join(out, 'demo.rv2d.nii.gz')), { dims: [48, 40, 1], datatype: 2 });
  assert.deepEqual(niftiDims(join(out, 'demo.faz2d.nii.gz')), { dims: [48, 40, 1], datatype: 2 });
  const meta = JSON.parse(readFileSync(join(out, 'demo.json'), 'utf8')) as {
    seed: number;
    dims: number[];
    files: Record<string, string>;
  };
  assert.equal(meta.seed, 5);
  assert.deepEqual(meta.dims, [48, 40, 32]);
  assert.equal(meta.files.vesselInstances, 'demo.vessels.nii.gz');
});

test('synth names files synth-SEED by default and writes the same bytes for the same seed', async () => {
  const a = join(scratch, 'a');
  const b = join(scratch, 'b');
  for (const out of [a, b]) {
    assert.equal((await cli('synth', '--seed', '9', '--size', '32x32x24', '--out', out)).code, 0);
  }
  assert.ok(existsSync(join(a, 'synth-9.nii.gz')));
  for (const file of readdirSync(a)) {
    assert.deepEqual(readFileSync(join(a, file)), readFileSync(join(b, file)), file);
  }
});

test('bad arguments exit 2 with the problem and the usage, and write nothing', async () => {
  const out = join(scratch, 'never');
  const cases: [string[], RegExp][] = [
    [['synth'], /--out DIR is required/],
    [['synth', '--out', out, '--size', 'abc'], /--size must look like WxHxD/],
    [['synth', '--out', out, '--size', '64x64'], /--size must look like WxHxD/],
    [['synth', '--out', out, '--size', '0x64x64'], /must be positive in every axis/],
    [['synth', '--out', out, '--size=-4x64x64'], /--size must look like WxHxD/],
    [['synth', '--out', out, '--size', '-4x64x64'], /'--size' argument is ambiguous/],
    [['synth', '--out', out, '--size', '4x64x64'], /between 8 and 2048/],
    [['synth', '--out', out, '--size', '2048x2048x2048'], /at most 134217728/],
    [['synth', '--out', out, '--seed', 'x'], /--seed must be a whole number/],
    [['synth', '--out', out, '--seed=-1'], /--seed must be between 0 and 4294967295/],
    [['synth', '--out', out, '--name', '../up'], /--name must be/],
    [['synth', '--out', out, '--slab', '0.5'], /--slab must be two numbers/],
    [['synth', '--out', out, '--slab', '0.6,0.5'], /Slab must be two depth fractions/],
    [['synth', '--out', out, '--layers', '3'], /--layers must be two whole numbers/],
    [['synth', '--out', out, '--layers', '2.5,9'], /--layers must be two whole numbers/],
    [['synth', '--out', out, '--size', '32x32x24', '--layers', '9,4'], /0 ≤ FIRST ≤ LAST < 24/],
    [['synth', '--out', out, '--size', '32x32x24', '--layers', '4,24'], /0 ≤ FIRST ≤ LAST < 24/],
    [['synth', '--out', out, '--colour', 'red'], /Unknown option '--colour'/],
  ];
  for (const [argv, message] of cases) {
    const r = await cli(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, message, argv.join(' '));
    assert.match(r.err, /Usage: sam-octa2 synth/, argv.join(' '));
  }
  assert.ok(!existsSync(out), 'a refused run must not create its output folder');
});

test('an output folder that cannot be created is a usage error', async () => {
  const file = join(scratch, 'plain-file');
  writeFileSync(file, 'not a folder');
  for (const out of [file, join(file, 'sub')]) {
    const r = await cli('synth', '--size', '16x16x16', '--out', out);
    assert.equal(r.code, 2, out);
    assert.match(r.err, /--out .*: cannot (create|write)/, out);
  }
});

test('a failing command exits 1 with its reason; the registry is extensible', async () => {
  const boom: CliCommand = {
    name: 'boom',
    summary: 'always fails',
    usage: 'Usage: sam-octa2 boom\n',
    run: () => Promise.reject(new Error('disk on fire')),
  };
  let err = '';
  const code = await runCli(['boom'], { stdout: () => {}, stderr: (t) => (err += t) }, [boom]);
  assert.equal(code, 1);
  assert.match(err, /sam-octa2 boom: failed: disk on fire/);
});

test('the entry point sets the process exit code', () => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'synth', '--size', 'abc', '--out', join(scratch, 'x')],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /--size must look like WxHxD/);
});

test('eval: --model or --classical-only; the baseline alone prints its columns and no model', async () => {
  const data = join(scratch, 'eval-data');
  const made = await cli('synth', '--size', '48x48x24', '--seed', '5', '--out', data);
  assert.equal(made.code, 0, made.err);
  const neither = await cli('eval', data);
  assert.equal(neither.code, 2);
  assert.match(neither.err, /--model DIR is required \(or --classical-only/);
  const both = await cli('eval', data, '--model', data, '--classical-only');
  assert.equal(both.code, 2);
  assert.match(both.err, /--model DIR or --classical-only, not both/);

  const json = join(scratch, 'classical.json');
  const run = await cli(
    ...['eval', data, '--classical-only', '--target', 'faz', '--conditions', 'baseline'],
    ...['--json', json],
  );
  assert.equal(run.code, 0, run.err);
  assert.match(
    run.out,
    /\| Dice \(%\) \| Jaccard \(%\) \| Classical Dice \(%\) \| Classical Jaccard \(%\) \|/,
  );
  assert.match(run.out, /\| Baseline \| 4, 2, 5, 3 \| – \| – \| \d+\.\d\d \| \d+\.\d\d \|/);
  const result = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(result.runtime, null);
  const [row] = result.sequence;
  assert.equal(row.dice, null);
  assert.ok(row.n >= 4 && row.classical_jaccard <= row.classical_dice, JSON.stringify(row));
  assert.ok(row.classical_dice > 0 && row.classical_dice <= 1, JSON.stringify(row));
});
