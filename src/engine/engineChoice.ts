/**
 * Which engine tracks (`samOcta2.inferenceEngine`, issue 17): the rules, apart from the probes
 * that feed them, so they are tested alone. `auto` takes WebGPU when an adapter exists and a short
 * probe shows it faster than the host engine, else the host engine, else WASM; a setting this
 * install or machine cannot honour falls back the same way and says why.
 */
import type { InferenceEngineSetting } from '../protocol/editorMessages';
import type { Backend, HostAccelerator, HostBackend } from '../protocol/workerMessages';

export const INFERENCE_ENGINES: readonly InferenceEngineSetting[] = [
  'auto',
  'webview-webgpu',
  'webview-wasm',
  'host-cpu',
  'host-cuda',
];

export interface EngineFacts {
  readonly setting: InferenceEngineSetting;
  /** The host engines this install has (none in the universal .vsix). */
  readonly hostEngines: readonly HostBackend[];
  /** The webview found a WebGPU adapter. */
  readonly webGpuAdapter: boolean;
}

export interface EngineChoice {
  readonly backend: Backend;
  /** When set, time a click on both and keep the faster (`auto` with WebGPU and a host). */
  readonly probeAgainst: Backend | null;
  /** Why the setting is not honoured as written; null when it is. */
  readonly note: string | null;
}

/** The engine named in the status bar and the tracking panel. */
export const ENGINE_LABELS: Readonly<Record<Backend, string>> = {
  webgpu: 'WebGPU',
  wasm: 'WASM',
  'host-cpu': 'Host CPU',
  'host-cuda': 'Host CUDA',
  'host-coreml': 'Host CoreML',
  'host-dml': 'Host DirectML',
};

const ACCELERATORS: ReadonlySet<Backend> = new Set<HostAccelerator>([
  'host-cuda',
  'host-coreml',
  'host-dml',
]);

export const NO_HOST_ENGINE =
  'The host engine is not in this install (the universal .vsix has no onnxruntime-node): install the .vsix for your platform (README, "Which .vsix")';

export function chooseEngine(facts: EngineFacts): EngineChoice {
  const hasCpu = facts.hostEngines.includes('host-cpu');
  // The platform's accelerator goes first under `auto`: CUDA is opt-in (its libraries are a
  // separate install), CoreML and DirectML come with onnxruntime-node and fall back to the CPU.
  const accelerator = facts.hostEngines.find((b) => ACCELERATORS.has(b) && b !== 'host-cuda');
  const host: Backend = hasCpu ? (accelerator ?? 'host-cpu') : 'host-cpu';
  const webview: Backend = facts.webGpuAdapter ? 'webgpu' : 'wasm';
  const use = (backend: Backend, note: string | null = null): EngineChoice => ({
    backend,
    probeAgainst: null,
    note,
  });
  const instead = (backend: Backend, why: string): EngineChoice =>
    use(backend, `${why}; tracking on ${ENGINE_LABELS[backend]}.`);
  switch (facts.setting) {
    case 'webview-wasm':
      return use('wasm');
    case 'webview-webgpu':
      return facts.webGpuAdapter ? use('webgpu') : instead('wasm', 'WebGPU found no GPU adapter');
    case 'host-cpu':
      return hasCpu ? use('host-cpu') : instead(webview, NO_HOST_ENGINE);
    case 'host-cuda':
      if (facts.hostEngines.includes('host-cuda')) return use('host-cuda');
      return hasCpu
        ? instead(host, 'CUDA runs on Linux x64 only')
        : instead(webview, NO_HOST_ENGINE);
    case 'auto':
      if (facts.webGpuAdapter && hasCpu) return { ...use('webgpu'), probeAgainst: host };
      if (hasCpu) return use(host);
      return facts.webGpuAdapter ? use('webgpu') : instead('wasm', 'WebGPU found no GPU adapter');
  }
}

/** The faster of a probe's two engines; the first on a tie or when a probe failed (NaN). */
export function fasterEngine(
  first: { backend: Backend; ms: number },
  second: { backend: Backend; ms: number },
): Backend {
  if (!Number.isFinite(second.ms)) return first.backend;
  if (!Number.isFinite(first.ms)) return second.backend;
  return second.ms < first.ms ? second.backend : first.backend;
}

/** Where a backend whose runtime fails continues, or null where nothing is left to try. */
export function fallbackOf(backend: Backend): Backend | null {
  switch (backend) {
    case 'webgpu':
      return 'wasm';
    case 'host-cuda':
    case 'host-coreml':
    case 'host-dml':
      return 'host-cpu';
    default:
      return null;
  }
}

export function isHostBackend(backend: Backend): backend is HostBackend {
  return backend === 'host-cpu' || ACCELERATORS.has(backend);
}
