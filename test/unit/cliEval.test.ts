/**
 * `sam-octa2 eval` against the trainer's `python -m samocta2 eval` (issue 4, item 6): the same
 * random-weight nano model (export seed 0 = the eval's train.seed 0, LoRA at zero), the same
 * synthetic dataset, the same drawn sequences and points (test/fixtures/evalPrompts.py writes
 * the trainer's draws; `--prompts` replays them). The TypeScript tracker's Dice/Jaccard must
 * agree with PyTorch's to within 1 percentage point (the bundle stores memories in bfloat16
 * as sam2's video predictor does; the trainer's training-time track keeps float32). The
 * trainer's prompts must also satisfy the TypeScript port of the sampling rule.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/cli';
import { loadEvalFolder } from '../../src/cli/evalDataset';
import { objectMask } from '../../src/core/tracker/eval/layerSequenceEval';
import { negativeRing } from '../../src/core/tracker/eval/promptSampling';
import { ROOT } from '../fixtures/parityVectors';

const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-eval-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const python = existsSync(join(ROOT, '.venv/bin/python'))
  ? join(ROOT, '.venv/bin/python')
  : 'python3';

function py(args: string[]): string {
  const run = spawnSync(python, args, { cwd: join(ROOT, 'trainer'), encoding: 'utf8' });
  assert.equal(run.status, 0, `${args.join(' ')}\n${run.stderr}`);
  return run.stdout;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

test('sam-octa2 eval agrees with python -m samocta2 eval on the same model, data and prompts', async () => {
  const data = join(scratch, 'data');
  mkdirSync(data);
  const made = await cli(
    'synth',
    '--size',
    '64x64x32',
    '--seed',
    '1',
    '--out',
    data,
    '--name',
    's',
  );
  assert.equal(made.code, 0, made.err);
  const bundle = join(scratch, 'nano-seed0');
  py(['-m', 'samocta2', 'export', '--out', bundle, '--size', 'nano', '--seed', '0']);
  const prompts = join(scratch, 'prompts.json');
  py([
    join(ROOT, 'test/fixtures/evalPrompts.py'),
    data,
    '--target',
    'rv',
    '--conditions',
    'baseline',
    '--seed',
    '1234',
    '--out',
    prompts,
  ]);
  const pyOut = join(scratch, 'py-eval');
  py([
    '-m',
    'samocta2',
    'eval',
    '--size',
    'nano',
    '--data',
    data,
    '--target',
    'rv',
    '--task',
    'sequence',
    '--conditions',
    'baseline',
    '--seed',
    '1234',
    '--device',
    'cpu',
    '--out',
    pyOut,
  ]);
  const expected = JSON.parse(readFileSync(join(pyOut, 'eval.json'), 'utf8')).sequence[0];

  const jsonOut = join(scratch, 'ts-eval.json');
  const run = await cli(
    'eval',
    data,
    '--model',
    bundle,
    '--conditions',
    'baseline',
    '--prompts',
    prompts,
    '--json',
    jsonOut,
  );
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /\| Baseline \| 4, 2, 5, 3 \|/);
  const got = JSON.parse(readFileSync(jsonOut, 'utf8')).sequence[0];
  console.log(
    `# python: Dice ${expected.dice} Jaccard ${expected.jaccard} n ${expected.n}; ts: Dice ${got.dice} Jaccard ${got.jaccard} n ${got.n}`,
  );
  assert.equal(got.n, expected.n);
  assert.ok(Math.abs(got.dice - expected.dice) <= 0.01, `Dice ${got.dice} vs ${expected.dice}`);
  assert.ok(
    Math.abs(got.jaccard - expected.jaccard) <= 0.01,
    `Jaccard ${got.jaccard} vs ${expected.jaccard}`,
  );

  // The trainer's draws obey the TypeScript port's rule: positives inside the object on their
  // layer, negatives in the ring (gap 3, width 8), every layer inside the volume.
  const file = JSON.parse(readFileSync(prompts, 'utf8'));
  const cases = new Map((await loadEvalFolder(data, 'rv')).map((c) => [c.name, c]));
  let checked = 0;
  for (const seq of file.conditions[0].sequences) {
    const c = cases.get(seq.case)!;
    const { rows, cols } = c.layers;
    for (const prompt of seq.prompts) {
      const mask = objectMask(c, seq.object, seq.layers[prompt.position]);
      const ring = negativeRing(mask, rows, cols, 3, 8);
      for (const [x, y, label] of prompt.points) {
        assert.equal(
          (label === 1 ? mask : ring)[y * cols + x],
          1,
          `${seq.case} object ${seq.object} point ${x},${y},${label}`,
        );
        checked++;
      }
    }
  }
  assert.ok(checked > 20, `only ${checked} points checked`);
});
