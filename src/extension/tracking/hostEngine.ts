/**
 * The host engine (issue 17): the core tracker on onnxruntime-node in the extension host, on
 * every core ('host-cpu') or on the platform's accelerator ('host-cuda' on Linux x64,
 * 'host-coreml' on macOS, 'host-dml' on Windows), for one editor. The webview drives
 * it with the tracker worker's protocol carried as `engineRequest` and hears `engineReply`, so the
 * tracking feature, undo and the embedding cache are the same as with the worker
 * (src/engine/trackerService.ts runs the jobs in both). It tracks the document's own volume and
 * opens bundles from their folders: no voxels or graphs cross the webview channel.
 */
import { availableParallelism } from 'node:os';
import { fallbackOf, isHostBackend } from '../../engine/engineChoice';
import {
  CUDA_PROVIDER_FILES,
  nodeRuntime,
  nodeSha256,
  type NodeDevice,
} from '../../engine/ortNode';
import { TrackerService, type ServiceMessage } from '../../engine/trackerService';
import type { BundleSource } from '../../core/tracker/modelBundle';
import type { OnnxRuntime } from '../../core/tracker/onnxRuntime';
import type { Volume } from '../../core/volume/volume';
import type { Backend, FromWorkerMessage, HostBackend } from '../../protocol/workerMessages';

export interface HostEngineContext {
  post(message: FromWorkerMessage): void;
  /** The document's volume (loaded once, shared with the webview's copy). */
  volume(): Promise<Volume>;
  /** The files of the bundle the catalog lists as `modelId`. */
  bundleSource(modelId: string): Promise<BundleSource>;
  /** The extension's onnxruntime-node binaries folder, named in the CUDA advice. */
  readonly binariesFolder: string;
  /** Test seam: the runtime of a backend (default: onnxruntime-node on every core or CUDA). */
  runtime?(backend: HostBackend, threads: number): Promise<OnnxRuntime>;
  /** Threads for host-cpu; default os.availableParallelism(). */
  readonly threads?: number;
}

/** The onnxruntime-node device each host backend runs on. */
const NODE_DEVICES: Readonly<Record<HostBackend, NodeDevice>> = {
  'host-cpu': 'cpu',
  'host-cuda': 'cuda',
  'host-coreml': 'coreml',
  'host-dml': 'dml',
};

/** The embedding cache's budget; the host has the memory a webview is not given. */
const HOST_CACHE_BYTES = 1024 * 2 ** 20;

export class HostEngine {
  private service: TrackerService | null = null;

  constructor(private readonly context: HostEngineContext) {}

  /** The backend now running, or null before the first model. */
  get backend(): Backend | null {
    return this.service?.backend ?? null;
  }

  receive(m: ServiceMessage): void {
    // A model on another backend (the user changed samOcta2.inferenceEngine) starts over.
    if (m.type === 'loadModel' && (!this.service || this.service.backend !== hostBackendOf(m))) {
      void this.service?.dispose();
      this.service = this.startService(hostBackendOf(m));
    }
    if (!this.service) {
      const id = 'jobId' in m ? m.jobId : 'requestId' in m ? m.requestId : null;
      this.context.post({ type: 'error', id, message: 'No model is loaded on the host engine.' });
      return;
    }
    this.service.receive(m);
  }

  /** Resolves when the jobs received so far are done (tests). */
  idle(): Promise<void> {
    return this.service?.idle() ?? Promise.resolve();
  }

  async dispose(): Promise<void> {
    const service = this.service;
    this.service = null;
    await service?.dispose();
  }

  private startService(backend: HostBackend): TrackerService {
    const threads = this.context.threads ?? availableParallelism();
    const runtime =
      this.context.runtime ?? ((b: HostBackend, n: number) => nodeRuntime(n, NODE_DEVICES[b]));
    return new TrackerService(backend, {
      post: (message) => this.context.post(message),
      runtime: (b) => {
        if (!isHostBackend(b)) throw new Error(`The host engine cannot run ${b}.`);
        return runtime(b, threads);
      },
      fallback: fallbackOf,
      fallbackAdvice: (from) =>
        from === 'host-cuda' ? cudaAdvice(this.context.binariesFolder) : '',
      bundleSource: (m) => {
        if (!m.modelId) throw new Error('The host engine needs the model bundle id.');
        return this.context.bundleSource(m.modelId);
      },
      volume: () => this.context.volume(),
      sha256: nodeSha256,
      now: () => performance.now(),
      cacheBytes: HOST_CACHE_BYTES,
    });
  }
}

function hostBackendOf(m: ServiceMessage): HostBackend {
  return m.type === 'loadModel' && m.backend && isHostBackend(m.backend) ? m.backend : 'host-cpu';
}

/** What a user installs to track on CUDA (README, "Tracking on CUDA"). */
export function cudaAdvice(binariesFolder: string): string {
  return (
    "To track on CUDA, install the CUDA 12 runtime and cuDNN 9, then put onnxruntime-node 1.30.0's " +
    `CUDA provider (${CUDA_PROVIDER_FILES.join(', ')}; "npm install onnxruntime-node@1.30.0 ` +
    '--onnxruntime-node-install=cuda12" downloads them) into ' +
    `${binariesFolder}.`
  );
}
