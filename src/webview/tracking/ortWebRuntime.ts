/**
 * onnxruntime-web behind the core tracker's OnnxRuntime interface, inside the tracker worker.
 * One build (`onnxruntime-web/webgpu`, the asyncify wasm) runs both execution providers, so a
 * WebGPU failure can fall back to WASM without loading another runtime.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type {
  OnnxRuntime,
  RuntimeSession,
  TensorData,
  TensorDtype,
  ValueInfo,
} from '../../core/tracker/onnxRuntime';
import type { Backend, WebviewBackend } from '../../protocol/workerMessages';

const ORT_VERSION = '1.30.0';

export interface RuntimeSetup {
  readonly wasmBinary: ArrayBuffer;
  readonly wasmPaths: string;
  readonly threads: boolean;
}

/** Configures onnxruntime-web once per worker, before the first session. */
export function configureOrt(setup: RuntimeSetup): void {
  ort.env.wasm.wasmBinary = setup.wasmBinary;
  // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page; VS Code webviews are not.
  ort.env.wasm.numThreads = setup.threads ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  // Single-threaded, onnxruntime-web uses the JS glue bundled into this worker. Setting
  // wasmPaths would make it import() the .mjs instead, which threads need (their workers load
  // it by URL) but which a Blob worker under the webview's CSP should not do otherwise.
  if (setup.threads) ort.env.wasm.wasmPaths = setup.wasmPaths;
  ort.env.logLevel = 'error';
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** WebGPU when the worker's navigator has an adapter; else why not. */
export async function probeWebGpu(): Promise<{ ok: boolean; note: string | null }> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { ok: false, note: 'WebGPU is not available here (no navigator.gpu).' };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { ok: true, note: null } : { ok: false, note: 'WebGPU found no GPU adapter.' };
  } catch (error) {
    return { ok: false, note: `WebGPU adapter request failed (${(error as Error).message}).` };
  }
}

export function webRuntime(backend: Backend): OnnxRuntime {
  if (backend !== 'webgpu' && backend !== 'wasm') {
    throw new Error(`The tracker worker cannot run the ${backend} engine.`);
  }
  return webBackendRuntime(backend);
}

function webBackendRuntime(backend: WebviewBackend): OnnxRuntime {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  return {
    name: `onnxruntime-web ${ORT_VERSION} (${backend})`,
    createTensor: (type: TensorDtype, data: TensorData, dims: readonly number[]) =>
      new ort.Tensor(type, data, dims),
    createSession: async (model: Uint8Array | string): Promise<RuntimeSession> => {
      if (typeof model === 'string') throw new Error('The webview opens graphs from bytes only.');
      const session = await ort.InferenceSession.create(model, options);
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        inputInfo: inputInfo(session),
        run: async (feeds) => {
          if (backend === 'webgpu') failIfInjected();
          const out = await session.run(feeds as ort.InferenceSession.FeedsType);
          await yieldToEventLoop();
          return out;
        },
        release: () => session.release(),
      };
    },
  };
}

/**
 * Test seam: the webview test sets `__samOcta2FailWebGpu` (an error message) in the worker's
 * global scope through Playwright, and every WebGPU graph run then fails as a lost device
 * would, so the fallback to WASM is exercised without a GPU that can be made to fail.
 */
function failIfInjected(): void {
  const message = (globalThis as { __samOcta2FailWebGpu?: string }).__samOcta2FailWebGpu;
  if (message) throw new Error(message);
}

/**
 * Lets the worker's pending messages (a `cancel`) in between graph runs: onnxruntime-web's
 * promises resolve as microtasks, so a propagation would otherwise never return to the event
 * loop and a cancel would land only after the last layer.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function inputInfo(session: ort.InferenceSession): ValueInfo[] | undefined {
  const meta = (session as { inputMetadata?: readonly ort.InferenceSession.ValueMetadata[] })
    .inputMetadata;
  if (!meta) return undefined;
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name },
  );
}

export async function webSha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
