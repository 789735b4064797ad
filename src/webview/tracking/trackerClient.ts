/**
 * The page's side of the tracker worker: starts it from a Blob URL (webview resource URLs do
 * not serve workers), hands it the onnxruntime-web wasm fetched here (a Blob worker's own fetches
 * may not reach the webview's resource loader), and turns its messages into promises per job.
 */
import type {
  Backend,
  FromWorkerMessage,
  ToWorkerMessage,
  TrackDirectionChoice,
  WorkerFrame,
  WorkerJobDone,
  WorkerLayerPrompt,
  WorkerModelLoaded,
  WorkerPoint,
  WorkerProgress,
  WorkerSetVolume,
} from '../../protocol/workerMessages';
import type { PromptShape } from '../../core/tracker/promptShapes';
import { transferOf } from './transfer';

export const WORKER_FILE = 'trackerWorker.js';
export const WASM_FILE = 'ort-wasm-simd-threaded.asyncify.wasm';

export interface TrackerEvents {
  backendChanged(backend: Backend, reason: string): void;
}

export interface JobHandlers {
  frame(frame: WorkerFrame): void;
  progress?(progress: WorkerProgress): void;
}

interface Pending {
  resolve(value: never): void;
  reject(error: Error): void;
  handlers?: JobHandlers;
}

export class TrackerClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(
    private readonly worker: Worker,
    readonly backendNote: string | null,
    private backendValue: Backend,
    private readonly events: TrackerEvents,
  ) {
    worker.addEventListener('message', (e: MessageEvent<FromWorkerMessage>) =>
      this.receive(e.data),
    );
  }

  /** Fetches the worker and wasm from `base` (the dist/webview folder) and starts the worker. */
  static async start(
    base: string,
    preferWebGpu: boolean,
    events: TrackerEvents,
  ): Promise<TrackerClient> {
    const [source, wasm] = await Promise.all([
      fetchOk(new URL(WORKER_FILE, base)).then((r) => r.text()),
      fetchOk(new URL(WASM_FILE, base)).then((r) => r.arrayBuffer()),
    ]);
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module', name: 'sam-octa2-tracker' });
    URL.revokeObjectURL(url);
    const ready = await new Promise<FromWorkerMessage & { type: 'ready' }>((resolve, reject) => {
      const onMessage = (e: MessageEvent<FromWorkerMessage>): void => {
        if (e.data.type === 'ready') resolve(e.data);
        else if (e.data.type === 'error') reject(new Error(e.data.message));
        else return;
        worker.removeEventListener('message', onMessage);
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', (e) => reject(new Error(`Tracker worker: ${e.message}`)));
      send(worker, {
        type: 'init',
        wasmBinary: wasm,
        wasmPaths: base,
        preferWebGpu,
        threads: globalThis.crossOriginIsolated === true,
      });
    });
    return new TrackerClient(worker, ready.note, ready.backend, events);
  }

  get backend(): Backend {
    return this.backendValue;
  }

  loadModel(name: string, files: Record<string, ArrayBuffer>): Promise<WorkerModelLoaded> {
    const requestId = this.nextId++;
    const done = this.expect<WorkerModelLoaded>(requestId);
    send(this.worker, { type: 'loadModel', requestId, name, files });
    return done;
  }

  /** The feature cache's byte budget; applies at once (evicting down to it). */
  setCacheBudget(maxBytes: number): void {
    send(this.worker, { type: 'cacheBudget', maxBytes });
  }

  setVolume(message: Omit<WorkerSetVolume, 'type' | 'volumeId'>): void {
    send(this.worker, { type: 'setVolume', volumeId: this.nextId++, ...message });
  }

  preview(
    objectId: number,
    layer: number,
    points: readonly WorkerPoint[],
    handlers: JobHandlers,
    shapes: readonly PromptShape[] = [],
  ): Promise<WorkerJobDone> {
    const jobId = this.nextId++;
    const done = this.expect<WorkerJobDone>(jobId, handlers);
    send(this.worker, { type: 'preview', jobId, objectId, layer, points, shapes });
    return done;
  }

  track(
    objectId: number,
    prompts: readonly WorkerLayerPrompt[],
    range: readonly [number, number] | null,
    direction: TrackDirectionChoice,
    handlers: JobHandlers,
  ): { jobId: number; done: Promise<WorkerJobDone> } {
    const jobId = this.nextId++;
    const done = this.expect<WorkerJobDone>(jobId, handlers);
    send(this.worker, { type: 'track', jobId, objectId, prompts, range, direction });
    return { jobId, done };
  }

  cancel(jobId: number): void {
    send(this.worker, { type: 'cancel', jobId });
  }

  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('The tracker was closed.'));
    this.pending.clear();
  }

  private expect<T>(id: number, handlers?: JobHandlers): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject, handlers });
    });
  }

  private receive(m: FromWorkerMessage): void {
    switch (m.type) {
      case 'frame':
        this.pending.get(m.jobId)?.handlers?.frame(m);
        return;
      case 'progress':
        this.pending.get(m.jobId)?.handlers?.progress?.(m);
        return;
      case 'backendChanged':
        this.backendValue = m.backend;
        this.events.backendChanged(m.backend, m.reason);
        return;
      case 'modelLoaded':
        this.backendValue = m.backend;
        this.settle(m.requestId, m);
        return;
      case 'trackDone':
        this.settle(m.jobId, m);
        return;
      case 'error': {
        const p = m.id === null ? undefined : this.pending.get(m.id);
        if (p && m.id !== null) {
          this.pending.delete(m.id);
          p.reject(new Error(m.message));
        }
        return;
      }
      case 'ready':
        return;
    }
  }

  private settle(id: number, value: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.resolve(value as never);
  }
}

function send(worker: Worker, message: ToWorkerMessage): void {
  worker.postMessage(message, transferOf(message));
}

export async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Cannot load ${url.pathname} (HTTP ${response.status}).`);
  return response;
}
