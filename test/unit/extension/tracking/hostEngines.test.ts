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

function present(platform: string, arch: string): (path: string) => boolean {
  const binding = join(hostBinariesFolder(ROOT, platform, arch), 'onnxruntime_binding.node');
  return (path) => path === binding;
}

test('the binding of this platform decides; CUDA only on Linux x64', () => {
  assert.equal(
    hostBinariesFolder(ROOT, 'linux', 'x64'),
    '/ext/node_modules/onnxruntime-node/bin/napi-v6/linux/x64',
  );
  assert.deepEqual(availableHostEngines(ROOT, 'linux', 'x64', present('linux', 'x64')), [
    'host-cpu',
    'host-cuda',
  ]);
  assert.deepEqual(availableHostEngines(ROOT, 'darwin', 'arm64', present('darwin', 'arm64')), [
    'host-cpu',
  ]);
  assert.deepEqual(availableHostEngines(ROOT, 'win32', 'x64', present('win32', 'x64')), [
    'host-cpu',
  ]);
  // The universal .vsix, or another platform's binaries only.
  assert.deepEqual(
    availableHostEngines(ROOT, 'linux', 'x64', () => false),
    [],
  );
  assert.deepEqual(availableHostEngines(ROOT, 'linux', 'arm64', present('linux', 'x64')), []);
});
