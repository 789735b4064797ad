/**
 * The tracker worker as the controller needs it: started on the first model (so a volume that
 * is only viewed never loads onnxruntime-web), the loaded model's name and backend, and the
 * volume handed over once per model or depth axis, and the feature cache's budget.
 */
import { DEFAULT_EMBEDDING_CACHE_MIB } from '../../core/tracker/embeddingCache';
import type { Axis, Volume } from '../../core/volume/volume';
import type { Backend } from '../../protocol/workerMessages';
import { TrackerClient } from './trackerClient';

export class ModelRunner {
  private client: TrackerClient | null = null;
  private starting: Promise<TrackerClient> | null = null;
  private volume: { volume: Volume; axis: Axis } | null = null;
  private volumeSent = false;
  private modelName: string | null = null;
  private cacheMaxBytes = DEFAULT_EMBEDDING_CACHE_MIB * 2 ** 20;

  constructor(
    /** dist/webview/ URL, where the worker and the wasm are. */
    private readonly runtimeBase: string,
    private readonly backendChanged: (reason: string) => void,
  ) {}

  get model(): string | null {
    return this.modelName;
  }

  /** The backend of the loaded model; null without one. */
  get backend(): Backend | null {
    return this.client && this.modelName ? this.client.backend : null;
  }

  /** The worker, once a model is loaded. */
  get tracker(): TrackerClient | null {
    return this.modelName ? this.client : null;
  }

  /** Loads a bundle; resolves with why WebGPU is not used, if it is not. Throws a clear error. */
  async load(name: string, files: Record<string, ArrayBuffer>): Promise<string | null> {
    this.modelName = null;
    const client = await this.start();
    this.volumeSent = false;
    const loaded = await client.loadModel(name, files);
    this.modelName = loaded.name;
    this.sendVolume();
    return client.backendNote;
  }

  setVolume(volume: Volume, axis: Axis): void {
    this.volume = { volume, axis };
    this.volumeSent = false;
    this.sendVolume();
  }

  /** The user's `samOcta2.embeddingCacheMiB`: kept, and sent to a running worker at once. */
  setCacheBudget(mib: number): void {
    const maxBytes = mib * 2 ** 20;
    if (maxBytes === this.cacheMaxBytes) return;
    this.cacheMaxBytes = maxBytes;
    this.client?.setCacheBudget(maxBytes);
  }

  private start(): Promise<TrackerClient> {
    this.starting ??= TrackerClient.start(this.runtimeBase, 'gpu' in navigator, {
      backendChanged: (_backend, reason) => this.backendChanged(reason),
    }).then((client) => {
      client.setCacheBudget(this.cacheMaxBytes);
      return (this.client = client);
    });
    this.starting.catch(() => (this.starting = null));
    return this.starting;
  }

  /** The worker keeps its own copy: the page's buffer stays with the views. */
  private sendVolume(): void {
    const v = this.volume;
    if (!this.client || !v || this.volumeSent) return;
    const copy = v.volume.data.slice();
    this.client.setVolume({
      dims: v.volume.dims,
      voxelType: v.volume.type,
      buffer: copy.buffer as ArrayBuffer,
      axis: v.axis,
    });
    this.volumeSent = true;
  }
}
