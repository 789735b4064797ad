/**
 * Entry of the tracker worker (bundled to dist/webview/trackerWorker.js and started from a Blob
 * URL, since webview resource URLs do not serve workers). Owns onnxruntime-web, the model bundle
 * and one SamTracker per volume; runs one job at a time so the page never waits on inference.
 */
import { loadBundle, type LoadedBundle } from '../../core/tracker/bundleSessions';
import { DEFAULT_EMBEDDING_CACHE_MIB } from '../../core/tracker/embeddingCache';
import { SamTracker } from '../../core/tracker/tracker';
import type { TrackedFrame } from '../../core/tracker/trackTypes';
import type { Volume } from '../../core/volume/volume';
import type {
  Backend,
  FromWorkerMessage,
  ToWorkerMessage,
  WorkerJobDone,
  WorkerLoadModel,
  WorkerPreview,
  WorkerSetVolume,
  WorkerTrack,
} from '../../protocol/workerMessages';
import { configureOrt, probeWebGpu, webRuntime, webSha256 } from './ortWebRuntime';
import { transferOf } from './transfer';
import { volumeFromWorkerMessage, windowedLayers } from './workerLayers';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorkerMessage>) => void): void;
}
const scope = self as unknown as WorkerScope;

let backend: Backend = 'wasm';
let files: WorkerLoadModel | null = null;
let bundle: LoadedBundle | null = null;
let volume: { volume: Volume; axis: WorkerSetVolume['axis'] } | null = null;
let tracker: SamTracker | null = null;
/** The feature cache's budget (the user's setting, sent as `cacheBudget`). */
let cacheMaxBytes = DEFAULT_EMBEDDING_CACHE_MIB * 2 ** 20;
const cancelled = new Set<number>();
let queue: Promise<void> = Promise.resolve();

function post(message: FromWorkerMessage): void {
  scope.postMessage(message, transferOf(message));
}

scope.addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'cancel') {
    cancelled.add(m.jobId);
    return;
  }
  // Jobs run in arrival order; a failure answers its own request and the queue goes on.
  queue = queue
    .then(() => handle(m))
    .catch((error: unknown) => {
      const id = 'jobId' in m ? m.jobId : 'requestId' in m ? m.requestId : null;
      post({ type: 'error', id, message: (error as Error).message ?? String(error) });
    });
});

async function handle(m: Exclude<ToWorkerMessage, { type: 'cancel' }>): Promise<void> {
  switch (m.type) {
    case 'init': {
      configureOrt(m);
      const gpu = m.preferWebGpu
        ? await probeWebGpu()
        : { ok: false, note: 'WebGPU not requested.' };
      backend = gpu.ok ? 'webgpu' : 'wasm';
      post({ type: 'ready', backend, note: gpu.note });
      return;
    }
    case 'loadModel':
      files = m;
      // A WebGPU session that cannot be created (unsupported op, no device) falls back too.
      await withFallback(openBundle, false);
      post({
        type: 'modelLoaded',
        requestId: m.requestId,
        name: m.name,
        backend,
        runtime: bundle?.runtime.name ?? '',
        imageSize: bundle?.manifest.model.image_size ?? 0,
      });
      return;
    case 'cacheBudget':
      cacheMaxBytes = m.maxBytes;
      tracker?.cache.setLimits({ maxBytes: cacheMaxBytes });
      return;
    case 'setVolume':
      volume = { volume: volumeFromWorkerMessage(m), axis: m.axis };
      tracker = null;
      return;
    case 'preview':
    case 'track':
      await withFallback(() => runJob(m), true);
      return;
  }
}

async function openBundle(): Promise<void> {
  if (!files) throw new Error('No model is loaded.');
  const bytes = files.files;
  await bundle?.release();
  bundle = null;
  tracker = null;
  const read = async (name: string): Promise<Uint8Array> => {
    const b = bytes[name];
    if (!b) throw new Error('not in the bundle folder');
    return new Uint8Array(b);
  };
  bundle = await loadBundle(
    { readBytes: read, readText: async (name) => new TextDecoder().decode(await read(name)) },
    webRuntime(backend),
    webSha256,
  );
}

/**
 * A WebGPU failure (device lost, unsupported op) reopens the bundle on WASM and, when `rerun`,
 * runs the job again there.
 */
async function withFallback(job: () => Promise<void>, rerun: boolean): Promise<void> {
  try {
    await job();
  } catch (error) {
    const e = error as Error;
    if (backend !== 'webgpu' || e.name === 'AbortError') throw error;
    // A damaged bundle fails on every backend; only the runtime's own failures fall back.
    if (e.name === 'BundleError' && !e.message.includes('(webgpu)')) throw error;
    backend = 'wasm';
    post({
      type: 'backendChanged',
      backend,
      reason: `WebGPU failed (${e.message}); continuing on WASM.`,
    });
    await openBundle();
    if (rerun) await job();
  }
}

function currentTracker(): SamTracker {
  if (!bundle) throw new Error('No model is loaded: pick a model bundle first.');
  if (!volume) throw new Error('No volume is open.');
  tracker ??= new SamTracker(bundle, windowedLayers(volume.volume, volume.axis, bundle.manifest), {
    cache: { maxBytes: cacheMaxBytes },
    now: () => performance.now(),
  });
  return tracker;
}

async function runJob(m: WorkerPreview | WorkerTrack): Promise<void> {
  const t = currentTracker();
  const began = performance.now();
  const sendFrame = (f: TrackedFrame): void =>
    post({
      type: 'frame',
      jobId: m.jobId,
      objectId: m.objectId,
      layer: f.layer,
      mask: f.mask.slice().buffer,
      score: f.score,
      prompted: f.prompted,
    });
  if (m.type === 'preview') {
    sendFrame(await t.previewLayer(m.layer, m.points, m.shapes ?? []));
    post({
      type: 'trackDone',
      jobId: m.jobId,
      cancelled: false,
      layers: 1,
      ms: elapsed(began),
      cache: cacheState(t),
    });
    return;
  }
  const signal = {
    get aborted() {
      return cancelled.has(m.jobId);
    },
  };
  // Distinct layers: the start layer is emitted by both passes, and "Tracked 11 layers" on a
  // 10-layer stack reads as a bug.
  const visited = new Set<number>();
  try {
    await t.track(m.prompts, {
      range: m.range ? { from: m.range[0], to: m.range[1] } : undefined,
      direction: m.direction,
      signal,
      onFrame: (f) => {
        visited.add(f.layer);
        sendFrame(f);
      },
      onProgress: (p) =>
        post({
          type: 'progress',
          jobId: m.jobId,
          done: p.done,
          total: p.total,
          layersPerSecond: p.layersPerSecond,
          etaMs: p.etaMs,
        }),
    });
    post({
      type: 'trackDone',
      jobId: m.jobId,
      cancelled: false,
      layers: visited.size,
      ms: elapsed(began),
      cache: cacheState(t),
    });
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
    post({
      type: 'trackDone',
      jobId: m.jobId,
      cancelled: true,
      layers: visited.size,
      ms: elapsed(began),
      cache: cacheState(t),
    });
  } finally {
    cancelled.delete(m.jobId);
  }
}

function cacheState(t: SamTracker): WorkerJobDone['cache'] {
  return { bytes: t.cache.bytes, peakBytes: t.cache.peakBytes };
}

function elapsed(since: number): number {
  return performance.now() - since;
}
