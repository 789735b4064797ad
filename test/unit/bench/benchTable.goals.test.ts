import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoals, type BenchRow } from '../../../bench/benchTable';

const base: BenchRow = { suite: 's', name: 'torch: propagate', value: 2, unit: 'layers/s' };
const row = (value: number, goal: BenchRow['goal'], baseline?: string): BenchRow => ({
  suite: 's',
  name: 'host: propagate',
  value,
  unit: 'layers/s',
  baseline,
  goal,
});

test('a ratio goal is met, or missed with the gap stated', () => {
  const goal = { of: 'ratio', atLeast: 1.5, source: 'issue 17' } as const;
  assert.match(formatGoals([base, row(4, goal, base.name)])[0] ?? '', /^goal met: .*2\.00×/);
  const missed = formatGoals([base, row(2.5, goal, base.name)])[0] ?? '';
  assert.match(
    missed,
    /^goal missed: host: propagate ≥ 1\.5× torch: propagate \(issue 17\): 1\.25×, short by 0\.25×$/,
  );
});

test('a value goal with an upper bound, and a goal whose baseline did not run', () => {
  const click: BenchRow = {
    suite: 's',
    name: 'click',
    value: 171,
    unit: 'ms',
    goal: { of: 'value', atMost: 150, source: 'i' },
  };
  assert.match(formatGoals([click])[0] ?? '', /goal missed: .*171\.00 ms, short by 21\.00 ms/);
  assert.match(formatGoals([{ ...click, value: 120 }])[0] ?? '', /^goal met/);
  const orphan = row(3, { of: 'ratio', atLeast: 1.5, source: 'i' }, 'absent row');
  assert.match(formatGoals([orphan])[0] ?? '', /^goal not measured: .*no baseline row/);
  assert.deepEqual(formatGoals([base]), []);
});
