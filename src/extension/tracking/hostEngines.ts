/**
 * Which host engines this install can run (issue 17): onnxruntime-node's native binding for this
 * platform ships only in the platform .vsix files (scripts/package-vsix.mjs --target), so the
 * universal one offers none and `auto` picks the webview's engines. CUDA is Linux x64 only
 * (onnxruntime-node's CUDA provider); whether its libraries load is known at the first session.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostBackend } from '../../protocol/workerMessages';

/** Where onnxruntime-node keeps this platform's binaries (and where its CUDA provider goes). */
export function hostBinariesFolder(
  extensionRoot: string,
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  return join(extensionRoot, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', platform, arch);
}

export function availableHostEngines(
  extensionRoot: string,
  platform: string = process.platform,
  arch: string = process.arch,
  exists: (path: string) => boolean = existsSync,
): HostBackend[] {
  const binding = join(
    hostBinariesFolder(extensionRoot, platform, arch),
    'onnxruntime_binding.node',
  );
  if (!exists(binding)) return [];
  return platform === 'linux' && arch === 'x64' ? ['host-cpu', 'host-cuda'] : ['host-cpu'];
}
