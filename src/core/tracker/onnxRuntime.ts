/**
 * The ONNX runtime as the tracker sees it: just enough of onnxruntime's API that
 * onnxruntime-node (CLI, tests) and onnxruntime-web (webview, WASM or WebGPU) both fit through
 * a few-line adapter outside src/core (see src/engine/ortNode.ts). Core never imports a runtime.
 */

export type TensorDtype = 'float32' | 'int32' | 'int64';

export type TensorData = Float32Array | Int32Array | BigInt64Array;

/** A tensor handed to or returned by a session; shaped like onnxruntime's `Tensor`. */
export interface RuntimeTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** What a session says about one of its inputs or outputs (onnxruntime >= 1.22 metadata). */
export interface ValueInfo {
  readonly name: string;
  /** Tensor element type, e.g. 'float32'; absent when the runtime does not report it. */
  readonly type?: string;
  /** Numbers for fixed axes, strings for named dynamic ones; absent when unknown. */
  readonly shape?: readonly (number | string)[];
}

export interface RuntimeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Input metadata where the runtime exposes it; validation checks what is there. */
  readonly inputInfo?: readonly ValueInfo[];
  run(feeds: Record<string, RuntimeTensor>): Promise<Record<string, RuntimeTensor>>;
  release(): Promise<void>;
}

export interface OnnxRuntime {
  /** Shown in the status bar and reports, e.g. "onnxruntime-web 1.30.0 (wasm)". */
  readonly name: string;
  createTensor(type: TensorDtype, data: TensorData, dims: readonly number[]): RuntimeTensor;
  /**
   * `model` is the graph's bytes (the webview) or a file path the runtime can open (node);
   * `graph` names the bundle graph, so an adapter can set per-graph session options.
   */
  createSession(model: Uint8Array | string, graph?: string): Promise<RuntimeSession>;
}

/** The float32 data of an output tensor, or a clear error naming graph and output. */
export function float32Output(
  outputs: Record<string, RuntimeTensor>,
  name: string,
  graph: string,
): Float32Array {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`${graph}: the graph gave no output '${name}'.`);
  if (!(tensor.data instanceof Float32Array)) {
    throw new Error(`${graph}: output '${name}' is ${tensor.type}, expected float32.`);
  }
  return tensor.data;
}
