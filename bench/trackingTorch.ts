/**
 * The tracking suite's baseline: the PyTorch reference of the same model (sam2's
 * SAM2VideoPredictor with the bundle's own base.pt and lora.pt, LoRA merged) on the same
 * windowed layers and click, through bench/torch_track_bench.py in the trainer's venv.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerSource } from '../src/core/tracker/trackTypes';

export interface TorchTimings {
  readonly clickMs: number[];
  readonly propagateMs: number;
  readonly layers: number;
  readonly threads: number;
  readonly torch: string;
}

export type TorchResult = TorchTimings | { readonly skip: string };

export async function torchTimings(
  root: string,
  bundle: string,
  layers: LayerSource,
  click: { layer: number; x: number; y: number },
  clicks: number,
  /** torch.set_num_threads; 1 = the single-thread reference. */
  threads = 1,
): Promise<TorchResult> {
  const python = join(root, '.venv/bin/python');
  if (!existsSync(python)) return { skip: `no trainer venv at ${python}` };
  const { count, rows, cols } = layers;
  const all = new Float32Array(count * rows * cols);
  for (let f = 0; f < count; f++) all.set(await layers.layer(f), f * rows * cols);
  const file = join(root, '.cache/bench/tracking-layers.f32');
  writeFileSync(file, new Uint8Array(all.buffer));
  const run = spawnSync(
    python,
    [
      join(root, 'bench/torch_track_bench.py'),
      ...['--bundle', join(root, bundle), '--layers', file],
      ...['--shape', `${count},${rows},${cols}`, '--click', `${click.layer},${click.x},${click.y}`],
      ...['--clicks', String(clicks), '--threads', String(threads)],
    ],
    { encoding: 'utf8', maxBuffer: 2 ** 24 },
  );
  const last = run.stdout?.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    const why = (run.stderr ?? '').trim().split('\n').slice(-3).join(' / ');
    return { skip: `PyTorch reference failed (exit ${run.status}): ${why}` };
  }
  return JSON.parse(last) as TorchResult;
}
