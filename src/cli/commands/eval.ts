/**
 * `sam-octa2 eval`: the paper's layer-sequence protocol (Table II) with the TypeScript tracker
 * on onnxruntime-node, printed as the trainer's `samocta2 eval` prints it, so the tracker the
 * editor runs is measured the paper's way. `--prompts` replays the trainer's own draws
 * (test/fixtures/evalPrompts.py) for a like-for-like comparison. Every row also scores the
 * classical baseline (docs/evaluation.md) on the same sequences and points; `--classical-only`
 * scores it alone, without a model.
 */
import { readFileSync } from 'node:fs';
import { EmbeddingCache } from '../../core/tracker/embeddingCache';
import { minObjectPx, PROTOCOLS, type EvalProtocol } from '../../core/tracker/eval/evalProtocol';
import { subjectSequences } from '../../core/tracker/eval/paperDraws';
import {
  caseObjects,
  drawSequence,
  scoreClassicalSequence,
  scoreSequence,
  table2Conditions,
  type Condition,
  type EvalCase,
  type EvalSequence,
  type Scoring,
} from '../../core/tracker/eval/layerSequenceEval';
import { featuresBytes, type LayerFeatures } from '../../core/tracker/modelGraphs';
import { Random, splitmix32 } from '../../core/synth/random';
import { parseInteger, parseOptions } from '../args';
import { EXIT_OK, UsageError, type CliCommand, type CliIo } from '../command';
import { writeFileAtomic } from '../files';
import { checkOutputs, filesIn } from '../outputGuard';
import { loadEvalFolder, type EvalTarget } from '../evalDataset';
import { openBundle } from '../trackModel';

const USAGE = `Usage: sam-octa2 eval DATASET (--model DIR | --classical-only) [--target rv|faz] [--conditions baseline|all] [--protocol project|paper] [--seed N] [--sequences-per-object N] [--prompts FILE] [--json FILE]

Layer-sequence evaluation as in the SAM-OCTA2 paper (Table II): per object a sequence of equally
spaced layers (baseline 4 frames, 2 prompted (first, last), 5 positive and 3 negative points from
a ring 3 px away); each factor varied alone (frames 4/6/8, prompted 1/2/3, positive 1/5/10,
negative 0/3/6). Dice and Jaccard per object per frame, averaged. Beside the model, every row
scores the classical baseline on the same sequences and points (a smoothed threshold set from the
points; docs/evaluation.md): a model has to beat it to be worth clicking. Vessels are tracked
through the visibility gate (a tracked layer's mask is kept only where vessels show), and the
baseline is scored bare and through the same gate.

Options:
  --model DIR                model bundle folder
  --classical-only           score only the classical baseline (no --model)
  --target rv|faz            vessel instances (default) or the FAZ
  --conditions baseline|all  the baseline only, or all Table II rows (default all; 'table2' = all)
  --protocol project|paper   Table II conventions (default project, or the --prompts file's):
                             paper = the authors' (one evenly spread sequence per subject,
                             middle frame T//2, points at model resolution, 100 px vessels,
                             empty-vs-empty frames 0); docs/evaluation.md
  --image-size N             the model input side the paper protocol draws points at without
                             a model (default 1024; with --model, the bundle's)
  --seed N                   sampling seed (default 1234)
  --sequences-per-object N   default 1
  --prompts FILE             replay these sequences and points (from test/fixtures/evalPrompts.py,
                             i.e. exactly what 'python -m samocta2 eval' draws) instead of sampling
  --json FILE                also write the results as JSON
  --threads N                onnxruntime threads (default 1)
`;

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: "Dice/Jaccard of the tracker on a dataset, the paper's layer-sequence way",
  usage: USAGE,
  run,
};

/** One row of `--json`'s `sequence`: a factor level of Table II, as the trainer's eval.json. */
export interface EvalRow {
  factor: string;
  value: number;
  /** The model's; null with --classical-only. */
  dice: number | null;
  jaccard: number | null;
  n: number;
  classical_dice: number;
  classical_jaccard: number;
  /** The classical baseline through the visibility gate the tracker applies to vessels. */
  gated_classical_dice: number;
  gated_classical_jaccard: number;
}

interface PromptFile {
  target: EvalTarget;
  /** Absent in files written before the protocols were named: the project's. */
  protocol?: string;
  sampling: { gap: number; ring_width: number };
  conditions: {
    factor: string;
    value: number;
    frames: number;
    prompted: number;
    positive: number;
    negative: number;
    sequences: EvalSequence[];
  }[];
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    {
      model: { type: 'string' },
      target: { type: 'string' },
      conditions: { type: 'string' },
      seed: { type: 'string' },
      'sequences-per-object': { type: 'string' },
      prompts: { type: 'string' },
      protocol: { type: 'string' },
      'image-size': { type: 'string' },
      json: { type: 'string' },
      'classical-only': { type: 'boolean' },
      threads: { type: 'string' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('Give exactly one DATASET folder.');
  const classicalOnly = values['classical-only'] === true;
  if (classicalOnly && values.model !== undefined)
    throw new UsageError('Give --model DIR or --classical-only, not both.');
  if (!classicalOnly && typeof values.model !== 'string')
    throw new UsageError('--model DIR is required (or --classical-only for the baseline alone).');
  // Before any evaluation: a --json that cannot be written, or that is the dataset or a bundle
  // file, is a usage error now rather than after minutes of tracking.
  if (typeof values.json === 'string') {
    checkOutputs(
      [{ option: 'json', path: values.json }],
      typeof values.model === 'string' ? filesIn(values.model, 'the model file') : [],
      false,
    );
  }
  const replay = typeof values.prompts === 'string' ? readPrompts(values.prompts) : undefined;
  const target = (values.target ?? replay?.target ?? 'rv') as EvalTarget;
  if (target !== 'rv' && target !== 'faz')
    throw new UsageError(`--target must be rv or faz; got '${target}'.`);
  const protocol = chooseProtocol(values.protocol, replay);
  const kind = values.conditions ?? 'all';
  if (kind !== 'baseline' && kind !== 'all' && kind !== 'table2') {
    throw new UsageError(`--conditions must be baseline or all; got '${String(kind)}'.`);
  }
  const seed =
    typeof values.seed === 'string' ? parseInteger(values.seed, 'seed', 0, 2 ** 32 - 1) : 1234;
  const perObject =
    typeof values['sequences-per-object'] === 'string'
      ? parseInteger(values['sequences-per-object'], 'sequences-per-object', 1, 1000)
      : 1;
  const threads =
    typeof values.threads === 'string' ? parseInteger(values.threads, 'threads', 1, 64) : 1;
  const cases = await loadEvalFolder(positionals[0], target);
  const byName = new Map(cases.map((c) => [c.name, c]));
  const bundle = classicalOnly ? undefined : await openBundle(values.model as string, threads);
  const side =
    bundle?.manifest.model.image_size ??
    (typeof values['image-size'] === 'string'
      ? parseInteger(values['image-size'], 'image-size', 64, 8192)
      : 1024);
  const scoring: Scoring = {
    emptyScore: protocol.emptyScore,
    minObjectPx: minObjectPx(protocol, target),
  };
  const started = performance.now();
  const rows: EvalRow[] = [];
  try {
    const caches = new Map(
      cases.map((c) => [
        c.name,
        new EmbeddingCache<number, LayerFeatures>(featuresBytes, { maxEntries: 64 }),
      ]),
    );
    const plan: { condition: Condition; sequences: EvalSequence[] }[] = replay
      ? replay.conditions
          .filter((c) => kind !== 'baseline' || c.factor === 'Baseline')
          .map((c) => ({
            condition: { factor: c.factor, value: c.value, draw: c },
            sequences: c.sequences,
          }))
      : table2Conditions(kind === 'baseline' ? 'baseline' : 'all').map((condition) => ({
          condition,
          sequences: sampleSequences(cases, condition, seed, perObject, protocol, side, target),
        }));
    for (const { condition, sequences } of plan) {
      const scores: [number, number][] = [];
      const classical: [number, number][] = [];
      const gatedClassical: [number, number][] = [];
      for (const seq of sequences) {
        const c = byName.get(seq.case);
        if (!c)
          throw new UsageError(
            `--prompts names case '${seq.case}', which ${positionals[0]} does not hold.`,
          );
        if (bundle)
          scores.push(
            ...(await scoreSequence(bundle, c, seq, target, caches.get(c.name)!, scoring)),
          );
        const baseline = await scoreClassicalSequence(c, seq, target, scoring);
        classical.push(...baseline.bare);
        gatedClassical.push(...baseline.gated);
      }
      const [dice, jaccard] = bundle ? means(scores) : [null, null];
      const [classicalDice, classicalJaccard] = means(classical);
      const [gatedDice, gatedJaccard] = means(gatedClassical);
      const row: EvalRow = {
        factor: condition.factor,
        value: condition.value,
        dice,
        jaccard,
        n: classical.length,
        classical_dice: classicalDice,
        classical_jaccard: classicalJaccard,
        gated_classical_dice: gatedDice,
        gated_classical_jaccard: gatedJaccard,
      };
      rows.push(row);
      const model = dice === null ? '' : `Dice ${dice.toFixed(4)} Jaccard ${jaccard!.toFixed(4)}; `;
      io.stderr(
        `${row.factor} ${row.value || ''}: ${model}classical Dice ${classicalDice.toFixed(4)} Jaccard ${classicalJaccard.toFixed(4)}; classical + gate Dice ${gatedDice.toFixed(4)} Jaccard ${gatedJaccard.toFixed(4)} (${row.n} object-frames)\n`,
      );
    }
  } finally {
    await bundle?.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const model = bundle ? bundle.manifest.name : 'none (classical baseline only)';
  const runtime = bundle ? bundle.runtime.name : null;
  io.stdout(formatTable(rows, target, model, positionals[0], runtime, protocol, seconds));
  if (typeof values.json === 'string') {
    const json = {
      target,
      model,
      data: positionals[0],
      seed,
      protocol: protocol.name,
      runtime,
      prompts: values.prompts ?? null,
      sequence: rows,
    };
    writeFileAtomic(values.json, JSON.stringify(json, null, 2) + '\n');
  }
  return EXIT_OK;
}

/** --protocol, else the --prompts file's, else the project's; a contradiction is an error. */
function chooseProtocol(flag: unknown, replay: PromptFile | undefined): EvalProtocol {
  const fromFile = replay ? (replay.protocol ?? 'project') : undefined;
  const name = (flag as string | undefined) ?? fromFile ?? 'project';
  if (name !== 'paper' && name !== 'project')
    throw new UsageError(`--protocol must be project or paper; got '${name}'.`);
  if (fromFile !== undefined && fromFile !== name)
    throw new UsageError(
      `--protocol ${name}, but the --prompts file was drawn under the ${fromFile} protocol.`,
    );
  return PROTOCOLS[name];
}

function sampleSequences(
  cases: EvalCase[],
  condition: Condition,
  seed: number,
  perObject: number,
  protocol: EvalProtocol,
  side: number,
  target: EvalTarget,
): EvalSequence[] {
  const out: EvalSequence[] = [];
  if (protocol.sequences === 'perSubject') {
    // One stream per (seed, subject index, repetition), as the trainer seeds [seed, ci, rep].
    cases.forEach((c, ci) => {
      for (let rep = 0; rep < perObject; rep++) {
        const rng = new Random(splitmix32(seed ^ splitmix32(ci * 1000 + rep)));
        out.push(...subjectSequences(rng, c, condition.draw, side, minObjectPx(protocol, target)));
      }
    });
    return out;
  }
  let index = 0;
  for (const c of cases) {
    for (const { object, present } of caseObjects(c)) {
      for (let rep = 0; rep < perObject; rep++) {
        // One stream per (seed, object index, repetition), as the trainer seeds [seed, obj, rep].
        const rng = new Random(splitmix32(seed ^ splitmix32(index * 1000 + rep)));
        out.push(drawSequence(rng, c, object, present, condition.draw, 3, 8));
      }
      index++;
    }
  }
  return out;
}

/** Mean Dice and mean Jaccard of per-frame scores (NaN for none). */
function means(scores: [number, number][]): [number, number] {
  const n = scores.length;
  if (n === 0) return [NaN, NaN];
  return [scores.reduce((s, x) => s + x[0], 0) / n, scores.reduce((s, x) => s + x[1], 0) / n];
}

function readPrompts(path: string): PromptFile {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as PromptFile;
    if (!Array.isArray(parsed.conditions)) throw new Error('no "conditions" list');
    return parsed;
  } catch (error) {
    throw new UsageError(
      `--prompts ${path}: not a prompt-vector file (${(error as Error).message}).`,
    );
  }
}

function formatTable(
  rows: EvalRow[],
  target: string,
  model: string,
  data: string,
  runtime: string | null,
  protocol: EvalProtocol,
  seconds: number,
): string {
  const percent = (v: number | null): string => (v === null ? '–' : (100 * v).toFixed(2));
  const lines = [
    `Target: ${target}  Model: ${model}  Data: ${data}${runtime ? `  Runtime: ${runtime}` : ''}`,
    `Protocol: ${protocol.name} (${protocol.summary})`,
    '',
    'Layer-sequence task (Table II)',
    '',
    '| Condition | Value | Dice (%) | Jaccard (%) | Classical Dice (%) | Classical Jaccard (%) | Classical + gate Dice (%) | Classical + gate Jaccard (%) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.factor} | ${r.factor === 'Baseline' ? '4, 2, 5, 3' : r.value} | ` +
        [
          r.dice,
          r.jaccard,
          r.classical_dice,
          r.classical_jaccard,
          r.gated_classical_dice,
          r.gated_classical_jaccard,
        ]
          .map(percent)
          .join(' | ') +
        ' |',
    ),
    '',
    `${rows.reduce((s, r) => s + r.n, 0)} object-frames in ${seconds.toFixed(1)} s.`,
    '',
  ];
  return lines.join('\n');
}
