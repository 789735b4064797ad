/**
 * Entry of the tracker worker (bundled to dist/webview/trackerWorker.js and started from a Blob
 * URL, since webview resource URLs do not serve workers): onnxruntime-web under the engine's
 * TrackerService (src/engine/trackerService.ts), which owns the bundle, the tracker and the
 * jobs, so the page never waits on inference. Here: `init`, the bytes the page hands over, and
 * WebGPU → WASM as the fallback.
 */
import { DEFAULT_EMBEDDING_CACHE_MIB } from '../../core/tracker/embeddingCache';
import { fallbackOf } from '../../engine/engineChoice';
import { TrackerService } from '../../engine/trackerService';
import { VOXEL_ARRAYS } from '../../core/volume/volume';
import type { FromWorkerMessage, ToWorkerMessage } from '../../protocol/workerMessages';
import { configureOrt, probeWebGpu, webRuntime, webSha256 } from './ortWebRuntime';
import { transferOf } from './transfer';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorkerMessage>) => void): void;
}
const scope = self as unknown as WorkerScope;

function post(message: FromWorkerMessage): void {
  scope.postMessage(message, transferOf(message));
}

/** The service once `init` has run; messages wait for it in arrival order. */
let service: Promise<TrackerService> | null = null;

scope.addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'init') {
    service = init(m);
    service.catch((error: unknown) =>
      post({ type: 'error', id: null, message: (error as Error).message ?? String(error) }),
    );
    return;
  }
  if (!service) {
    post({ type: 'error', id: null, message: 'The tracker worker got a job before init.' });
    return;
  }
  // A failed init was reported above; the jobs that waited for it have nobody to run them.
  void service.then(
    (s) => s.receive(m),
    () => undefined,
  );
});

async function init(m: Extract<ToWorkerMessage, { type: 'init' }>): Promise<TrackerService> {
  configureOrt(m);
  const gpu = m.preferWebGpu ? await probeWebGpu() : { ok: false, note: null };
  const started = new TrackerService(gpu.ok ? 'webgpu' : 'wasm', {
    post,
    runtime: (backend) => webRuntime(backend),
    fallback: fallbackOf,
    bundleSource: ({ files }) => {
      const read = async (name: string): Promise<Uint8Array> => {
        const b = files[name];
        if (!b) throw new Error('not in the bundle folder');
        return new Uint8Array(b);
      };
      return {
        readBytes: read,
        readText: async (name) => new TextDecoder().decode(await read(name)),
      };
    },
    volume: (v) => {
      if (!v.buffer) throw new Error('The tracker worker got a volume without its voxels.');
      return {
        dims: v.dims,
        spacingMm: [1, 1, 1],
        affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
        type: v.voxelType,
        data: new VOXEL_ARRAYS[v.voxelType](v.buffer),
      };
    },
    sha256: webSha256,
    now: () => performance.now(),
    cacheBytes: DEFAULT_EMBEDDING_CACHE_MIB * 2 ** 20,
  });
  post({ type: 'ready', backend: started.backend, note: gpu.note });
  return started;
}
