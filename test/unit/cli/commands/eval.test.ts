/**
 * `sam-octa2 eval` against the trainer's `python -m samocta2 eval` (issue 4, item 6): the same
 * model, the same synthetic dataset, the same drawn sequences and points
 * (test/fixtures/evalPrompts.py writes the trainer's draws; `--prompts` replays them), and the
 * same tracking order (the bundle contract's: forward from the earliest prompted layer, then
 * backward; trainer/tests/test_tracking.py checks the trainer's side against sam2's video
 * predictor). The model is the parity model (random nano weights, seed 0, object-score bias
 * raised so the object is present on most layers) written as a SAM 2 base checkpoint: the
 * trainer evaluates it as `--model-checkpoint`, the exporter bundles it. Its masks are large
 * and wrong, so every frame's Dice depends on many pixels, not on "both empty" (a model that
 * predicts nothing scores 0/1 per frame and would agree trivially).
 *
 * Tolerance: per condition, Dice and Jaccard within 1 percentage point and the same number of
 * object-frames. The bundle stores memories in bfloat16 as sam2's video predictor does, the
 * trainer's track keeps float32, and the trainer upsamples masks through the model's input size
 * while the contract upsamples the low-res logits straight to the layer: both move a few border
 * pixels. The trainer's prompts must also satisfy the TypeScript port of the sampling rule.
 *
 * The classical baseline (docs/evaluation.md) is compared the same way, within 1 Dice point on
 * every row: both evaluations score it on the draws they score the model on, bare and through
 * the visibility gate (which both also apply to the model's vessels).
 *
 * Both protocols (issue 18): `project` and `paper` (the authors' conventions: one sequence per
 * subject, points at the model's resolution, empty-vs-empty frames 0). Under `paper` the
 * TypeScript sampler must also plan exactly the trainer's sequences (its layers, objects and
 * prompted positions are not random; only the points are).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadEvalFolder } from '../../../../src/cli/evalDataset';
import {
  objectMask,
  shownMask,
  table2Conditions,
  type EvalSequence,
} from '../../../../src/core/tracker/eval/layerSequenceEval';
import {
  paperRing,
  subjectSequences,
  upsampleNearest,
} from '../../../../src/core/tracker/eval/paperDraws';
import { Random } from '../../../../src/core/synth/random';
import { negativeRing } from '../../../../src/core/tracker/eval/promptSampling';
import { ROOT } from '../../../fixtures/parityVectors';
import type { EvalRow } from '../../../../src/cli/commands/eval';
import { runCliCaptured } from '../../../support/runCliCaptured';

const TOLERANCE = 0.01;
/** The parity model's input side (nano): where the paper protocol draws its points. */
const NANO_SIDE = 256;
const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-eval-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const python = existsSync(join(ROOT, '.venv/bin/python'))
  ? join(ROOT, '.venv/bin/python')
  : 'python3';
const data = join(scratch, 'data');
const base = join(scratch, 'parity-base.pt');
const bundle = join(scratch, 'parity-bundle');

function py(args: string[]): string {
  const run = spawnSync(python, args, { cwd: join(ROOT, 'trainer'), encoding: 'utf8' });
  assert.equal(run.status, 0, `${args.join(' ')}\n${run.stderr}`);
  return run.stdout;
}

const cli = runCliCaptured;

/** Both evaluations of one target and condition set; returns the prompts file and both rows. */
interface Evals {
  prompts: string;
  python: EvalRow[];
  ts: EvalRow[];
  table: string;
}

/** Each evaluation runs once; a later test reuses an earlier test's (the model runs are slow). */
const evals = new Map<string, Promise<Evals>>();
function bothEvals(
  target: 'rv' | 'faz',
  conditions: 'baseline' | 'table2',
  classicalOnly = false,
  protocol: 'project' | 'paper' = 'project',
): Promise<Evals> {
  const name = `${target}-${conditions}${classicalOnly ? '-classical' : ''}-${protocol}`;
  if (!evals.has(name))
    evals.set(name, runBothEvals(name, target, conditions, classicalOnly, protocol));
  return evals.get(name)!;
}

async function runBothEvals(
  name: string,
  target: 'rv' | 'faz',
  conditions: 'baseline' | 'table2',
  classicalOnly: boolean,
  protocol: 'project' | 'paper',
): Promise<Evals> {
  const prompts = join(scratch, `prompts-${name}.json`);
  const common = ['--target', target, '--conditions', conditions, '--seed', '1234'];
  common.push('--protocol', protocol);
  py([
    ...[join(ROOT, 'test/fixtures/evalPrompts.py'), data, ...common],
    ...['--image-size', String(NANO_SIDE), '--out', prompts],
  ]);
  const pyOut = join(scratch, `py-${name}`);
  const pyModel = classicalOnly
    ? ['--classical-only']
    : ['--size', 'nano', '--model-checkpoint', base];
  py([
    ...['-m', 'samocta2', 'eval', ...pyModel],
    ...['--data', data, '--task', 'sequence', ...common, '--device', 'cpu', '--out', pyOut],
  ]);
  const json = join(scratch, `ts-${name}.json`);
  const run = await cli(
    ...['eval', data, ...(classicalOnly ? ['--classical-only'] : ['--model', bundle])],
    ...['--target', target],
    ...['--conditions', conditions === 'table2' ? 'all' : 'baseline'],
    ...['--prompts', prompts, '--json', json],
  );
  assert.equal(run.code, 0, run.err);
  const pyJson = JSON.parse(readFileSync(join(pyOut, 'eval.json'), 'utf8'));
  const tsJson = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(pyJson.protocol, protocol);
  assert.equal(tsJson.protocol, protocol);
  assert.match(run.out, new RegExp(`^Protocol: ${protocol} \\(`, 'm'));
  return {
    prompts,
    python: pyJson.sequence as EvalRow[],
    ts: tsJson.sequence as EvalRow[],
    table: run.out,
  };
}

function assertAgree(target: string, python: EvalRow[], ts: EvalRow[]): void {
  assert.deepEqual(
    ts.map((r) => `${r.factor} ${r.value}`),
    python.map((r) => `${r.factor} ${r.value}`),
  );
  python.forEach((want, i) => {
    const got = ts[i]!;
    const what = `${target} ${want.factor} ${want.value}`;
    console.log(
      `# ${what}: python Dice ${want.dice?.toFixed(4)} Jaccard ${want.jaccard?.toFixed(4)} ` +
        `classical ${want.classical_dice.toFixed(4)} gated ${want.gated_classical_dice.toFixed(4)} ` +
        `n ${want.n}; ts Dice ${got.dice?.toFixed(4)} Jaccard ${got.jaccard?.toFixed(4)} ` +
        `classical ${got.classical_dice.toFixed(4)} gated ${got.gated_classical_dice.toFixed(4)} ` +
        `n ${got.n}`,
    );
    assert.equal(got.n, want.n, `${what}: object-frames`);
    const keys = [
      'dice',
      'jaccard',
      'classical_dice',
      'classical_jaccard',
      'gated_classical_dice',
      'gated_classical_jaccard',
    ] as const;
    for (const key of keys) {
      if (want[key] === null) {
        assert.equal(got[key], null, `${what}: ${key} (no model)`);
        continue;
      }
      assert.ok(
        Math.abs(got[key]! - want[key]!) <= TOLERANCE,
        `${what}: ${key} ${got[key]} vs ${want[key]}`,
      );
    }
  });
}

before(async () => {
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
  py([
    '-c',
    'import sys, torch\n' +
      'from samocta2.export.fixtures import parity_model\n' +
      'torch.save({"model": parity_model().state_dict()}, sys.argv[1])',
    base,
  ]);
  py(['-m', 'samocta2', 'export', '--out', bundle, '--size', 'nano', '--model-checkpoint', base]);
});

test('FAZ: sam-octa2 eval agrees with python -m samocta2 eval on every Table II condition', async () => {
  const { python, ts } = await bothEvals('faz', 'table2');
  assert.equal(python.length, 13);
  // The masks are not trivially empty: a Dice strictly between 0 and 1 needs overlapping pixels.
  assert.ok(
    python.some((r) => r.dice! > 0.01 && r.dice! < 0.99),
    JSON.stringify(python),
  );
  assertAgree('faz', python, ts);
});

test('RV: sam-octa2 eval agrees with python -m samocta2 eval on the baseline condition', async () => {
  const { prompts, python, ts, table } = await bothEvals('rv', 'baseline');
  assert.match(table, /\| Baseline \| 4, 2, 5, 3 \|/);
  assert.ok(python[0]!.n > 20, `only ${python[0]!.n} object-frames`);
  assertAgree('rv', python, ts);

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

test('--classical-only: both evaluations score the baseline alone, as beside the model', async () => {
  const alone = await bothEvals('faz', 'baseline', true);
  assertAgree('faz classical-only', alone.python, alone.ts);
  assert.match(alone.table, /\| Baseline \| 4, 2, 5, 3 \| – \| – \| \d+\.\d\d \| \d+\.\d\d \|/);
  const beside = await bothEvals('faz', 'table2'); // its first row is the baseline condition
  // Same seed, same draws: the baseline's numbers do not depend on whether a model ran.
  assert.equal(alone.ts[0]!.classical_dice, beside.ts[0]!.classical_dice);
  assert.equal(alone.python[0]!.classical_dice, beside.python[0]!.classical_dice);
  // Not a trivial agreement: the baseline overlaps the FAZ partly on these synthetic layers.
  assert.ok(alone.python[0]!.classical_dice > 0.05, JSON.stringify(alone.python[0]));
});

test('paper protocol, FAZ: both evaluations agree on every Table II condition', async () => {
  const { python, ts } = await bothEvals('faz', 'table2', false, 'paper');
  assert.equal(python.length, 13);
  assert.ok(
    python.some((r) => r.dice! > 0.01 && r.dice! < 0.99),
    JSON.stringify(python),
  );
  assertAgree('faz paper', python, ts);
  // Another protocol, other numbers: the paper's rows are not the project's relabelled.
  const project = await bothEvals('faz', 'table2');
  assert.notDeepEqual(
    python.map((r) => r.classical_dice),
    project.python.map((r) => r.classical_dice),
  );
});

test('paper protocol, RV: both evaluations agree; the TypeScript sampler plans the same sequences', async () => {
  const { prompts, python, ts } = await bothEvals('rv', 'baseline', false, 'paper');
  assert.ok(python[0]!.n >= 8, `only ${python[0]!.n} object-frames`);
  assertAgree('rv paper', python, ts);

  const file = JSON.parse(readFileSync(prompts, 'utf8'));
  assert.equal(file.protocol, 'paper');
  const cases = await loadEvalFolder(data, 'rv');
  const plan = (seqs: EvalSequence[]) =>
    seqs.map((s) => `${s.case} ${s.object} [${s.layers}] @${s.prompts.map((p) => p.position)}`);
  const draw = table2Conditions('baseline')[0]!.draw;
  const tsSeqs = cases.flatMap((c) => subjectSequences(new Random(7), c, draw, NANO_SIDE, 100));
  assert.deepEqual(plan(tsSeqs), plan(file.conditions[0].sequences));
  assert.ok(tsSeqs.length >= 2, `only ${tsSeqs.length} sequences`);

  // Both draws obey the rule at model resolution: positives on the upsampled object, negatives
  // in its 4..9 px chessboard ring, each point mapped back onto the model pixel it was drawn on.
  const byName = new Map(cases.map((c) => [c.name, c]));
  let checked = 0;
  for (const seq of [...file.conditions[0].sequences, ...tsSeqs] as EvalSequence[]) {
    const c = byName.get(seq.case)!;
    const { rows, cols } = c.layers;
    for (const prompt of seq.prompts) {
      const mask = shownMask(c, seq.object, seq.layers[prompt.position]!, 100);
      const big = upsampleNearest(mask, rows, cols, NANO_SIDE);
      const ring = paperRing(big, NANO_SIDE, NANO_SIDE);
      for (const [x, y, label] of prompt.points) {
        const mx = Math.round(((x + 0.5) * NANO_SIDE) / cols);
        const my = Math.round(((y + 0.5) * NANO_SIDE) / rows);
        const where = (label === 1 ? big : ring)[my * NANO_SIDE + mx];
        assert.equal(where, 1, `${seq.case} object ${seq.object} point ${x},${y},${label}`);
        if (label === 0) assert.equal(big[my * NANO_SIDE + mx], 0);
        checked++;
      }
    }
  }
  assert.ok(checked > 30, `only ${checked} points checked`);
});

test('sam-octa2 eval --protocol paper samples on its own the sequences the trainer scores', async () => {
  const { python } = await bothEvals('rv', 'baseline', false, 'paper');
  const json = join(scratch, 'ts-own-paper.json');
  const run = await cli(
    ...['eval', data, '--classical-only', '--target', 'rv', '--conditions', 'baseline'],
    ...['--protocol', 'paper', '--image-size', String(NANO_SIDE), '--json', json],
  );
  assert.equal(run.code, 0, run.err);
  const own = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(own.protocol, 'paper');
  // Its own points, the trainer's layers and objects: the same object-frames.
  assert.equal(own.sequence[0].n, python[0]!.n);
  assert.match(run.out, /^Protocol: paper \(/m);
});

test('--protocol contradicting the --prompts file is a usage error', async () => {
  const { prompts } = await bothEvals('rv', 'baseline', false, 'paper');
  const run = await cli(
    'eval',
    data,
    '--classical-only',
    '--prompts',
    prompts,
    '--protocol',
    'project',
  );
  assert.equal(run.code, 2, run.err);
  assert.match(run.err, /drawn under the paper protocol/);
});
