/**
 * The tracking benchmark (issue 4, item 7): propagation (layers/s, image encoder included:
 * every layer is encoded once, as on a first track) and one click (ms, decoder only: the
 * clicked layer's embeddings are cached) for the bundled samocta2-nano on onnxruntime-node
 * and onnxruntime-web's WASM backend in Node, all single-threaded, against the PyTorch
 * reference of the same model on the same layers and click in the same run; then the webview's
 * own engine in headless Chromium (bench/chromiumTracking.ts): onnxruntime-web WASM on one
 * thread (a VS Code webview is not cross-origin isolated) and with threads (an isolated page),
 * and WebGPU (SwiftShader here, so over two layers only). The SAM 2.1 tiny-size random-weight
 * 1024 px bundle is measured over a few layers when it has been made, against PyTorch with the
 * same weights (rebuilt from the seed in its manifest), and its int8 variant on the host engine.
 * Rows an issue sets a target for carry it as `goal`; `npm run bench` ends with met/missed lines.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../src/core/tracker/bundleSessions';
import type { OnnxRuntime } from '../src/core/tracker/onnxRuntime';
import { SamTracker } from '../src/core/tracker/tracker';
import type { LayerPrompt, TrackOptions } from '../src/core/tracker/trackTypes';
import { layerDensity } from '../src/core/tracker/visibilityGate';
import { volumeLayerSource, type VolumeLayerSource } from '../src/core/tracker/volumeLayers';
import { generateSyntheticOcta } from '../src/core/synth/generateSyntheticOcta';
import {
  folderSource,
  nodeRuntime,
  nodeSha256,
  webWasmRuntime,
  type OrtModule,
} from '../src/engine/ortNode';
import { percentile, type BenchGoal, type BenchRow, type BenchSuite } from './benchTable';
import { pageTimings, type PageEngine, type PageJob } from './chromiumTracking';
import { quantizedBundle, type Quantization } from './quantizedBundles';
import { torchTimings } from './trackingTorch';
import { hostEngineTimings, type HostEngineJob } from './hostEngineTiming';

const ROOT = join(__dirname, '..');
const suite = 'tracking';
const SIZE = [128, 128, 64] as const;
const CLICKS = 20;
const TINY_DIR = '.cache/samocta2-tiny-random';
const TINY_LAYERS = 3;
const TORCH_PROPAGATE = 'baseline: PyTorch nano, propagate';
const TORCH_CLICK = 'baseline: PyTorch nano, click median';
/** SwiftShader's WebGPU takes tens of seconds a layer on a shared CPU: a short run there. */
const WEBGPU_CLICKS = 3;
const WEBGPU_LAYERS = 2;
const QUANTIZED: readonly Quantization[] = ['int8', 'fp16'];
/** The host engine (issue 17) on one thread and on every core of this machine. */
const HOST_THREADS = [1, availableParallelism()] as const;
const TORCH_ALL_PROPAGATE = 'baseline: PyTorch nano all threads, propagate';
const TORCH_ALL_CLICK = 'baseline: PyTorch nano all threads, click median';
/** Issue 17 item 5: the host engine ≥ 1.5× PyTorch CPU at the same thread count, both bundles. */
const HOST_VS_TORCH: BenchGoal = { of: 'ratio', atLeast: 1.5, source: 'issue 17 item 5' };
/** Issue 17 item 5: a tiny-size click on the host engine. */
const TINY_CLICK: BenchGoal = { of: 'value', atMost: 150, source: 'issue 17 item 5' };
/** Issue 13 item 4: the bundle on onnxruntime-node (1 thread) ≥ 1.2× its own PyTorch model. */
const NODE_VS_TORCH: BenchGoal = { of: 'ratio', atLeast: 1.2, source: 'issue 13 item 4' };
const CHROMIUM: readonly PageEngine[] = [
  { label: 'Chromium wasm 1 thread', webgpu: false, isolated: false },
  { label: 'Chromium wasm threads', webgpu: false, isolated: true },
  { label: 'Chromium webgpu', webgpu: true, isolated: false },
];

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
    // Distinct layers, as the engines' `trackDone` counts them (both passes emit the start layer).
    const distinct = new Set(result.order).size;
    return { clickMs, layersPerSecond: distinct / seconds, layers: distinct };
  } finally {
    await bundle.release();
  }
}

const NANO_LAYER_MS = 'nano ort-node: ms per tracked layer';

/**
 * What the visibility gate adds to each tracked vessel layer (src/core/tracker/visibilityGate.ts:
 * the layer's block density), at OCTA-500's layer sizes (3M 304 px, 6M 400 px, the shared
 * stacks' 512 px), against the nano's own time per tracked layer on one thread.
 */
function visibilityGateRows(): BenchRow[] {
  return [304, 400, 512].map((side) => {
    const layer = Float32Array.from({ length: side * side }, (_, i) => ((i * 7919) % 1000) / 1000);
    layerDensity(layer, side, side); // warm-up
    const ms: number[] = [];
    for (let n = 0; n < 7; n++) {
      const t0 = performance.now();
      layerDensity(layer, side, side);
      ms.push(performance.now() - t0);
    }
    return {
      suite,
      name: `visibility gate: ${side} px layer`,
      value: percentile(ms, 50),
      unit: 'ms',
      baseline: NANO_LAYER_MS,
      note: 'added to each tracked vessel layer (median of 7)',
    };
  });
}

/** One engine's rows; a failure (no WebGPU adapter, an old bundle) becomes a printed skip. */
async function chromiumRows(
  engine: PageEngine,
  job: PageJob,
  model: string,
  propBase: string | undefined,
  clickBase: string | undefined,
): Promise<BenchRow[]> {
  let t: Awaited<ReturnType<typeof pageTimings>>;
  try {
    t = await pageTimings(engine, job);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    process.stdout.write(`  ${model} on ${engine.label} skipped: ${why}\n`);
    return [];
  }
  const name = `${model} ${engine.label}`;
  const span = job.range ? `layers ${job.range[0]}–${job.range[1]} forward` : `${t.layers} layers`;
  const where = `${t.runtime}, ${t.threads} thread${t.threads > 1 ? 's' : ''}${t.isolated ? ', isolated' : ''}`;
  return [
    {
      suite,
      name: `${name}: propagate`,
      value: (1000 * t.layers) / t.trackMs,
      unit: 'layers/s',
      baseline: propBase,
      note: `${where}; ${span}${t.backend === (engine.webgpu ? 'webgpu' : 'wasm') ? '' : `; ran on ${t.backend}`}`,
    },
    {
      suite,
      name: `${name}: click median`,
      value: percentile(t.clickMs, 50),
      unit: 'ms',
      baseline: clickBase,
      note: `${t.clickMs.length} clicks, page → worker → page`,
    },
  ];
}

/**
 * The host engine's rows at 1 thread and at every core, each against the PyTorch row of the same
 * thread count where there is one (`bases[threads]`); a failure becomes a printed skip.
 */
async function hostEngineRows(
  model: string,
  job: HostEngineJob,
  bases: Record<number, { prop: string; click: string } | undefined>,
  /** The click goal of this model's all-threads row, if the issue sets one. */
  clickGoal?: BenchGoal,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const threads of HOST_THREADS) {
    process.stdout.write(`  ${model} on the host engine, ${threads} thread(s)…\n`);
    let t: Awaited<ReturnType<typeof hostEngineTimings>>;
    try {
      t = await hostEngineTimings(job, threads);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      process.stdout.write(`  ${model} on the host engine skipped: ${why}\n`);
      continue;
    }
    const name = `${model} host engine ${threads === 1 ? '1 thread' : `${threads} threads`}`;
    const span = job.range
      ? `layers ${job.range[0]}–${job.range[1]} ${job.direction}`
      : `${t.layers} layers`;
    rows.push(
      {
        suite,
        name: `${name}: propagate`,
        value: (1000 * t.layers) / t.trackMs,
        unit: 'layers/s',
        baseline: bases[threads]?.prop,
        note: `${t.runtime}, ${threads} intra-op thread${threads > 1 ? 's' : ''}; ${span}`,
        goal: HOST_VS_TORCH,
      },
      {
        suite,
        name: `${name}: click median`,
        value: percentile(t.clickMs, 50),
        unit: 'ms',
        baseline: bases[threads]?.click,
        note: `${t.clickMs.length} clicks, webview protocol → host engine → answer`,
        goal: threads > 1 ? clickGoal : undefined,
      },
    );
  }
  return rows;
}

/**
 * PyTorch rows for the tiny-size random-weight bundle, on 1 thread and on every core: its weights
 * rebuilt from the seed in its manifest (bench/torch_track_bench.py), over the same forward
 * window the other tiny rows track (the window alone is handed over, clicked on its first layer).
 */
async function tinyTorchRows(
  layers: VolumeLayerSource,
  click: Click,
  range: { from: number; to: number },
  allThreads: number,
): Promise<{ rows: BenchRow[]; bases: Record<number, { prop: string; click: string }> }> {
  const window = {
    count: range.to - range.from + 1,
    rows: layers.rows,
    cols: layers.cols,
    layer: (f: number) => layers.layer(range.from + f),
  };
  const rows: BenchRow[] = [];
  const bases: Record<number, { prop: string; click: string }> = {};
  for (const threads of new Set([1, allThreads])) {
    process.stdout.write(
      `  PyTorch reference (tiny, 1024 px, random weights), ${threads} thread(s)…\n`,
    );
    const t = await torchTimings(ROOT, TINY_DIR, window, { ...click, layer: 0 }, CLICKS, threads);
    if ('skip' in t) {
      process.stdout.write(`  PyTorch tiny rows skipped: ${t.skip}\n`);
      continue;
    }
    const name = `baseline: PyTorch tiny ${threads === 1 ? '1 thread' : `${threads} threads`}`;
    bases[threads] = { prop: `${name}, propagate`, click: `${name}, click median` };
    rows.push(
      {
        suite,
        name: `${name}, propagate`,
        value: (1000 * t.layers) / t.propagateMs,
        unit: 'layers/s',
        note: `torch ${t.torch}, layers ${range.from}–${range.to} forward`,
      },
      { suite, name: `${name}, click median`, value: percentile(t.clickMs, 50), unit: 'ms' },
    );
  }
  return { rows, bases };
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
    process.stdout.write("  PyTorch reference (nano, the bundle's own base.pt + lora.pt)…\n");
    const torch = await torchTimings(ROOT, 'models/samocta2-nano', layers, click, CLICKS);
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

    // PyTorch on every core, the host engine's all-threads baseline (issue 17, item 5).
    const allThreads = HOST_THREADS[1];
    let torchAll: { prop: string; click: string } | undefined;
    if (allThreads > 1 && !('skip' in torch)) {
      process.stdout.write(`  PyTorch reference on ${allThreads} threads…\n`);
      const t = await torchTimings(ROOT, 'models/samocta2-nano', layers, click, CLICKS, allThreads);
      if ('skip' in t)
        process.stdout.write(`  PyTorch ${allThreads}-thread rows skipped: ${t.skip}\n`);
      else {
        torchAll = { prop: TORCH_ALL_PROPAGATE, click: TORCH_ALL_CLICK };
        add({
          name: TORCH_ALL_PROPAGATE,
          value: (1000 * t.layers) / t.propagateMs,
          unit: 'layers/s',
          note: `torch ${t.torch}, ${t.threads} threads, ${t.layers} layers`,
        });
        add({
          name: TORCH_ALL_CLICK,
          value: percentile(t.clickMs, 50),
          unit: 'ms',
          note: `${CLICKS} clicks`,
        });
      }
    }
    const hostJob = (
      bundleDir: string,
      range: HostEngineJob['range'],
      direction: HostEngineJob['direction'],
    ): HostEngineJob => ({
      bundleDir,
      volume: synth.volume,
      click,
      clicks: CLICKS,
      range,
      direction,
    });
    const torchOne = propBase && clickBase ? { prop: propBase, click: clickBase } : undefined;
    rows.push(
      ...(await hostEngineRows('nano', hostJob(nano, null, 'both'), {
        1: torchOne,
        [allThreads]: torchAll,
      })),
    );

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
        goal: label === 'ort-node' ? NODE_VS_TORCH : undefined,
      });
      add({
        name: `nano ${label}: click median`,
        value: percentile(m.clickMs, 50),
        unit: 'ms',
        baseline: clickBase,
      });
      add({ name: `nano ${label}: click p95`, value: percentile(m.clickMs, 95), unit: 'ms' });
      if (label === 'ort-node') {
        add({ name: NANO_LAYER_MS, value: 1000 / m.layersPerSecond, unit: 'ms', note });
      }
    }
    rows.push(...visibilityGateRows());

    // The quantized variants against the float32 nano on the same runtime (issue 17, item 2).
    for (const kind of QUANTIZED) {
      const made = quantizedBundle(ROOT, 'models/samocta2-nano', kind);
      if ('skip' in made) {
        process.stdout.write(`  nano ${kind} rows skipped: ${made.skip}\n`);
        continue;
      }
      for (const [label, make] of runtimes) {
        process.stdout.write(`  nano ${kind} on ${label}…\n`);
        const m = await measure(made.dir, await make(), layers, click, {});
        add({
          name: `nano ${kind} ${label}: propagate`,
          value: m.layersPerSecond,
          unit: 'layers/s',
          baseline: `nano ${label}: propagate`,
          note: `1 thread, ${m.layers} layers`,
        });
        add({
          name: `nano ${kind} ${label}: click median`,
          value: percentile(m.clickMs, 50),
          unit: 'ms',
          baseline: `nano ${label}: click median`,
        });
      }
    }

    const voxels = new Uint8Array(synth.volume.data.buffer.slice(0));
    const job = (bundleDir: string, webgpu: boolean, layers?: number): PageJob => ({
      bundleDir,
      dims: SIZE,
      voxels,
      click,
      clicks: webgpu ? WEBGPU_CLICKS : CLICKS,
      range: layers ? [layer, Math.min(SIZE[2] - 1, layer + layers - 1)] : null,
      direction: layers ? 'forward' : 'both',
    });
    for (const engine of CHROMIUM) {
      process.stdout.write(`  nano on ${engine.label}…\n`);
      rows.push(
        ...(await chromiumRows(
          engine,
          job(nano, engine.webgpu, engine.webgpu ? WEBGPU_LAYERS : undefined),
          'nano',
          propBase,
          clickBase,
        )),
      );
    }

    const tiny = join(ROOT, TINY_DIR);
    if (!existsSync(join(tiny, 'manifest.json'))) {
      process.stdout.write(
        `  tiny rows skipped: no ${TINY_DIR}; make it with bash scripts/export-tiny-bundle.sh\n`,
      );
      return rows;
    }
    const range = { from: layer, to: Math.min(SIZE[2] - 1, layer + TINY_LAYERS - 1) };
    const tinyTorch = await tinyTorchRows(layers, click, range, allThreads);
    rows.push(...tinyTorch.rows);
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
    rows.push(
      ...(await hostEngineRows(
        'tiny',
        hostJob(tiny, [range.from, range.to], 'forward'),
        tinyTorch.bases,
        TINY_CLICK,
      )),
    );
    // The int8 variant (issue 17 item 2) on the host engine, against the same PyTorch rows: where
    // the float32 graphs are behind PyTorch's CPU kernels, quantized weights are the next lever.
    const tinyInt8 = quantizedBundle(ROOT, TINY_DIR, 'int8');
    if ('skip' in tinyInt8) process.stdout.write(`  tiny int8 rows skipped: ${tinyInt8.skip}\n`);
    else
      rows.push(
        ...(await hostEngineRows(
          'tiny int8',
          hostJob(tinyInt8.dir, [range.from, range.to], 'forward'),
          tinyTorch.bases,
          TINY_CLICK,
        )),
      );
    const engine = CHROMIUM[0]!;
    process.stdout.write(`  tiny (1024 px, random weights) on ${engine.label}…\n`);
    const tinyJob = { ...job(tiny, false, TINY_LAYERS), clicks: WEBGPU_CLICKS };
    rows.push(...(await chromiumRows(engine, tinyJob, 'tiny', tinyBase?.prop, tinyBase?.click)));
    return rows;
  },
};
