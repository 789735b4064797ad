/**
 * Which host engines this install can run (issue 17): onnxruntime-node's native binding for this
 * platform ships only in the platform .vsix files (scripts/package-vsix.mjs --target), so the
 * universal one offers none and `auto` picks the webview's engines. Beside the CPU each platform
 * has the accelerator onnxruntime-node offers there: CUDA on Linux x64 (whether its libraries load
 * is known at the first session), CoreML on macOS, DirectML on Windows.
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
  if (platform === 'linux' && arch === 'x64') return ['host-cpu', 'host-cuda'];
  if (platform === 'darwin') return ['host-cpu', 'host-coreml'];
  if (platform === 'win32') return ['host-cpu', 'host-dml'];
  return ['host-cpu'];
}
