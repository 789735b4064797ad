/**
 * The tracking feature's side of an engine, whichever it is (issue 17): the tracker worker on
 * onnxruntime-web, or the extension host's engine on onnxruntime-node. Both speak the worker
 * protocol (src/protocol/workerMessages.ts); only the transport differs. Turns the engine's
 * messages into promises per request and job, with frame and progress handlers.
 */
import type { PromptShape } from '../../core/tracker/promptShapes';
import type { ObjectKind } from '../../core/tracker/trackTypes';
import type { Axis, Volume } from '../../core/volume/volume';
import type {
  Backend,
  FromWorkerMessage,
  HostBackend,
  TrackDirectionChoice,
  WorkerFrame,
  WorkerJobDone,
  WorkerLayerPrompt,
  WorkerModelLoaded,
  WorkerPoint,
  WorkerProgress,
} from '../../protocol/workerMessages';
import type { ServiceMessage } from '../../engine/trackerService';

/** How messages reach an engine. */
export interface EngineTransport {
  send(message: ServiceMessage): void;
  /**
   * True when the engine needs the voxels and the bundle's bytes (the worker); the host engine
   * has the volume and opens the bundle from its folder.
   */
  readonly carriesData: boolean;
  /** Ends the engine (terminates the worker). */
  close(): void;
}

export interface EngineEvents {
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

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly transport: EngineTransport,
    private backendValue: Backend,
    /** Why the engine is not the one asked for, if it is not (e.g. no WebGPU adapter). */
    readonly backendNote: string | null,
    private readonly events: EngineEvents,
  ) {}

  get backend(): Backend {
    return this.backendValue;
  }

  loadModel(
    model: { id: string; name: string; files: Record<string, ArrayBuffer> },
    hostBackend?: HostBackend,
  ): Promise<WorkerModelLoaded> {
    const requestId = this.nextId++;
    const done = this.expect<WorkerModelLoaded>(requestId);
    this.transport.send({
      type: 'loadModel',
      requestId,
      name: model.name,
      modelId: model.id,
      files: this.transport.carriesData ? model.files : {},
      ...(hostBackend && { backend: hostBackend }),
    });
    return done;
  }

  /** The worker gets its own copy: the page's buffer stays with the views. */
  setVolume(volume: Volume, axis: Axis): void {
    this.transport.send({
      type: 'setVolume',
      volumeId: this.nextId++,
      dims: volume.dims,
      voxelType: volume.type,
      axis,
      ...(this.transport.carriesData && { buffer: volume.data.slice().buffer as ArrayBuffer }),
    });
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
    this.transport.send({ type: 'preview', jobId, objectId, layer, points, shapes });
    return done;
  }

  /** The feature cache's byte budget; applies at once (evicting down to it). */
  setCacheBudget(maxBytes: number): void {
    this.transport.send({ type: 'cacheBudget', maxBytes });
  }

  track(
    objectId: number,
    prompts: readonly WorkerLayerPrompt[],
    range: readonly [number, number] | null,
    direction: TrackDirectionChoice,
    kind: ObjectKind,
    handlers: JobHandlers,
  ): { jobId: number; done: Promise<WorkerJobDone> } {
    const jobId = this.nextId++;
    const done = this.expect<WorkerJobDone>(jobId, handlers);
    this.transport.send({ type: 'track', jobId, objectId, prompts, range, direction, kind });
    return { jobId, done };
  }

  cancel(jobId: number): void {
    this.transport.send({ type: 'cancel', jobId });
  }

  /** Resolves once no request or job is waiting for an answer (a cancelled track's trackDone). */
  idle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.transport.close();
    for (const p of this.pending.values()) p.reject(new Error('The tracker was closed.'));
    this.pending.clear();
  }

  /** A message from the engine. */
  receive(m: FromWorkerMessage): void {
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
          this.wakeIdle();
        }
        return;
      }
      case 'ready':
        return;
    }
  }

  private expect<T>(id: number, handlers?: JobHandlers): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject, handlers });
    });
  }

  private settle(id: number, value: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.resolve(value as never);
    this.wakeIdle();
  }

  private wakeIdle(): void {
    if (this.pending.size > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
