/**
 * Which host engines an install offers (issue 17): none without onnxruntime-node's binding for
 * the platform (the universal .vsix), the CPU where it is, and CUDA on Linux x64 only.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  availableHostEngines,
  hostBinariesFolder,
} from '../../../../src/extension/tracking/hostEngines';

const ROOT = '/ext';

/** An install whose `modules` folder has onnxruntime-node's binaries for platform/arch only. */
function present(
  platform: string,
  arch: string,
  modules = '/ext/dist/node_modules',
): (path: string) => boolean {
  const folder = join(modules, 'onnxruntime-node/bin/napi-v6', platform, arch);
  return (path) => path === folder || path === join(folder, 'onnxruntime_binding.node');
}

test('the binaries are in dist/node_modules in a platform .vsix, node_modules in a checkout', () => {
  assert.equal(
    hostBinariesFolder(ROOT, 'linux', 'x64', present('linux', 'x64')),
    '/ext/dist/node_modules/onnxruntime-node/bin/napi-v6/linux/x64',
  );
  assert.equal(
    hostBinariesFolder(ROOT, 'linux', 'x64', () => false),
    '/ext/node_modules/onnxruntime-node/bin/napi-v6/linux/x64',
  );
  const checkout = present('linux', 'x64', '/ext/node_modules');
  assert.deepEqual(availableHostEngines(ROOT, 'linux', 'x64', checkout), ['host-cpu', 'host-cuda']);
});

test("the binding of this platform decides, with that platform's accelerator", () => {
  assert.deepEqual(availableHostEngines(ROOT, 'linux', 'x64', present('linux', 'x64')), [
    'host-cpu',
    'host-cuda',
  ]);
  assert.deepEqual(availableHostEngines(ROOT, 'darwin', 'arm64', present('darwin', 'arm64')), [
    'host-cpu',
    'host-coreml',
  ]);
  assert.deepEqual(availableHostEngines(ROOT, 'win32', 'x64', present('win32', 'x64')), [
    'host-cpu',
    'host-dml',
  ]);
  assert.deepEqual(availableHostEngines(ROOT, 'linux', 'arm64', present('linux', 'arm64')), [
    'host-cpu',
  ]);
  // The universal .vsix, or another platform's binaries only.
  assert.deepEqual(
    availableHostEngines(ROOT, 'linux', 'x64', () => false),
    [],
  );
  assert.deepEqual(availableHostEngines(ROOT, 'linux', 'arm64', present('linux', 'x64')), []);
});
