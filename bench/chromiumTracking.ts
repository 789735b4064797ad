/**
 * The webview's own tracking engine, timed in headless Chromium: the built tracker worker
 * (dist/webview/trackerWorker.js, onnxruntime-web) started from a Blob URL as the webview does,
 * fed the bundle's files and the volume through its worker protocol. A loopback server serves
 * the page, cross-origin isolated (COOP/COEP headers) when threads are wanted: a VS Code webview
 * is not isolated, so its figure is the 1-thread row; the threaded row shows what isolation buys.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { ensureBuilt, launchBrowser } from '../test/webview/harness';

const DIST = join(__dirname, '..', 'dist', 'webview');

export interface PageEngine {
  /** Row label, e.g. 'Chromium wasm 1 thread'. */
  readonly label: string;
  /** WebGPU (SwiftShader here, behind --enable-unsafe-webgpu) instead of WASM. */
  readonly webgpu: boolean;
  /** Serve the page cross-origin isolated, so onnxruntime-web may use threads. */
  readonly isolated: boolean;
  /** Chromium flags beyond the WebGPU switch (bench/gpu: the real GPU's Vulkan backend). */
  readonly chromiumArgs?: readonly string[];
  /**
   * Refuse a software adapter (SwiftShader, or any fallback adapter): on a GPU machine a
   * WebGPU figure from the CPU would be silently wrong.
   */
  readonly hardwareAdapter?: boolean;
}

export interface PageJob {
  readonly bundleDir: string;
  readonly dims: readonly [number, number, number];
  readonly voxels: Uint8Array;
  readonly click: { layer: number; x: number; y: number };
  readonly clicks: number;
  /** Inclusive layer range; null = every layer. */
  readonly range: readonly [number, number] | null;
  readonly direction: 'both' | 'forward';
}

export interface PageTimings {
  readonly backend: string;
  readonly runtime: string;
  readonly threads: number;
  readonly isolated: boolean;
  readonly clickMs: number[];
  readonly layers: number;
  readonly trackMs: number;
  /** The WebGPU adapter the page got (vendor, architecture, device, description), or null. */
  readonly adapter: string | null;
}

/** Serves the built webview folder, the bundle's files and the volume on 127.0.0.1. */
async function serve(job: PageJob, isolated: boolean): Promise<{ url: string; server: Server }> {
  const files = readdirSync(job.bundleDir).filter(
    (f) => f === 'manifest.json' || f.endsWith('.onnx'),
  );
  const headers: Record<string, string> = isolated
    ? {
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      }
    : {};
  const types: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript' };
  types['.wasm'] = 'application/wasm';
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (body: Uint8Array | string, type: string): void => {
      res.writeHead(200, { ...headers, 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/')
      return send('<!doctype html><meta charset="utf-8"><title>bench</title>', 'text/html');
    if (path === '/volume') return send(job.voxels, 'application/octet-stream');
    if (path === '/files') return send(JSON.stringify(files), 'application/json');
    if (path.startsWith('/bundle/') && files.includes(path.slice(8))) {
      return send(readFileSync(join(job.bundleDir, path.slice(8))), 'application/octet-stream');
    }
    const file = path.startsWith('/dist/webview/') ? join(DIST, normalize(path.slice(14))) : '';
    if (file && !file.includes('..') && existsSync(file)) {
      return send(readFileSync(file), types[extname(file)] ?? 'application/octet-stream');
    }
    res.writeHead(404, headers);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server };
}

/** One engine: load the bundle in the worker, time `clicks` decoder-only clicks, then one track. */
export async function pageTimings(engine: PageEngine, job: PageJob): Promise<PageTimings> {
  ensureBuilt();
  const { url, server } = await serve(job, engine.isolated);
  const args = engine.webgpu ? ['--enable-unsafe-webgpu'] : ['--disable-features=WebGPU'];
  const browser = await launchBrowser([...args, ...(engine.chromiumArgs ?? [])]);
  try {
    const page = await browser.context.newPage();
    await page.goto(url);
    const adapter = engine.webgpu ? await page.evaluate(describeAdapter) : null;
    if (engine.hardwareAdapter && (!adapter || adapter.software)) {
      throw new Error(
        `no hardware WebGPU adapter (${adapter ? `got ${adapter.name}` : 'none'}): refusing a CPU figure`,
      );
    }
    const input = {
      webgpu: engine.webgpu,
      dims: job.dims,
      click: job.click,
      clicks: job.clicks,
      range: job.range,
      direction: job.direction,
    };
    return { ...(await page.evaluate(runInPage, input)), adapter: adapter?.name ?? null };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** In the page: the adapter WebGPU gives, named, and whether it is a software one. */
async function describeAdapter(): Promise<{ name: string; software: boolean } | null> {
  type Info = { vendor?: string; architecture?: string; device?: string; description?: string };
  type Adapter = { info?: Info; isFallbackAdapter?: boolean };
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const name =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') ||
    'unnamed adapter';
  const software = adapter.isFallbackAdapter === true || /swiftshader/i.test(name);
  return { name, software };
}

type RunInput = {
  webgpu: boolean;
  dims: readonly [number, number, number];
  click: { layer: number; x: number; y: number };
  clicks: number;
  range: readonly [number, number] | null;
  direction: 'both' | 'forward';
};

/**
 * Runs in the page (serialized by Playwright: self-contained, no imports). The worker's
 * messages are those of src/protocol/workerMessages.ts; a click is timed from the page's
 * `preview` to the worker's `trackDone`, as the editor waits for it.
 */
async function runInPage(input: RunInput): Promise<Omit<PageTimings, 'adapter'>> {
  type Message = { type: string; [key: string]: unknown };
  const base = new URL('/dist/webview/', location.href).href;
  const [source, wasm] = await Promise.all([
    fetch(`${base}trackerWorker.js`).then((r) => r.text()),
    fetch(`${base}ort-wasm-simd-threaded.asyncify.wasm`).then((r) => r.arrayBuffer()),
  ]);
  const blob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(blob, { type: 'module' });
  const waiters: { test: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  let failure: string | null = null;
  let fellBack: string | null = null;
  worker.onmessage = (e: MessageEvent<Message>) => {
    const m = e.data;
    if (m.type === 'error') failure = String(m.message);
    if (m.type === 'backendChanged') fellBack = String(m.reason);
    const at = waiters.findIndex((w) => w.test(m) || failure !== null);
    if (at >= 0) waiters.splice(at, 1)[0]!.resolve(m);
  };
  const next = (test: (m: Message) => boolean): Promise<Message> =>
    new Promise<Message>((resolve, reject) =>
      waiters.push({
        test,
        resolve: (m) => (failure ? reject(new Error(`tracker worker: ${failure}`)) : resolve(m)),
      }),
    );
  const threads = crossOriginIsolated;
  let ready = next((m) => m.type === 'ready');
  worker.postMessage(
    { type: 'init', wasmBinary: wasm, wasmPaths: base, preferWebGpu: input.webgpu, threads },
    [wasm],
  );
  const r = await ready;
  const names = (await (await fetch('/files')).json()) as string[];
  const files: Record<string, ArrayBuffer> = {};
  for (const n of names) files[n] = await (await fetch(`/bundle/${n}`)).arrayBuffer();
  ready = next((m) => m.type === 'modelLoaded');
  worker.postMessage(
    { type: 'loadModel', requestId: 1, name: 'bench', files },
    Object.values(files),
  );
  const loaded = await ready;
  const voxels = await (await fetch('/volume')).arrayBuffer();
  worker.postMessage(
    {
      type: 'setVolume',
      volumeId: 2,
      dims: input.dims,
      voxelType: 'uint8',
      buffer: voxels,
      axis: 2,
    },
    [voxels],
  );
  const points = [{ x: input.click.x, y: input.click.y, positive: true }];
  let job = 10;
  const click = async (): Promise<number> => {
    const id = ++job;
    const done = next((m) => m.type === 'trackDone' && m.jobId === id);
    const t0 = performance.now();
    worker.postMessage({
      type: 'preview',
      jobId: id,
      objectId: 1,
      layer: input.click.layer,
      points,
    });
    await done;
    return performance.now() - t0;
  };
  await click(); // encodes the clicked layer once
  const clickMs: number[] = [];
  for (let n = 0; n < input.clicks; n++) clickMs.push(await click());
  const id = ++job;
  const done = next((m) => m.type === 'trackDone' && m.jobId === id);
  const t0 = performance.now();
  worker.postMessage({
    type: 'track',
    jobId: id,
    objectId: 1,
    prompts: [{ layer: input.click.layer, points }],
    range: input.range,
    direction: input.direction,
  });
  const finished = await done;
  const trackMs = performance.now() - t0;
  worker.terminate();
  return {
    backend: fellBack ? `wasm (${fellBack})` : String(loaded.backend ?? r.backend),
    runtime: String(loaded.runtime),
    threads: threads ? Math.min(4, navigator.hardwareConcurrency || 1) : 1,
    isolated: crossOriginIsolated,
    clickMs,
    layers: Number(finished.layers),
    trackMs,
  };
}
