/**
 * Reads the trainer's eval.json (trainer/samocta2/evaluate.py `run_evaluation`) into the rows of
 * the paper's tables: Table II's layer-sequence conditions (the baseline, then each factor
 * varied alone) and Table I's en-face task, each with the classical baseline scored beside the
 * model (docs/evaluation.md). Pure, so it is tested on a real trainer output.
 */

export interface ScoreRow {
  /** "Baseline", "Frame length", "Prompted frames", "Positive points", "Negative points". */
  readonly factor: string;
  /** The varied factor's value; for the baseline, "4, 2, 5, 3" (frames, prompted, +, -). */
  readonly value: string;
  /** Fractions in [0, 1]; null when no object-frame was scored (the trainer wrote NaN). */
  readonly dice: number | null;
  readonly jaccard: number | null;
  /** Object-frame pairs averaged. */
  readonly n: number;
  /** The classical baseline on the same draws; null in an eval.json from before it was scored. */
  readonly classicalDice: number | null;
  readonly classicalJaccard: number | null;
  /** The baseline through the visibility gate (vessel sequences since the gate); else null. */
  readonly gatedClassicalDice: number | null;
  readonly gatedClassicalJaccard: number | null;
}

export interface EvalSummary {
  readonly target: string;
  readonly model: string;
  readonly data: string;
  /** Table II's protocol, "paper" or "project" (docs/evaluation.md); an eval.json from before
   * the protocols were named was the project's. */
  readonly protocol: string;
  readonly sequence: readonly ScoreRow[];
  readonly enface?: Omit<ScoreRow, 'factor' | 'value'>;
}

export type ParsedEval =
  | { readonly ok: true; readonly summary: EvalSummary }
  | { readonly ok: false; readonly problem: string };

type Fields = Record<string, unknown>;

const score = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;
const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Python's json.dumps writes NaN and Infinity for a condition without scores; JSON.parse does
 * not read them. They become null outside strings only.
 */
export function parsePythonJson(source: string): unknown {
  const cleaned = source.replace(
    /("(?:[^"\\]|\\.)*")|-?\b(?:NaN|Infinity)\b/g,
    (_match, quoted: string | undefined) => quoted ?? 'null',
  );
  return JSON.parse(cleaned);
}

function baselineValue(row: Fields): string {
  return ['frames', 'prompted', 'positive', 'negative']
    .map((k) => String(row[k] ?? '?'))
    .join(', ');
}

function toRow(raw: unknown): ScoreRow | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const row = raw as Fields;
  const factor = text(row.factor);
  if (factor === '') return undefined;
  return {
    factor,
    value: factor === 'Baseline' ? baselineValue(row) : String(row.value ?? ''),
    ...scores(row),
  };
}

function scores(row: Fields): Omit<ScoreRow, 'factor' | 'value'> {
  return {
    dice: score(row.dice),
    jaccard: score(row.jaccard),
    n: count(row.n),
    classicalDice: score(row.classical_dice),
    classicalJaccard: score(row.classical_jaccard),
    gatedClassicalDice: score(row.gated_classical_dice),
    gatedClassicalJaccard: score(row.gated_classical_jaccard),
  };
}

export function parseEvalJson(source: string): ParsedEval {
  let value: unknown;
  try {
    value = parsePythonJson(source);
  } catch (error) {
    return { ok: false, problem: `it is not JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'it is not an object with "target", "sequence" and "enface"' };
  }
  const f = value as Fields;
  const sequence = Array.isArray(f.sequence) ? f.sequence.map(toRow) : [];
  if (sequence.some((row) => row === undefined)) {
    return { ok: false, problem: 'a "sequence" row has no "factor"' };
  }
  const enface =
    typeof f.enface === 'object' && f.enface !== null ? (f.enface as Fields) : undefined;
  if (sequence.length === 0 && enface === undefined) {
    return { ok: false, problem: 'it holds neither "sequence" rows nor an "enface" score' };
  }
  return {
    ok: true,
    summary: {
      target: text(f.target),
      model: text(f.model),
      data: text(f.data),
      protocol: text(f.protocol) || 'project',
      sequence: sequence as ScoreRow[],
      ...(enface === undefined
        ? {}
        : {
            enface: scores(enface),
          }),
    },
  };
}

/** A fraction as the paper prints it: a percentage with two decimals. */
export function percent(value: number | null): string {
  return value === null ? '–' : (100 * value).toFixed(2);
}
