/**
 * samOcta2.inferenceEngine's rules (issue 17): every setting on an install with and without the
 * host engine, with and without a WebGPU adapter; the probe's pick; the fallback chain.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chooseEngine,
  fallbackOf,
  fasterEngine,
  INFERENCE_ENGINES,
  type EngineFacts,
} from '../../../src/engine/engineChoice';
import type { HostBackend } from '../../../src/protocol/workerMessages';

const LINUX_X64: HostBackend[] = ['host-cpu', 'host-cuda'];
const MAC: HostBackend[] = ['host-cpu', 'host-coreml'];
const WINDOWS: HostBackend[] = ['host-cpu', 'host-dml'];
const LINUX_ARM: HostBackend[] = ['host-cpu'];
const UNIVERSAL: HostBackend[] = [];

function choose(
  setting: EngineFacts['setting'],
  hostEngines: HostBackend[],
  webGpuAdapter: boolean,
) {
  return chooseEngine({ setting, hostEngines, webGpuAdapter });
}

test('auto: WebGPU against the host by a probe, else the host, else WebGPU, else WASM', () => {
  assert.deepEqual(choose('auto', LINUX_X64, true), {
    backend: 'webgpu',
    probeAgainst: 'host-cpu',
    note: null,
  });
  assert.deepEqual(choose('auto', LINUX_X64, false), {
    backend: 'host-cpu',
    probeAgainst: null,
    note: null,
  });
  assert.deepEqual(choose('auto', UNIVERSAL, true), {
    backend: 'webgpu',
    probeAgainst: null,
    note: null,
  });
  const wasm = choose('auto', UNIVERSAL, false);
  assert.equal(wasm.backend, 'wasm');
  assert.match(wasm.note ?? '', /no GPU adapter; tracking on WASM/);
});

test('an explicit engine is honoured where it exists, with no note', () => {
  assert.equal(choose('webview-wasm', LINUX_X64, true).backend, 'wasm');
  assert.equal(choose('webview-webgpu', UNIVERSAL, true).backend, 'webgpu');
  assert.equal(choose('host-cpu', MAC, true).backend, 'host-cpu');
  assert.equal(choose('host-cuda', LINUX_X64, false).backend, 'host-cuda');
  for (const setting of INFERENCE_ENGINES.filter((s) => s !== 'auto')) {
    const c = choose(setting, LINUX_X64, true);
    assert.equal(c.note, null, setting);
    assert.equal(c.probeAgainst, null, setting);
  }
});

test('an engine this install or machine lacks falls back and says why', () => {
  const noHost = choose('host-cpu', UNIVERSAL, false);
  assert.equal(noHost.backend, 'wasm');
  assert.match(
    noHost.note ?? '',
    /not in this install.*\.vsix for your platform.*tracking on WASM/,
  );
  assert.equal(choose('host-cpu', UNIVERSAL, true).backend, 'webgpu');
  const noCuda = choose('host-cuda', LINUX_ARM, true);
  assert.equal(noCuda.backend, 'host-cpu');
  assert.match(noCuda.note ?? '', /CUDA runs on Linux x64 only; tracking on Host CPU/);
  const mac = choose('host-cuda', MAC, true);
  assert.equal(mac.backend, 'host-coreml');
  assert.match(mac.note ?? '', /CUDA runs on Linux x64 only; tracking on Host CoreML/);
  assert.equal(choose('host-cuda', UNIVERSAL, false).backend, 'wasm');
  const noGpu = choose('webview-webgpu', LINUX_X64, false);
  assert.equal(noGpu.backend, 'wasm');
  assert.match(noGpu.note ?? '', /no GPU adapter/);
});

test("auto: the platform's own accelerator on macOS and Windows, never CUDA unasked", () => {
  assert.equal(choose('auto', MAC, false).backend, 'host-coreml');
  assert.equal(choose('auto', WINDOWS, false).backend, 'host-dml');
  assert.equal(choose('auto', WINDOWS, true).probeAgainst, 'host-dml');
  assert.equal(choose('auto', LINUX_X64, false).backend, 'host-cpu');
  assert.equal(choose('auto', LINUX_ARM, false).backend, 'host-cpu');
  // Asked for the CPU, the CPU it is.
  assert.equal(choose('host-cpu', WINDOWS, false).backend, 'host-cpu');
});

test('the probe keeps the faster engine, the first on a tie or a failed probe', () => {
  const gpu = (ms: number) => ({ backend: 'webgpu' as const, ms });
  const host = (ms: number) => ({ backend: 'host-cpu' as const, ms });
  assert.equal(fasterEngine(gpu(40), host(90)), 'webgpu');
  assert.equal(fasterEngine(gpu(120), host(90)), 'host-cpu');
  assert.equal(fasterEngine(gpu(90), host(90)), 'webgpu');
  assert.equal(fasterEngine(gpu(Number.NaN), host(90)), 'host-cpu');
  assert.equal(fasterEngine(gpu(40), host(Number.NaN)), 'webgpu');
});

test('a failing runtime continues: WebGPU on WASM, an accelerator on the host CPU; nothing after those', () => {
  assert.equal(fallbackOf('webgpu'), 'wasm');
  assert.equal(fallbackOf('host-cuda'), 'host-cpu');
  assert.equal(fallbackOf('host-coreml'), 'host-cpu');
  assert.equal(fallbackOf('host-dml'), 'host-cpu');
  assert.equal(fallbackOf('wasm'), null);
  assert.equal(fallbackOf('host-cpu'), null);
});
