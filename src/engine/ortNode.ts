/**
 * onnxruntime-node for the CLI, the extension host's engine and the tests (and onnxruntime-web's
 * WASM backend under Node, for the parity tests): runtimes on the CPU or CUDA, the sha256 and the
 * bundle-folder reader the core tracker needs. The one Node-only file of src/engine.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-common';
import type { OnnxRuntime } from '../core/tracker/onnxRuntime';
import { adaptOrt, type OrtModule } from './ortAdapter';
import type { BundleSource, Sha256 } from '../core/tracker/modelBundle';

export { adaptOrt, webWasmRuntime, type OrtModule } from './ortAdapter';

/**
 * Where onnxruntime-node runs the graphs: its CPU provider, or the accelerator it offers on this
 * platform (CUDA on Linux x64, CoreML on macOS, DirectML on Windows), with the CPU taking the
 * operators the accelerator lacks.
 */
export type NodeDevice = 'cpu' | 'cuda' | 'coreml' | 'dml';

/** The CUDA execution provider's libraries, which onnxruntime-node does not ship in its package. */
export const CUDA_PROVIDER_FILES = [
  'libonnxruntime_providers_shared.so',
  'libonnxruntime_providers_cuda.so',
] as const;

/**
 * onnxruntime-node, single-threaded by default (the CLI shares the machine), on `device`.
 */
export async function nodeRuntime(threads = 1, device: NodeDevice = 'cpu'): Promise<OnnxRuntime> {
  const ort = await loadOnnxruntimeNode();
  const version = (ort as unknown as { env?: { versions?: { node?: string } } }).env?.versions
    ?.node;
  const where = device === 'cpu' ? '' : ` (${device})`;
  return adaptOrt(
    ort,
    `onnxruntime-node${version ? ` ${version}` : ''}${where}`,
    nodeSessionOptions(threads, device),
  );
}

/** The session options of `nodeRuntime`. */
export function nodeSessionOptions(
  threads: number,
  device: NodeDevice,
): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: device === 'cpu' ? ['cpu'] : [device, 'cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    // DirectML cannot run with memory patterns or parallel execution (onnxruntime's DML docs).
    ...(device === 'dml' ? { enableMemPattern: false, executionMode: 'sequential' as const } : {}),
    // Idle pool threads spin by default; beside Node's own threads on a small machine they take
    // the cores the work needs (nano on 2 cores: 13 layers/s spinning, 35 without; benchmarks.md).
    extra: { session: { 'intra_op.allow_spinning': '0' } },
  };
}

/**
 * The onnxruntime-node module, or an error that says it is not part of this install (the
 * universal .vsix carries no native binaries: README, "Where tracking runs").
 */
export async function loadOnnxruntimeNode(): Promise<OrtModule> {
  try {
    return (await import('onnxruntime-node')) as unknown as OrtModule;
  } catch (error) {
    throw new Error(
      `onnxruntime-node is not available in this install (${(error as Error).message}); install the .vsix for your platform to track on the extension host (README, "Where tracking runs").`,
    );
  }
}

/** True when an error from creating a CUDA session says the provider could not be loaded. */
export function isCudaLoadFailure(error: unknown): boolean {
  const message = (error as Error | undefined)?.message ?? String(error);
  return /cuda|providers_shared|cudnn|cublas|shared librar/i.test(message);
}

export const nodeSha256: Sha256 = async (bytes) => createHash('sha256').update(bytes).digest('hex');

export function folderSource(dir: string): BundleSource {
  return {
    readBytes: async (file) => new Uint8Array(await readFile(join(dir, file))),
    readText: (file) => readFile(join(dir, file), 'utf8'),
  };
}
