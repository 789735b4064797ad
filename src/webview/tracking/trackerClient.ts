/**
 * The tracker worker as an engine: starts it from a Blob URL (webview resource URLs do not serve
 * workers), hands it the onnxruntime-web wasm fetched here (a Blob worker's own fetches may not
 * reach the webview's resource loader), and waits for its `ready`.
 */
import type { FromWorkerMessage, ToWorkerMessage } from '../../protocol/workerMessages';
import { EngineClient, type EngineEvents } from './engineClient';
import { transferOf } from './transfer';

export const WORKER_FILE = 'trackerWorker.js';
export const WASM_FILE = 'ort-wasm-simd-threaded.asyncify.wasm';

/** Fetches the worker and wasm from `base` (the dist/webview folder) and starts the worker. */
export async function startWorkerEngine(
  base: string,
  preferWebGpu: boolean,
  events: EngineEvents,
): Promise<EngineClient> {
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
  const client = new EngineClient(
    { send: (m) => send(worker, m), carriesData: true, close: () => worker.terminate() },
    ready.backend,
    ready.note,
    events,
  );
  worker.addEventListener('message', (e: MessageEvent<FromWorkerMessage>) =>
    client.receive(e.data),
  );
  return client;
}

function send(worker: Worker, message: ToWorkerMessage): void {
  worker.postMessage(message, transferOf(message));
}

export async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Cannot load ${url.pathname} (HTTP ${response.status}).`);
  return response;
}
