/**
 * Benchmark results as rows of one table. Each suite (the viewer here; tracking later) returns
 * rows; a row may name the baseline row it is compared with, measured in the same run, and the
 * ratio is printed beside it. Ratios, not absolute times, are what carry across machines.
 */
export interface BenchRow {
  /** Suite name, e.g. 'viewer'. */
  readonly suite: string;
  /** What was measured, e.g. 'open: first layer shown'. */
  readonly name: string;
  readonly value: number;
  readonly unit: 'ms' | 'MB' | 'count' | 'layers/s';
  /** `name` of the row in the same suite this one is compared with. */
  readonly baseline?: string;
  readonly note?: string;
  /** A target an issue sets for this row; `npm run bench` says whether it is met or by how much it is missed. */
  readonly goal?: BenchGoal;
}

/** Met when the row's ratio to its baseline (`of: 'ratio'`) or its value is ≥ `atLeast` / ≤ `atMost`. */
export interface BenchGoal {
  readonly of: 'ratio' | 'value';
  readonly atLeast?: number;
  readonly atMost?: number;
  /** Where the goal comes from, e.g. 'issue 17 item 5'. */
  readonly source: string;
}

export interface BenchSuite {
  readonly name: string;
  run(): Promise<BenchRow[]>;
}

export function ratio(row: BenchRow, rows: readonly BenchRow[]): number | null {
  if (!row.baseline) return null;
  const base = rows.find((r) => r.suite === row.suite && r.name === row.baseline);
  return base && base.value > 0 ? row.value / base.value : null;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['suite', 'measure', 'value', 'vs baseline', 'note'];
  const body = rows.map((r) => {
    const x = ratio(r, rows);
    return [
      r.suite,
      r.name,
      `${r.unit === 'count' ? r.value : r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`,
      x === null ? '' : `${x.toFixed(2)}× ${r.baseline}`,
      r.note ?? '',
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]) => `| ${cells.map((c, n) => c.padEnd(widths[n])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at];
}

/** One line per row with a goal: met, missed (with the gap), or not measurable (no baseline). */
export function formatGoals(rows: readonly BenchRow[]): string[] {
  return rows.flatMap((row) => {
    const goal = row.goal;
    if (!goal) return [];
    const measured = goal.of === 'ratio' ? ratio(row, rows) : row.value;
    const unit = goal.of === 'ratio' ? '×' : ` ${row.unit}`;
    const bound =
      goal.atLeast !== undefined ? `≥ ${goal.atLeast}${unit}` : `≤ ${goal.atMost ?? NaN}${unit}`;
    const what = `${row.name} ${bound}${goal.of === 'ratio' ? ` ${row.baseline}` : ''} (${goal.source})`;
    if (measured === null) return [`goal not measured: ${what}: no baseline row in this run`];
    const shown = `${measured.toFixed(2)}${unit}`;
    const met =
      (goal.atLeast === undefined || measured >= goal.atLeast) &&
      (goal.atMost === undefined || measured <= goal.atMost);
    if (met) return [`goal met: ${what}: ${shown}`];
    const gap =
      goal.atLeast !== undefined ? goal.atLeast - measured : measured - (goal.atMost ?? measured);
    return [`goal missed: ${what}: ${shown}, short by ${gap.toFixed(2)}${unit}`];
  });
}
