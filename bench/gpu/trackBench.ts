/**
 * One tracking engine timed for bench/gpu/run.sh, as one JSON line on stdout: onnxruntime-node
 * (CPU or the CUDA execution provider) running the core SamTracker, or the webview's own
 * worker in headless Chromium (bench/chromiumTracking.ts: WebGPU on the real adapter, refusing
 * a software one, or WASM). Clicks are decoder-only (the clicked layer is encoded first); the
 * track runs both ways from the clicked layer, every layer encoded once.
 *
 *   node --conditions=import --import tsx bench/gpu/trackBench.ts --engine ort-node-cuda \
 *     --bundle DIR --volume FILE.u8 --dims X,Y,Z --click LAYER,X,Y [--clicks 10] [--threads N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadBundle } from '../../src/core/tracker/bundleSessions';
import { SamTracker } from '../../src/core/tracker/tracker';
import { volumeLayerSource } from '../../src/core/tracker/volumeLayers';
import type { Volume } from '../../src/core/volume/volume';
import { adaptOrt, folderSource, nodeSha256, type OrtModule } from '../../src/engine/ortNode';
import { pageTimings } from '../chromiumTracking';

const ENGINES = ['ort-node-cpu', 'ort-node-cuda', 'chromium-webgpu', 'chromium-wasm'] as const;
type Engine = (typeof ENGINES)[number];

/** Chromium on a Linux NVIDIA machine: WebGPU through Dawn's Vulkan backend, headless. */
const GPU_CHROMIUM_ARGS = [
  '--enable-features=Vulkan',
  '--use-angle=vulkan',
  '--ignore-gpu-blocklist',
];

interface Result {
  engine: Engine;
  runtime: string;
  adapter: string | null;
  clickMs: number[];
  propagateMs: number;
  layers: number;
}

function numbers(text: string, count: number, what: string): number[] {
  const values = text.split(',').map(Number);
  if (values.length !== count || values.some((v) => !Number.isFinite(v)))
    throw new Error(`--${what} takes ${count} comma-separated numbers; got '${text}'.`);
  return values;
}

async function ortNode(
  engine: Engine,
  bundleDir: string,
  volume: Volume,
  click: { layer: number; x: number; y: number },
  clicks: number,
  threads: number,
): Promise<Result> {
  const ort = (await import('onnxruntime-node')) as unknown as OrtModule;
  const cuda = engine === 'ort-node-cuda';
  const runtime = adaptOrt(ort, `onnxruntime-node (${cuda ? 'cuda' : 'cpu'})`, {
    executionProviders: cuda ? ['cuda'] : ['cpu'],
    intraOpNumThreads: threads,
    logSeverityLevel: 3,
  });
  const bundle = await loadBundle(folderSource(bundleDir), runtime, nodeSha256);
  try {
    const tracker = new SamTracker(bundle, volumeLayerSource(volume, 2));
    const points = [{ x: click.x, y: click.y, positive: true }];
    await tracker.previewLayer(click.layer, points);
    const clickMs: number[] = [];
    for (let n = 0; n < clicks; n++) {
      const t0 = performance.now();
      await tracker.previewLayer(click.layer, points);
      clickMs.push(performance.now() - t0);
    }
    const t0 = performance.now();
    const track = await tracker.track([{ layer: click.layer, points }]);
    return {
      engine,
      runtime: runtime.name,
      adapter: null,
      clickMs,
      propagateMs: performance.now() - t0,
      layers: track.order.length,
    };
  } finally {
    await bundle.release();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string' },
      bundle: { type: 'string' },
      volume: { type: 'string' },
      dims: { type: 'string' },
      click: { type: 'string' },
      clicks: { type: 'string', default: '10' },
      threads: { type: 'string', default: '1' },
    },
  });
  const engine = values.engine as Engine;
  if (!ENGINES.includes(engine)) throw new Error(`--engine is one of ${ENGINES.join(', ')}.`);
  if (!values.bundle || !values.volume || !values.dims || !values.click)
    throw new Error('--bundle, --volume, --dims and --click are required.');
  const dims = numbers(values.dims, 3, 'dims') as [number, number, number];
  const [layer, x, y] = numbers(values.click, 3, 'click') as [number, number, number];
  const voxels = new Uint8Array(readFileSync(values.volume));
  if (voxels.length !== dims[0] * dims[1] * dims[2])
    throw new Error(`${values.volume} holds ${voxels.length} bytes, not ${dims.join('×')}.`);
  const click = { layer, x, y };
  const clicks = Number(values.clicks);
  let result: Result;
  if (engine.startsWith('ort-node')) {
    const volume: Volume = {
      dims,
      spacingMm: [1, 1, 1],
      affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
      type: 'uint8',
      data: voxels,
    };
    result = await ortNode(engine, values.bundle, volume, click, clicks, Number(values.threads));
  } else {
    const webgpu = engine === 'chromium-webgpu';
    const t = await pageTimings(
      {
        label: engine,
        webgpu,
        isolated: false,
        chromiumArgs: webgpu ? GPU_CHROMIUM_ARGS : [],
        // The smoke mode (no GPU) lets SwiftShader stand in, and says so in the adapter's name.
        hardwareAdapter: webgpu && process.env.GPU_BENCH_SMOKE !== '1',
      },
      {
        bundleDir: values.bundle,
        dims,
        voxels,
        click,
        clicks,
        range: null,
        direction: 'both',
      },
    );
    result = {
      engine,
      runtime: `${t.runtime} (${t.backend})`,
      adapter: t.adapter,
      clickMs: t.clickMs,
      propagateMs: t.trackMs,
      layers: t.layers,
    };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
