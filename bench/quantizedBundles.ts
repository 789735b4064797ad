/**
 * The tracking suite's quantized variants of a bundle (issue 17, item 2): `samocta2 quantize`
 * run in the trainer's venv into .cache, reused while it was made from the same float32 graphs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export type Quantization = 'int8' | 'fp16';

interface Manifest {
  graphs: Record<string, { sha256: string }>;
  provenance?: { quantization?: { float32_graph_sha256?: Record<string, string> } };
}

const read = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

/** The folder of `bundle` quantized to `kind`, made when missing or stale; or why not. */
export function quantizedBundle(
  root: string,
  bundle: string,
  kind: Quantization,
): { dir: string } | { skip: string } {
  const dir = join(root, '.cache', `${bundle.split('/').pop()}-${kind}`);
  const source = read(join(root, bundle)).graphs;
  if (existsSync(join(dir, 'manifest.json'))) {
    const made = read(dir).provenance?.quantization?.float32_graph_sha256 ?? {};
    if (Object.entries(made).every(([graph, sha]) => source[graph]?.sha256 === sha)) return { dir };
  }
  const python = join(root, '.venv/bin/python');
  if (!existsSync(python)) return { skip: `no trainer venv at ${python}` };
  rmSync(dir, { recursive: true, force: true });
  const run = spawnSync(
    python,
    ['-m', 'samocta2', 'quantize', join(root, bundle), '--to', kind, '--out', dir],
    {
      encoding: 'utf8',
      maxBuffer: 2 ** 24,
      env: { ...process.env, PYTHONPATH: join(root, 'trainer') },
    },
  );
  if (run.status !== 0) {
    const why = (run.stdout + run.stderr).trim().split('\n').slice(-2).join(' / ');
    return { skip: `samocta2 quantize failed (exit ${run.status}): ${why}` };
  }
  return { dir };
}
