/**
 * One tracking engine's work, wherever it runs (the webview's worker on onnxruntime-web, the
 * extension host on onnxruntime-node): opens the bundle, keeps one SamTracker (and so one
 * embedding cache) per volume, depth axis and bundle, runs `preview` and `track` jobs one at a
 * time in arrival order, stops a job at the next layer on `cancel`, and answers with the worker
 * protocol's messages. When the runtime itself fails (a lost WebGPU device, CUDA libraries that
 * cannot be loaded) it reopens the bundle on the fallback engine, says so with
 * `backendChanged`, and runs the job again there.
 */
import { loadBundle, type LoadedBundle } from '../core/tracker/bundleSessions';
import type { BundleSource, Sha256 } from '../core/tracker/modelBundle';
import type { OnnxRuntime } from '../core/tracker/onnxRuntime';
import { SamTracker } from '../core/tracker/tracker';
import { volumeLayerSource } from '../core/tracker/volumeLayers';
import type { TrackedFrame } from '../core/tracker/trackTypes';
import type { Axis, Volume } from '../core/volume/volume';
import type {
  Backend,
  FromWorkerMessage,
  ToWorkerMessage,
  WorkerJobDone,
  WorkerLoadModel,
  WorkerPreview,
  WorkerSetVolume,
  WorkerTrack,
} from '../protocol/workerMessages';

/** What an engine's shell gives the service. */
export interface TrackerServiceHost {
  /** Sends a message to the page (postMessage in the worker, the webview channel on the host). */
  post(message: FromWorkerMessage): void;
  /** The runtime of a backend. */
  runtime(backend: Backend): OnnxRuntime | Promise<OnnxRuntime>;
  /** Where a failing backend continues (WebGPU → WASM, CUDA → host CPU), or null. */
  fallback(backend: Backend): Backend | null;
  /** What the page should know besides the failure when falling back (what to install). */
  fallbackAdvice?(from: Backend, error: Error): string;
  /** The bundle files a `loadModel` names. */
  bundleSource(message: WorkerLoadModel): BundleSource | Promise<BundleSource>;
  /** The volume a `setVolume` hands over (the host engine's comes from its document). */
  volume(message: WorkerSetVolume): Volume | Promise<Volume>;
  sha256: Sha256;
  now(): number;
  /** The embedding cache's byte budget until a `cacheBudget` message sets another. */
  cacheBytes: number;
}

export type ServiceMessage = Exclude<ToWorkerMessage, { readonly type: 'init' }>;

const BACKEND_NAMES: Record<Backend, string> = {
  webgpu: 'WebGPU',
  wasm: 'WASM',
  'host-cpu': 'the host CPU',
  'host-cuda': 'CUDA',
  'host-coreml': 'CoreML',
  'host-dml': 'DirectML',
};

export class TrackerService {
  private model: { message: WorkerLoadModel; source: BundleSource } | null = null;
  private bundle: LoadedBundle | null = null;
  private volume: { volume: Volume; axis: Axis } | null = null;
  private tracker: SamTracker | null = null;
  private readonly cancelled = new Set<number>();
  private queue: Promise<void> = Promise.resolve();
  private cacheMaxBytes: number;

  constructor(
    private backendValue: Backend,
    private readonly host: TrackerServiceHost,
  ) {
    this.cacheMaxBytes = host.cacheBytes;
  }

  get backend(): Backend {
    return this.backendValue;
  }

  /** Takes a message; jobs run in arrival order, `cancel` acts at once. */
  receive(m: ServiceMessage): void {
    if (m.type === 'cancel') {
      this.cancelled.add(m.jobId);
      return;
    }
    // A failure answers its own request and the queue goes on.
    this.queue = this.queue
      .then(() => this.handle(m))
      .catch((error: unknown) => {
        const id = 'jobId' in m ? m.jobId : 'requestId' in m ? m.requestId : null;
        this.host.post({ type: 'error', id, message: (error as Error).message ?? String(error) });
      });
  }

  /** Resolves when every job received so far has finished (tests, dispose). */
  idle(): Promise<void> {
    return this.queue;
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.bundle?.release();
    this.bundle = null;
    this.tracker = null;
  }

  private async handle(m: Exclude<ServiceMessage, { type: 'cancel' }>): Promise<void> {
    switch (m.type) {
      case 'loadModel':
        this.model = { message: m, source: await this.host.bundleSource(m) };
        // A session that cannot be created on this backend (unsupported op, no device, no CUDA
        // libraries) falls back too.
        await this.withFallback(() => this.openBundle(), false);
        this.host.post({
          type: 'modelLoaded',
          requestId: m.requestId,
          name: m.name,
          backend: this.backendValue,
          runtime: this.bundle?.runtime.name ?? '',
          imageSize: this.bundle?.manifest.model.image_size ?? 0,
        });
        return;
      case 'cacheBudget':
        this.cacheMaxBytes = m.maxBytes;
        this.tracker?.cache.setLimits({ maxBytes: m.maxBytes });
        return;
      case 'setVolume':
        this.volume = { volume: await this.host.volume(m), axis: m.axis };
        this.tracker = null;
        return;
      case 'preview':
      case 'track':
        await this.withFallback(() => this.runJob(m), true);
        return;
    }
  }

  private async openBundle(): Promise<void> {
    if (!this.model) throw new Error('No model is loaded.');
    await this.bundle?.release();
    this.bundle = null;
    this.tracker = null;
    const runtime = await this.host.runtime(this.backendValue);
    this.bundle = await loadBundle(this.model.source, runtime, this.host.sha256);
  }

  /**
   * A failure of the backend's runtime reopens the bundle on the fallback backend and, when
   * `rerun`, runs the job again there.
   */
  private async withFallback(job: () => Promise<void>, rerun: boolean): Promise<void> {
    const from = this.backendValue;
    try {
      await job();
    } catch (error) {
      const e = error as Error;
      const next = this.host.fallback(from);
      if (next === null || e.name === 'AbortError') throw error;
      // A damaged bundle fails on every backend; only the runtime's own failures fall back.
      if (e.name === 'BundleError' && !this.failedInRuntime(e)) throw error;
      this.backendValue = next;
      const advice = this.host.fallbackAdvice?.(from, e) ?? '';
      this.host.post({
        type: 'backendChanged',
        backend: next,
        reason: `${BACKEND_NAMES[from]} failed (${e.message}); continuing on ${BACKEND_NAMES[next]}.${advice ? ` ${advice}` : ''}`,
      });
      await this.openBundle();
      if (rerun) await job();
    }
  }

  /** True when a BundleError says the runtime could not create a session (not a bad file). */
  private failedInRuntime(e: Error): boolean {
    // bundleSessions words a session the runtime could not create as "<runtime> cannot load it".
    return e.message.includes('cannot load it');
  }

  private currentTracker(): SamTracker {
    const { bundle, volume } = this;
    if (!bundle) throw new Error('No model is loaded: pick a model bundle first.');
    if (!volume) throw new Error('No volume is open.');
    this.tracker ??= new SamTracker(
      bundle,
      volumeLayerSource(volume.volume, volume.axis, bundleWindow(bundle)),
      { cache: { maxBytes: this.cacheMaxBytes }, now: () => this.host.now() },
    );
    return this.tracker;
  }

  private async runJob(m: WorkerPreview | WorkerTrack): Promise<void> {
    const t = this.currentTracker();
    const began = this.host.now();
    const elapsed = (): number => this.host.now() - began;
    const sendFrame = (f: TrackedFrame): void =>
      this.host.post({
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
      this.host.post({
        type: 'trackDone',
        jobId: m.jobId,
        cancelled: false,
        layers: 1,
        ms: elapsed(),
        cache: cacheState(t),
      });
      return;
    }
    const cancelled = this.cancelled;
    const signal = {
      get aborted() {
        return cancelled.has(m.jobId);
      },
    };
    // Distinct layers: the start layer is emitted by both passes, and "Tracked 11 layers" on a
    // 10-layer stack reads as a bug.
    const visited = new Set<number>();
    const done = (wasCancelled: boolean): FromWorkerMessage => ({
      type: 'trackDone',
      jobId: m.jobId,
      cancelled: wasCancelled,
      layers: visited.size,
      ms: elapsed(),
      cache: cacheState(t),
    });
    try {
      await t.track(m.prompts, {
        range: m.range ? { from: m.range[0], to: m.range[1] } : undefined,
        direction: m.direction,
        kind: m.kind,
        signal,
        onFrame: (f) => {
          visited.add(f.layer);
          sendFrame(f);
        },
        onProgress: (p) =>
          this.host.post({
            type: 'progress',
            jobId: m.jobId,
            done: p.done,
            total: p.total,
            layersPerSecond: p.layersPerSecond,
            etaMs: p.etaMs,
          }),
      });
      this.host.post(done(false));
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
      this.host.post(done(true));
    } finally {
      cancelled.delete(m.jobId);
    }
  }
}

function cacheState(t: SamTracker): WorkerJobDone['cache'] {
  return { bytes: t.cache.bytes, peakBytes: t.cache.peakBytes };
}

/** The bundle's whole-volume percentile window (docs/model-bundle.md section 3, step 1). */
function bundleWindow(bundle: LoadedBundle): [number, number] {
  const p = bundle.manifest.preprocessing.intensity_window;
  return [p.lower_percentile, p.upper_percentile];
}
