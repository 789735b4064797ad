/**
 * Which engine tracks and the model on it (issue 17): picks the engine from
 * `samOcta2.inferenceEngine` by the rules of src/engine/engineChoice.ts (timing a click on both
 * where `auto` has WebGPU and a host engine), starts it on the first model (so a volume that is
 * only viewed never loads a runtime), falls back to the webview when the host engine cannot
 * start, and hands the volume over once per engine, model or depth axis.
 */
import { DEFAULT_EMBEDDING_CACHE_MIB } from '../../core/tracker/embeddingCache';
import type { Axis, Volume } from '../../core/volume/volume';
import {
  chooseEngine,
  ENGINE_LABELS,
  fasterEngine,
  isHostBackend,
} from '../../engine/engineChoice';
import type { FromWebviewMessage, InferenceEngineSetting } from '../../protocol/editorMessages';
import type { Backend, FromWorkerMessage, HostBackend } from '../../protocol/workerMessages';
import { EngineClient } from './engineClient';
import { startWorkerEngine } from './trackerClient';

export interface ModelFiles {
  readonly id: string;
  readonly name: string;
  readonly files: Record<string, ArrayBuffer>;
}

export interface EngineSettings {
  readonly setting: InferenceEngineSetting;
  readonly hostEngines: readonly HostBackend[];
}

export interface RunnerEvents {
  /** The engine fell back (WebGPU → WASM, CUDA → host CPU), with why. */
  backendChanged(reason: string): void;
  /** Sends a message to the extension host (the host engine's requests). */
  post(message: FromWebviewMessage): void;
}

interface WorkerEngine {
  readonly preferWebGpu: boolean;
  readonly client: Promise<EngineClient>;
}

export class ModelRunner {
  private engine: EngineClient | null = null;
  private worker: WorkerEngine | null = null;
  /** The host engine's client, created on first use and kept with the editor. */
  private host: EngineClient | null = null;
  private volume: { volume: Volume; axis: Axis } | null = null;
  private modelName: string | null = null;
  private settings: EngineSettings = { setting: 'auto', hostEngines: [] };
  private cacheMaxBytes = DEFAULT_EMBEDDING_CACHE_MIB * 2 ** 20;

  constructor(
    /** dist/webview/ URL, where the worker and the wasm are. */
    private readonly runtimeBase: string,
    private readonly events: RunnerEvents,
  ) {}

  get model(): string | null {
    return this.modelName;
  }

  /** The backend of the loaded model; null without one. */
  get backend(): Backend | null {
    return this.engine && this.modelName ? this.engine.backend : null;
  }

  /** The engine, once a model is loaded. */
  get tracker(): EngineClient | null {
    return this.modelName ? this.engine : null;
  }

  /** The setting and the host engines this install has; true when they changed. */
  configure(settings: EngineSettings): boolean {
    const same =
      settings.setting === this.settings.setting &&
      settings.hostEngines.join() === this.settings.hostEngines.join();
    this.settings = settings;
    return !same;
  }

  /** An `engineReply` from the extension host. */
  hostMessage(message: FromWorkerMessage): void {
    this.host?.receive(message);
  }

  /** Loads a bundle; resolves with why the engine is not the one asked for, if it is not. */
  async load(model: ModelFiles): Promise<string | null> {
    this.modelName = null;
    const webGpuAdapter = await hasWebGpuAdapter();
    const choice = chooseEngine({ ...this.settings, webGpuAdapter });
    let note = choice.note;
    let engine: EngineClient;
    try {
      engine = await this.loadOn(choice.backend, model);
    } catch (error) {
      if (!isHostBackend(choice.backend)) throw error;
      // The host engine could not open the model at all (no onnxruntime-node binary for this
      // machine, a runtime error): the webview still can.
      const webview: Backend = webGpuAdapter ? 'webgpu' : 'wasm';
      note = `The host engine failed (${(error as Error).message}); tracking on ${ENGINE_LABELS[webview]}.`;
      engine = await this.loadOn(webview, model);
    }
    if (choice.probeAgainst) engine = await this.probe(engine, choice.probeAgainst, model);
    this.install(engine);
    this.modelName = model.name;
    return note ?? engine.backendNote;
  }

  /** The user's `samOcta2.embeddingCacheMiB`: kept, and sent to the running engine at once. */
  setCacheBudget(mib: number): void {
    const maxBytes = mib * 2 ** 20;
    if (maxBytes === this.cacheMaxBytes) return;
    this.cacheMaxBytes = maxBytes;
    this.engine?.setCacheBudget(maxBytes);
  }

  setVolume(volume: Volume, axis: Axis): void {
    this.volume = { volume, axis };
    this.engine?.setVolume(volume, axis);
  }

  /** Opens `backend`'s engine (reusing a running one) and loads the model there. */
  private async loadOn(backend: Backend, model: ModelFiles): Promise<EngineClient> {
    const engine = isHostBackend(backend) ? this.hostEngine() : await this.workerEngine(backend);
    engine.setCacheBudget(this.cacheMaxBytes);
    await engine.loadModel(model, isHostBackend(backend) ? backend : undefined);
    if (this.volume) engine.setVolume(this.volume.volume, this.volume.axis);
    return engine;
  }

  /** `auto` with WebGPU and a host engine: a click on each, the faster one stays. */
  private async probe(
    first: EngineClient,
    other: Backend,
    model: ModelFiles,
  ): Promise<EngineClient> {
    let second: EngineClient;
    try {
      second = await this.loadOn(other, model);
    } catch {
      return first;
    }
    const [a, b] = [await this.clickMs(first), await this.clickMs(second)];
    const winner = fasterEngine(
      { backend: first.backend, ms: a },
      { backend: second.backend, ms: b },
    );
    return winner === first.backend ? first : second;
  }

  /** Milliseconds of a click on a middle layer (the second one: the first warms the runtime up). */
  private async clickMs(engine: EngineClient): Promise<number> {
    const v = this.volume;
    if (!v) return Number.NaN;
    const dims = v.volume.dims;
    const layers = dims[v.axis];
    const [rows, cols] = dims.filter((_, i) => i !== v.axis) as [number, number];
    const point = { x: Math.floor(cols / 2), y: Math.floor(rows / 2), positive: true };
    const ignore = { frame: () => undefined };
    try {
      await engine.preview(0, Math.floor(layers / 2), [point], ignore);
      const t0 = performance.now();
      await engine.preview(0, Math.floor(layers / 3), [point], ignore);
      return performance.now() - t0;
    } catch {
      return Number.NaN;
    }
  }

  /** Makes `engine` the one that tracks, closing a worker it replaces. */
  private install(engine: EngineClient): void {
    this.engine = engine;
    // The host engine's client stays: one engine per editor on the host, whose answers to jobs
    // started before a switch (a cancelled track's trackDone) still settle them here.
    const worker = this.worker;
    if (!worker) return;
    void worker.client.then(
      async (w) => {
        if (w === engine || this.worker !== worker) return;
        this.worker = null;
        // A job cancelled by the switch answers first (its trackDone), then the worker goes.
        await w.idle();
        w.dispose();
      },
      () => undefined,
    );
  }

  private hostEngine(): EngineClient {
    this.host ??= new EngineClient(
      {
        send: (message) => this.events.post({ type: 'engineRequest', message }),
        carriesData: false,
        close: () => undefined,
      },
      'host-cpu',
      null,
      { backendChanged: (_backend, reason) => this.events.backendChanged(reason) },
    );
    return this.host;
  }

  private workerEngine(backend: Backend): Promise<EngineClient> {
    const preferWebGpu = backend === 'webgpu';
    if (this.worker?.preferWebGpu === preferWebGpu) return this.worker.client;
    void this.worker?.client.then(
      (w) => w.dispose(),
      () => undefined,
    );
    const client = startWorkerEngine(this.runtimeBase, preferWebGpu, {
      backendChanged: (_backend, reason) => this.events.backendChanged(reason),
    });
    const worker = { preferWebGpu, client };
    this.worker = worker;
    client.catch(() => {
      if (this.worker === worker) this.worker = null;
    });
    return client;
  }
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** True when the page's navigator has a WebGPU adapter (the worker checks again for itself). */
async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}
