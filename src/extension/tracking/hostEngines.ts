/**
 * Which host engines this install can run (issue 17): onnxruntime-node's native binding for this
 * platform ships only in the platform .vsix files (scripts/package-vsix.mjs --target), so the
 * universal one offers none and `auto` picks the webview's engines. CUDA is Linux x64 only
 * (onnxruntime-node's CUDA provider); whether its libraries load is known at the first session.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostBackend } from '../../protocol/workerMessages';

/**
 * Where onnxruntime-node keeps this platform's binaries (and where its CUDA provider goes): in a
 * platform .vsix under dist/node_modules (beside dist/extension.js, which loads it), in a
 * development checkout under node_modules.
 */
export function hostBinariesFolder(
  extensionRoot: string,
  platform: string = process.platform,
  arch: string = process.arch,
  exists: (path: string) => boolean = existsSync,
): string {
  const inside = (modules: string): string =>
    join(modules, 'onnxruntime-node', 'bin', 'napi-v6', platform, arch);
  const packaged = inside(join(extensionRoot, 'dist', 'node_modules'));
  return exists(packaged) ? packaged : inside(join(extensionRoot, 'node_modules'));
}

export function availableHostEngines(
  extensionRoot: string,
  platform: string = process.platform,
  arch: string = process.arch,
  exists: (path: string) => boolean = existsSync,
): HostBackend[] {
  const folder = hostBinariesFolder(extensionRoot, platform, arch, exists);
  if (!exists(join(folder, 'onnxruntime_binding.node'))) return [];
  return platform === 'linux' && arch === 'x64' ? ['host-cpu', 'host-cuda'] : ['host-cpu'];
}
