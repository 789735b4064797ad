/**
 * onnxruntime-node (and onnxruntime-web's WASM backend under Node, for the parity tests) for
 * the CLI and tests: runtimes, the sha256 and the bundle-folder reader the core tracker needs.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { OnnxRuntime } from '../core/tracker/onnxRuntime';
import { adaptOrt, type OrtModule } from './ortAdapter';
import type { BundleSource, Sha256 } from '../core/tracker/modelBundle';

export { adaptOrt, webWasmRuntime, type OrtModule } from './ortAdapter';

/** onnxruntime-node, single-threaded by default (the CLI shares the machine). */
export async function nodeRuntime(threads = 1): Promise<OnnxRuntime> {
  const ort = (await import('onnxruntime-node')) as unknown as OrtModule;
  const version = (ort as unknown as { env?: { versions?: { node?: string } } }).env?.versions
    ?.node;
  return adaptOrt(ort, `onnxruntime-node${version ? ` ${version}` : ''}`, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  });
}

export const nodeSha256: Sha256 = async (bytes) => createHash('sha256').update(bytes).digest('hex');

export function folderSource(dir: string): BundleSource {
  return {
    readBytes: async (file) => new Uint8Array(await readFile(join(dir, file))),
    readText: (file) => readFile(join(dir, file), 'utf8'),
  };
}
