/**
 * Fault suite, reader and `track`: seeded mutated NIfTI files (niftiMutator.ts) through
 * readNifti, each outcome classified against the unmutated file as clear error,
 * accepted-and-identical or accepted-and-different, and checked against what the mutated file
 * describes (niftiOracle.ts): a file that must be refused is refused, and an accepted file
 * returns exactly the voxels it describes. So accepted-and-different happens only where the
 * mutation changed the content itself (voxel bytes, scaling, dims, datatype, offset), never from
 * damage. A seeded subset also runs through `sam-octa2 track`. FAULTS_CASES (default 360) and
 * FAULTS_TRACK_CASES (default 24) set the counts; FAULTS_SEED the seed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/cli';
import { NiftiError } from '../../src/core/nifti/niftiError';
import { readNifti } from '../../src/core/nifti/readNifti';
import { ensureParityBundle, loadVectors } from '../fixtures/parityVectors';
import { BASE_DIMS, mutationCases, type MutationCase } from './niftiMutator';
import { expectedVoxels, sameVoxels } from './niftiOracle';

const CASES = Number(process.env.FAULTS_CASES ?? 360);
const TRACK_CASES = Number(process.env.FAULTS_TRACK_CASES ?? 24);
const SEED = Number(process.env.FAULTS_SEED ?? 20261206);

type Outcome = 'clear-error' | 'accepted-identical' | 'accepted-different';

interface Verdict {
  outcome: Outcome;
  /** The dims read, when the file was accepted. */
  dims?: readonly number[];
  /** Why the case breaks the rule, or undefined when it keeps it. */
  problem?: string;
}

function judge(c: MutationCase): Verdict {
  let data: ArrayLike<number>;
  let dims: readonly number[];
  try {
    const result = readNifti(c.bytes);
    data = result.volume.data;
    dims = result.volume.dims;
  } catch (error) {
    if (!(error instanceof NiftiError))
      return { outcome: 'clear-error', problem: `not a NiftiError: ${String(error)}` };
    if (!error.message || error.message.length > 400)
      return { outcome: 'clear-error', problem: 'unclear message' };
    return { outcome: 'clear-error' };
  }
  const original = expectedVoxels(c.base.plain, c.base.described) as number[];
  const identical = sameVoxels(data, original) && dims.join() === c.base.described.dims.join();
  const outcome: Outcome = identical ? 'accepted-identical' : 'accepted-different';
  if (c.expect === 'error')
    return { outcome, dims, problem: 'accepted a file that must be refused' };
  const wanted = expectedVoxels(c.plain, c.expect);
  if (wanted === 'error')
    return { outcome, dims, problem: 'accepted a file that cannot hold its voxels' };
  if (!sameVoxels(data, wanted) || dims.join() !== c.expect.dims.join()) {
    return { outcome, dims, problem: 'returned voxels the file does not describe' };
  }
  if (!identical && !c.changesContent)
    return { outcome, dims, problem: 'different voxels from damage' };
  return { outcome, dims };
}

test(`reader: ${CASES} mutated files, none accepted with voxels other than they describe`, () => {
  const counts: Record<Outcome, number> = {
    'clear-error': 0,
    'accepted-identical': 0,
    'accepted-different': 0,
  };
  const byMutation = new Map<string, Record<Outcome, number>>();
  const problems: string[] = [];
  let n = 0;
  for (const c of mutationCases(SEED, CASES)) {
    const verdict = judge(c);
    counts[verdict.outcome]++;
    const kind = c.mutation.replace(' (gzip)', '');
    const row = byMutation.get(kind) ?? {
      'clear-error': 0,
      'accepted-identical': 0,
      'accepted-different': 0,
    };
    row[verdict.outcome]++;
    byMutation.set(kind, row);
    if (verdict.problem) problems.push(`#${n} ${c.mutation}: ${verdict.problem}`);
    n++;
  }
  const table = [...byMutation].map(
    ([k, r]) => `${k} ${r['clear-error']}/${r['accepted-identical']}/${r['accepted-different']}`,
  );
  console.log(
    `# faults reader (seed ${SEED}): ${n} cases: ${counts['clear-error']} clear-error, ` +
      `${counts['accepted-identical']} accepted-identical, ${counts['accepted-different']} accepted-different ` +
      `(all of them content changes the oracle confirmed); silently wrong: ${problems.length}\n# ` +
      table.join(', '),
  );
  assert.equal(n, CASES);
  assert.deepEqual(problems, []);
  // The suite must exercise every class, or it proves nothing.
  for (const outcome of Object.keys(counts) as Outcome[]) assert.ok(counts[outcome] > 0, outcome);
});

const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-faults-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

test(`track: ${TRACK_CASES} mutated volumes: a clear error with no output, or the labels of what the file describes`, async () => {
  const bundle = ensureParityBundle(loadVectors().graphSha256);
  // The click of every run: layer 2 at (10, 8), moved inside when a dims mutation shrank the
  // volume (else track rightly refuses a click outside it).
  const track = (volume: string, out: string, dims: readonly number[] = BASE_DIMS) =>
    cli([
      'track',
      volume,
      '--model',
      bundle,
      '--prompt',
      `${Math.min(2, dims[2] - 1)}:${Math.min(10, dims[0] - 1)},${Math.min(8, dims[1] - 1)}`,
      '--out',
      out,
    ]);
  const baseline = new Map<string, Buffer>();
  const counts: Record<Outcome, number> = {
    'clear-error': 0,
    'accepted-identical': 0,
    'accepted-different': 0,
  };
  const problems: string[] = [];
  // Every 7th case spreads the subset over mutation kinds and bases.
  const all = [...mutationCases(SEED + 1, TRACK_CASES * 7)].filter((_, i) => i % 7 === 0);
  for (const [i, c] of all.entries()) {
    const key = `${c.base.described.version}-${c.base.described.type}`;
    if (!baseline.has(key)) {
      const file = join(scratch, `base-${key}.nii`);
      writeFileSync(file, c.base.plain);
      const run = await track(file, join(scratch, `base-${key}.seg.nii.gz`));
      assert.equal(run.code, 0, run.err);
      baseline.set(key, readFileSync(join(scratch, `base-${key}.seg.nii.gz`)));
    }
    const volume = join(scratch, `case-${i}.nii${c.bytes[0] === 0x1f ? '.gz' : ''}`);
    writeFileSync(volume, c.bytes);
    const out = join(scratch, `case-${i}.seg.nii.gz`);
    const reader = judge(c);
    const run = await track(volume, out, reader.dims);
    if (run.code !== 0) {
      counts['clear-error']++;
      if (reader.outcome !== 'clear-error')
        problems.push(`#${i} ${c.mutation}: the reader accepted it, track failed: ${run.err}`);
      if (run.code !== 1 && run.code !== 2) problems.push(`#${i} ${c.mutation}: exit ${run.code}`);
      if (existsSync(out)) problems.push(`#${i} ${c.mutation}: failed but wrote ${out}`);
      if (run.err.split('\n').filter(Boolean).length > 3)
        problems.push(`#${i} ${c.mutation}: a long error: ${run.err}`);
    } else {
      // Labels only: a geometry mutation rightly changes the label file's affine.
      const labels = readNifti(readFileSync(out)).volume.data;
      const identical = sameVoxels(labels, readNifti(baseline.get(key)!).volume.data);
      counts[identical ? 'accepted-identical' : 'accepted-different']++;
      if (reader.outcome === 'clear-error')
        problems.push(`#${i} ${c.mutation}: the reader refused it, track did not`);
      if (reader.problem) problems.push(`#${i} ${c.mutation}: ${reader.problem}`);
      if (reader.outcome === 'accepted-identical' && !identical) {
        problems.push(`#${i} ${c.mutation}: the same voxels gave other labels`);
      }
    }
  }
  const temps = readdirSync(scratch).filter((name) => name.endsWith('.tmp'));
  console.log(
    `# faults track: ${all.length} cases: ${counts['clear-error']} clear-error, ${counts['accepted-identical']} ` +
      `accepted-identical, ${counts['accepted-different']} accepted-different; problems ${problems.length}; temp files left ${temps.length}`,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(temps, []);
});
