/**
 * The shipped model against the classical baseline on the shared real OCTA-500 stacks (issue 13,
 * item 3): `sam-octa2 eval` with the bundled `models/samocta2-nano`, in the paper's baseline
 * condition (4 frames, 2 prompted, 5 positive, 3 negative points), on the trainer's own draws
 * (test/fixtures/evalPrompts.py, seed 1234; 20 sequences for the FAZ, 10 per vessel), as
 * docs/evaluation.md "Figures on the shared real stacks" reports them. Nothing was trained or
 * tuned on these two stacks: they are the validation set.
 *
 * What it guards, with the figures measured on 2026-12-07 (onnxruntime-node, CPU):
 *
 * | Dice | model (as the editor tracks) | classical | classical + gate |
 * |---|---|---|---|
 * | vessels `10301_rv` (280 object-frames) | 0.5320 | 0.4338 | 0.6456 |
 * | FAZ `10301_faz` (80) | 0.5647 | 0.6218 | 0.6218 (never gated) |
 *
 * - Vessels: the model leads the baseline by 0.098; the test fails below the issue's
 *   margin, 0.05. (The lead comes from the visibility gate in the tracker; the same gate puts the
 *   threshold 0.114 ahead of the model, which is why issue 13 stays open.)
 * - FAZ: the model trails by 0.057. It cannot be asked to win here yet; the test fails when it
 *   falls further behind than 0.08: 0.023 below today's deficit, room for numerics (the trainer's
 *   PyTorch tracker of the same weights gives 0.5637, 0.001 from onnxruntime-node), not for a
 *   model that got worse.
 * - The baseline itself is deterministic (no model, no random draw beyond the seeded points): it
 *   must reproduce the published 0.6218 / 0.4338 / 0.6456 to four decimals, so a change to the
 *   baseline's or the gate's rules cannot move the bar silently.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import type { EvalRow } from '../../../../src/cli/commands/eval';
import { ROOT } from '../../../fixtures/parityVectors';
import { runCliCaptured } from '../../../support/runCliCaptured';

const layersDir = resolve(ROOT, '..', 'shared', 'data', 'octa500', 'layers');
const missing = existsSync(layersDir)
  ? false
  : `OCTA-500 layers not found at ${layersDir}: the real-stack standing was not checked`;
const python = existsSync(join(ROOT, '.venv/bin/python'))
  ? join(ROOT, '.venv/bin/python')
  : 'python3';
const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-real-eval-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The margin for "the model wins". */
const WIN_MARGIN = 0.05;
/** How far the FAZ may trail before the test fails (today 0.057). */
const FAZ_MAX_DEFICIT = 0.08;

/** The baseline-condition row of `sam-octa2 eval` on one shared stack, on the trainer's draws. */
async function evalStack(target: 'faz' | 'rv', sequencesPerObject: number): Promise<EvalRow> {
  // The trainer reads a folder of <case>.nii.gz + <case>.label.nii.gz; the shared folder holds
  // both targets side by side, so each gets a folder of its own (docs/evaluation.md).
  const data = join(scratch, target);
  mkdirSync(data);
  for (const file of [`10301_${target}.nii.gz`, `10301_${target}.label.nii.gz`]) {
    symlinkSync(join(layersDir, file), join(data, file));
  }
  const prompts = join(scratch, `prompts-${target}.json`);
  const draws = spawnSync(
    python,
    [
      ...[join(ROOT, 'test/fixtures/evalPrompts.py'), data, '--target', target],
      ...['--conditions', 'baseline', '--seed', '1234'],
      ...['--sequences-per-object', String(sequencesPerObject), '--out', prompts],
    ],
    { encoding: 'utf8' },
  );
  assert.equal(draws.status, 0, draws.stderr);
  const json = join(scratch, `eval-${target}.json`);
  const run = await runCliCaptured(
    ...['eval', data, '--model', join(ROOT, 'models/samocta2-nano'), '--target', target],
    ...['--conditions', 'baseline', '--prompts', prompts, '--json', json],
  );
  assert.equal(run.code, 0, run.err);
  const rows = JSON.parse(readFileSync(json, 'utf8')).sequence as EvalRow[];
  assert.equal(rows.length, 1);
  return rows[0]!;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

test(
  'vessels (10301_rv): the shipped model leads the classical baseline by the issue margin',
  { skip: missing },
  async () => {
    const row = await evalStack('rv', 10);
    assert.equal(row.n, 280);
    assert.equal(round4(row.classical_dice), 0.4338);
    assert.equal(round4(row.gated_classical_dice), 0.6456);
    assert.ok(row.dice !== null);
    const lead = row.dice - row.classical_dice;
    assert.ok(
      lead >= WIN_MARGIN,
      `model ${row.dice.toFixed(4)} vs classical ${row.classical_dice.toFixed(4)}: lead ${lead.toFixed(4)} < ${WIN_MARGIN}`,
    );
  },
);

test(
  'FAZ (10301_faz): the shipped model trails the baseline by no more than today',
  { skip: missing },
  async () => {
    const row = await evalStack('faz', 20);
    assert.equal(row.n, 80);
    assert.equal(round4(row.classical_dice), 0.6218);
    // The FAZ is never gated: both baseline columns are the same masks.
    assert.equal(row.gated_classical_dice, row.classical_dice);
    assert.ok(row.dice !== null);
    const deficit = row.classical_dice - row.dice;
    assert.ok(
      deficit <= FAZ_MAX_DEFICIT,
      `model ${row.dice.toFixed(4)} vs classical ${row.classical_dice.toFixed(4)}: behind by ${deficit.toFixed(4)} > ${FAZ_MAX_DEFICIT}`,
    );
  },
);
