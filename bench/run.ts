/**
 * `npm run bench`: runs every suite once, prints one table (each row with its ratio against a
 * baseline measured in the same run) and writes bench/results/latest.json. Not a test: nothing
 * here passes or fails on time. Add a suite by appending it to SUITES; `npm run bench -- NAME`
 * runs only the named suites (viewer, tracking, measure, memory).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatGoals, formatTable, type BenchRow, type BenchSuite } from './benchTable';
import { measureSuite } from './measureSuite';
import { memorySuite } from './memorySuite';
import { trackingSuite } from './trackingSuite';
import { viewerSuite } from './viewerSuite';

const SUITES: readonly BenchSuite[] = [viewerSuite, trackingSuite, measureSuite, memorySuite];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: BenchRow[] = [];
  for (const s of SUITES) {
    if (only.length && !only.includes(s.name)) continue;
    process.stdout.write(`Running ${s.name}…\n`);
    rows.push(...(await s.run()));
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`;
  const goals = formatGoals(rows);
  process.stdout.write(`\n${machine}\n${formatTable(rows)}\n`);
  if (goals.length) process.stdout.write(`\n${goals.join('\n')}\n`);
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'latest.json'),
    JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
