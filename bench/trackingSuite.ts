/**
 * The tracking benchmark (issue 4, item 7): propagation (layers/s, image encoder included:
 * every layer is encoded once, as on a first track) and one click (ms, decoder only: the
 * clicked layer's embeddings are cached) for the bundled samocta2-nano on onnxruntime-node
 * and onnxruntime-web's WASM backend in Node, all single-threaded, against the PyTorch
 * reference of the same model on the same layers and click in the same run. The SAM 2.1
 * tiny-size random-weight 1024 px bundle is measured over a few layers when it has been made.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundle } from '../src/core/tracker/bundleSessions';
import type { OnnxRuntime } from '../src/core/tracker/onnxRuntime';
import { SamTracker } from '../src/core/tracker/tracker';
import type { LayerPrompt, TrackOptions } from '../src/core/tracker/trackTypes';
import { volumeLayerSource, type VolumeLayerSource } from '../src/core/tracker/volumeLayers';
import { generateSyntheticOcta } from '../src/core/synth/generateSyntheticOcta';
import {
  folderSource,
  nodeRuntime,
  nodeSha256,
  webWasmRuntime,
  type OrtModule,
} from '../src/cli/ortNode';
import { percentile, type BenchRow, type BenchSuite } from './benchTable';
import { torchTimings } from './trackingTorch';

const ROOT = join(__dirname, '..');
const suite = 'tracking';
const SIZE = [128, 128, 64] as const;
const CLICKS = 20;
const TINY_DIR = '.cache/samocta2-tiny-random';
const TINY_LAYERS = 3;
const TORCH_PROPAGATE = 'baseline: PyTorch nano, propagate';
const TORCH_CLICK = 'baseline: PyTorch nano, click median';

interface Click {
  layer: number;
  x: number;
  y: number;
}

async function webWasm(): Promise<OnnxRuntime> {
  const ort = (await import('onnxruntime-web')) as unknown as OrtModule & {
    env: { wasm: { numThreads: number; wasmPaths: string } };
  };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = join(ROOT, 'node_modules/onnxruntime-web/dist/');
  return webWasmRuntime(ort);
}

/** Click timings (decoder only) and one timed track, with a fresh embedding cache. */
async function measure(
  dir: string,
  runtime: OnnxRuntime,
  layers: VolumeLayerSource,
  click: Click,
  options: TrackOptions,
): Promise<{ clickMs: number[]; layersPerSecond: number; layers: number }> {
  const bundle = await loadBundle(folderSource(dir), runtime, nodeSha256);
  try {
    const tracker = new SamTracker(bundle, layers, { cache: { maxEntries: 256 } });
    const points = [{ x: click.x, y: click.y, positive: true }];
    await tracker.previewLayer(click.layer, points); // encodes the clicked layer once
    const clickMs: number[] = [];
    for (let n = 0; n < CLICKS; n++) {
      const t0 = performance.now();
      await tracker.previewLayer(click.layer, points);
      clickMs.push(performance.now() - t0);
    }
    const prompts: LayerPrompt[] = [{ layer: click.layer, points }];
    const t0 = performance.now();
    const result = await tracker.track(prompts, options);
    const seconds = (performance.now() - t0) / 1000;
    return { clickMs, layersPerSecond: result.order.length / seconds, layers: result.order.length };
  } finally {
    await bundle.release();
  }
}

export const trackingSuite: BenchSuite = {
  name: suite,
  async run(): Promise<BenchRow[]> {
    mkdirSync(join(ROOT, '.cache/bench'), { recursive: true });
    const synth = generateSyntheticOcta({ seed: 1, size: SIZE });
    const layers = volumeLayerSource(synth.volume, 2);
    const vessel = [...synth.meta.vessels].sort((a, b) => b.voxels - a.voxels)[0];
    if (!vessel) throw new Error('the synthetic volume has no vessel to click on');
    const [x, y, layer] = vessel.point;
    const click: Click = { layer, x, y };
    const where = `${SIZE.join('×')} synth seed 1, click ${x},${y} on layer ${layer}`;
    const rows: BenchRow[] = [];
    const add = (row: Omit<BenchRow, 'suite'>) => rows.push({ suite, ...row });

    const nano = join(ROOT, 'models/samocta2-nano');
    const manifest = JSON.parse(readFileSync(join(nano, 'manifest.json'), 'utf8')) as {
      provenance?: { checkpoint?: string | null };
    };
    const checkpoint = manifest.provenance?.checkpoint;
    process.stdout.write('  PyTorch reference (nano)…\n');
    const torch = checkpoint
      ? await torchTimings(ROOT, checkpoint, layers, click, CLICKS)
      : { skip: 'the bundle names no source checkpoint' };
    let propBase: string | undefined;
    let clickBase: string | undefined;
    if ('skip' in torch) {
      process.stdout.write(`  PyTorch rows skipped: ${torch.skip}\n`);
    } else {
      propBase = TORCH_PROPAGATE;
      clickBase = TORCH_CLICK;
      const note = `torch ${torch.torch}, 1 thread, ${torch.layers} layers; ${where}`;
      add({
        name: TORCH_PROPAGATE,
        value: (1000 * torch.layers) / torch.propagateMs,
        unit: 'layers/s',
        note,
      });
      add({
        name: TORCH_CLICK,
        value: percentile(torch.clickMs, 50),
        unit: 'ms',
        note: `${CLICKS} clicks`,
      });
    }

    const runtimes: [string, () => Promise<OnnxRuntime>][] = [
      ['ort-node', () => nodeRuntime(1)],
      ['ort-web wasm', webWasm],
    ];
    for (const [label, make] of runtimes) {
      process.stdout.write(`  nano on ${label}…\n`);
      const m = await measure(nano, await make(), layers, click, {});
      const note = `1 thread, ${m.layers} layers`;
      add({
        name: `nano ${label}: propagate`,
        value: m.layersPerSecond,
        unit: 'layers/s',
        baseline: propBase,
        note,
      });
      add({
        name: `nano ${label}: click median`,
        value: percentile(m.clickMs, 50),
        unit: 'ms',
        baseline: clickBase,
      });
      add({ name: `nano ${label}: click p95`, value: percentile(m.clickMs, 95), unit: 'ms' });
    }

    const tiny = join(ROOT, TINY_DIR);
    if (!existsSync(join(tiny, 'manifest.json'))) {
      process.stdout.write(
        `  tiny rows skipped: no ${TINY_DIR}; make it with bash scripts/export-tiny-bundle.sh\n`,
      );
      return rows;
    }
    const range = { from: layer, to: Math.min(SIZE[2] - 1, layer + TINY_LAYERS - 1) };
    let tinyBase: { prop: string; click: string } | undefined;
    for (const [label, make] of runtimes) {
      process.stdout.write(`  tiny (1024 px, random weights) on ${label}…\n`);
      let m: Awaited<ReturnType<typeof measure>>;
      try {
        m = await measure(tiny, await make(), layers, click, { range, direction: 'forward' });
      } catch (error) {
        // A bundle exported before an exporter fix may not open on every runtime.
        const why = error instanceof Error ? error.message : String(error);
        process.stdout.write(
          `  tiny on ${label} skipped: ${why} (re-make it: bash scripts/export-tiny-bundle.sh)\n`,
        );
        continue;
      }
      const prop = `tiny ${label}: propagate`;
      const clk = `tiny ${label}: click median`;
      const note = `1 thread, layers ${range.from}–${range.to} forward`;
      add({
        name: prop,
        value: m.layersPerSecond,
        unit: 'layers/s',
        baseline: tinyBase?.prop,
        note,
      });
      add({ name: clk, value: percentile(m.clickMs, 50), unit: 'ms', baseline: tinyBase?.click });
      tinyBase ??= { prop, click: clk };
    }
    return rows;
  },
};
