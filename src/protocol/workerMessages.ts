/**
 * Every message between the webview and its tracker worker (src/webview/tracking/trackerWorker.ts).
 * Both sides import this file; it holds types only. Large data travels as transferred
 * ArrayBuffers (src/webview/tracking/transfer.ts lists them for postMessage).
 *
 * Lifecycle: the page creates the worker from a Blob URL and posts `init` (the onnxruntime-web
 * wasm binary and the preferred backend); the worker answers `ready`. `loadModel` opens a bundle
 * (`modelLoaded` or `error`), `setVolume` hands over the voxels. `preview` decodes one prompted
 * layer (the mask right after a click); `track` propagates one object and streams `frame`s and
 * `progress`, then `trackDone`. `cancel` stops a running job at the next layer. When WebGPU fails
 * during a job the worker reopens the bundle on WASM, says so with `backendChanged`, and redoes
 * the job there. `cacheBudget` sets the byte budget of the per-layer feature cache (sent after
 * `init` and whenever the setting changes); `trackDone` reports what the cache holds.
 *
 * The extension host's engine (src/extension/tracking/hostEngine.ts) speaks the same messages,
 * carried by the editor protocol's `engineRequest` / `engineReply`: the webview's tracking feature
 * drives either engine through one interface (src/webview/tracking/engineClient.ts). The host
 * has the volume and the bundle folder itself, so its `setVolume` and `loadModel` carry no bytes.
 */
import type { PromptShape } from '../core/tracker/promptShapes';
import type { ObjectKind } from '../core/tracker/trackTypes';
import type { Axis, VoxelType } from '../core/volume/volume';

/**
 * Where the graphs run: onnxruntime-web in the webview's worker ('webgpu', 'wasm') or
 * onnxruntime-node on the extension host: its CPU provider ('host-cpu') or the accelerator it
 * offers on this platform (CUDA on Linux x64, CoreML on macOS, DirectML on Windows).
 */
export type Backend = WebviewBackend | HostBackend;
export type WebviewBackend = 'webgpu' | 'wasm';
export type HostBackend = 'host-cpu' | HostAccelerator;
export type HostAccelerator = 'host-cuda' | 'host-coreml' | 'host-dml';
export type TrackDirectionChoice = 'both' | 'forward' | 'backward';

/** A click in layer pixels (x = column, y = row). */
export interface WorkerPoint {
  readonly x: number;
  readonly y: number;
  readonly positive: boolean;
}

export interface WorkerLayerPrompt {
  readonly layer: number;
  readonly points: readonly WorkerPoint[];
  /** Drawn prompts of this layer (core/tracker/promptShapes), absent: none. */
  readonly shapes?: readonly PromptShape[];
}

// ---- page → worker ----
export interface WorkerInit {
  readonly type: 'init';
  /** ort-wasm-simd-threaded.asyncify.wasm, fetched by the page (workers may not reach it). */
  readonly wasmBinary: ArrayBuffer;
  /** Folder of the runtime files, for onnxruntime-web's `env.wasm.wasmPaths`. */
  readonly wasmPaths: string;
  /** Try WebGPU first (false: WASM only). */
  readonly preferWebGpu: boolean;
  /** True only when the page is cross-origin isolated (SharedArrayBuffer threads). */
  readonly threads: boolean;
}
export interface WorkerLoadModel {
  readonly type: 'loadModel';
  readonly requestId: number;
  readonly name: string;
  /**
   * Bundle files by name (manifest.json and the four graphs); empty for the host engine, which
   * opens the bundle listed as `modelId` from its folder.
   */
  readonly files: Readonly<Record<string, ArrayBuffer>>;
  /** The catalog id of the bundle (ModelInfo.id); the host engine opens it by this. */
  readonly modelId?: string;
  /** The host engine's backend for this model (default 'host-cpu'); the worker ignores it. */
  readonly backend?: HostBackend;
}
export interface WorkerSetVolume {
  readonly type: 'setVolume';
  readonly volumeId: number;
  readonly dims: readonly [number, number, number];
  readonly voxelType: VoxelType;
  /**
   * A copy of the voxels (the page keeps its own); absent for the host engine, which tracks the
   * document's own volume.
   */
  readonly buffer?: ArrayBuffer;
  readonly axis: Axis;
}
export interface WorkerPreview {
  readonly type: 'preview';
  readonly jobId: number;
  readonly objectId: number;
  readonly layer: number;
  readonly points: readonly WorkerPoint[];
  /** The layer's drawn prompts (absent: none). */
  readonly shapes?: readonly PromptShape[];
}
export interface WorkerTrack {
  readonly type: 'track';
  readonly jobId: number;
  readonly objectId: number;
  readonly prompts: readonly WorkerLayerPrompt[];
  /** Inclusive; null = all layers. */
  readonly range: readonly [number, number] | null;
  readonly direction: TrackDirectionChoice;
  /** Vessels' tracked layers pass the visibility gate (src/core/tracker/visibilityGate.ts). */
  readonly kind: ObjectKind;
}
export interface WorkerCacheBudget {
  readonly type: 'cacheBudget';
  /** Most bytes of per-layer features kept; least recently used layers go first. */
  readonly maxBytes: number;
}
export interface WorkerCancel {
  readonly type: 'cancel';
  readonly jobId: number;
}

export type ToWorkerMessage =
  | WorkerInit
  | WorkerLoadModel
  | WorkerSetVolume
  | WorkerCacheBudget
  | WorkerPreview
  | WorkerTrack
  | WorkerCancel;

// ---- worker → page ----
export interface WorkerReady {
  readonly type: 'ready';
  /** The backend the next model will be opened on. */
  readonly backend: Backend;
  /** Why WebGPU is not used, when it is not (no navigator.gpu, no adapter, not asked). */
  readonly note: string | null;
}
export interface WorkerModelLoaded {
  readonly type: 'modelLoaded';
  readonly requestId: number;
  readonly name: string;
  readonly backend: Backend;
  /** e.g. "onnxruntime-web 1.30.0 (webgpu)". */
  readonly runtime: string;
  readonly imageSize: number;
}
export interface WorkerBackendChanged {
  readonly type: 'backendChanged';
  readonly backend: Backend;
  readonly reason: string;
}
export interface WorkerFrame {
  readonly type: 'frame';
  readonly jobId: number;
  readonly objectId: number;
  readonly layer: number;
  /** rows x cols bytes, 1 = inside. */
  readonly mask: ArrayBuffer;
  readonly score: number;
  readonly prompted: boolean;
}
export interface WorkerProgress {
  readonly type: 'progress';
  readonly jobId: number;
  readonly done: number;
  readonly total: number;
  readonly layersPerSecond: number;
  /** NaN until known. */
  readonly etaMs: number;
}
export interface WorkerJobDone {
  readonly type: 'trackDone';
  readonly jobId: number;
  readonly cancelled: boolean;
  /** Layers emitted. */
  readonly layers: number;
  readonly ms: number;
  /** The feature cache after the job: bytes held now, and the most it ever held. */
  readonly cache: { readonly bytes: number; readonly peakBytes: number };
}
export interface WorkerError {
  readonly type: 'error';
  /** The request or job that failed; null for failures outside one (init). */
  readonly id: number | null;
  readonly message: string;
}

export type FromWorkerMessage =
  | WorkerReady
  | WorkerModelLoaded
  | WorkerBackendChanged
  | WorkerFrame
  | WorkerProgress
  | WorkerJobDone
  | WorkerError;
