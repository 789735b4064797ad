/**
 * What a model bundle is worth on real data, from its manifest's `metrics` (docs/model-bundle.md:
 * `samocta2 eval` rows with the model's `dice` and the classical baseline's `classical_dice` (and,
 * since the visibility gate, `gated_classical_dice`; the stronger one counts) on the same draws;
 * an en-face model's `table1` rows, one per target and field of view), for the model picker
 * (issue 16, item 6). Real data: the metrics keyed
 * `octa500…` (OCTA-500 volumes); synthetic results say little about a user's scans. A bundle is
 * a demo when it is the nano size (trained minutes, for tests and trying the editor), has no
 * real-data result, or does no better than the classical baseline on any real-data target.
 */
export interface RealDataDice {
  /** The metrics key, e.g. "octa500-rv". */
  readonly name: string;
  /** "rv" or "faz" (the row's target; "faz 3M" for an en-face row), or the key when absent. */
  readonly target: string;
  readonly dice: number;
  readonly classicalDice: number | null;
}

export interface BundleQuality {
  readonly realData: readonly RealDataDice[];
  /** Why the bundle is a demo, or null when it is not one. */
  readonly demo: string | null;
  /** One line for the picker, e.g. "real-data Dice: RV 0.29 (classical 0.41) · FAZ 0.80". */
  readonly summary: string;
}

export function bundleQuality(size: string, metrics: unknown): BundleQuality {
  const realData = realDataRows(metrics);
  const summary =
    realData.length === 0
      ? 'no real-data Dice in its manifest'
      : 'real-data Dice: ' +
        realData
          .map(
            (r) =>
              `${r.target.toUpperCase()} ${r.dice.toFixed(2)}` +
              (r.classicalDice === null ? '' : ` (classical ${r.classicalDice.toFixed(2)})`),
          )
          .join(' · ');
  let demo: string | null = null;
  if (size === 'nano') demo = 'a nano demo model, trained briefly for tests and first tries';
  else if (realData.length === 0) demo = 'never measured on real OCTA data';
  else if (realData.every((r) => r.classicalDice !== null && r.dice <= r.classicalDice)) {
    demo = 'no better than the classical baseline on real data';
  }
  return { realData, demo, summary };
}

function realDataRows(metrics: unknown): RealDataDice[] {
  if (!isRecord(metrics)) return [];
  // One eval JSON, or several keyed by name.
  const entries: [string, unknown][] =
    'sequence' in metrics || 'table1' in metrics
      ? [[String(metrics.data ?? ''), metrics]]
      : Object.entries(metrics);
  const rows: RealDataDice[] = [];
  for (const [name, entry] of entries) {
    if (!isRecord(entry) || !/octa-?500/i.test(`${name} ${String(entry.data ?? '')}`)) continue;
    if (Array.isArray(entry.table1)) {
      rows.push(...enfaceRows(name, entry.table1));
      continue;
    }
    const sequence = Array.isArray(entry.sequence) ? entry.sequence.filter(isRecord) : [];
    const row = sequence.find((r) => r.factor === 'Baseline') ?? sequence[0];
    if (!row || typeof row.dice !== 'number' || !Number.isFinite(row.dice)) continue;
    rows.push({
      name,
      target: typeof entry.target === 'string' ? entry.target : name,
      dice: row.dice,
      classicalDice: strongestClassical(row),
    });
  }
  return rows;
}

/**
 * The stronger of the row's classical baselines: bare, and through the visibility gate the
 * tracker applies to vessels (rows written since the gate). The model's Dice is the gated
 * tracker's, so the gated baseline is the fair comparison where it exists.
 */
function strongestClassical(row: Record<string, unknown>): number | null {
  const scores = [row.classical_dice, row.gated_classical_dice].filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v),
  );
  return scores.length ? Math.max(...scores) : null;
}

/** `samocta2 eval --task enface` rows (docs/evaluation.md, Table I) that scored a model. */
function enfaceRows(name: string, table1: unknown[]): RealDataDice[] {
  return table1.filter(isRecord).flatMap((r) =>
    typeof r.dice === 'number' && Number.isFinite(r.dice)
      ? [
          {
            name,
            target: `${String(r.target)} ${String(r.fov)}`,
            dice: r.dice,
            classicalDice: typeof r.classical_dice === 'number' ? r.classical_dice : null,
          },
        ]
      : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
