/**
 * The host engine (issue 17) through its protocol, as the webview drives it: a bundle opened from
 * its folder on onnxruntime-node with every core, the document's volume, masks that match the
 * trainer's parity vectors, cancel between layers, a job before any model, CUDA that cannot be
 * loaded falling back to the host CPU with what to install, and a damaged bundle that does not
 * fall back. Runs on the tiny random-weight parity bundle (test/fixtures/parityVectors.ts).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OnnxRuntime } from '../../../../src/core/tracker/onnxRuntime';
import { folderSource, nodeRuntime } from '../../../../src/engine/ortNode';
import type { ServiceMessage } from '../../../../src/engine/trackerService';
import { HostEngine } from '../../../../src/extension/tracking/hostEngine';
import type {
  FromWorkerMessage,
  HostBackend,
  WorkerFrame,
} from '../../../../src/protocol/workerMessages';
import {
  caseVolume,
  ensureParityBundle,
  iou,
  loadVectors,
  type ParityCase,
} from '../../../fixtures/parityVectors';

const vectors = loadVectors();
const bundleDir = ensureParityBundle(vectors.graphSha256);
const twoPrompts = vectors.cases.find((c) => c.name === 'two-prompts')!;

/** What a CUDA session says on a machine without onnxruntime-node's CUDA provider. */
const NO_CUDA = 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library';

interface Harness {
  engine: HostEngine;
  messages: FromWorkerMessage[];
  send(m: ServiceMessage): void;
  /** Resolves with the first message matching, waiting for it. */
  next<T extends FromWorkerMessage['type']>(
    type: T,
    match?: (m: Extract<FromWorkerMessage, { type: T }>) => boolean,
  ): Promise<Extract<FromWorkerMessage, { type: T }>>;
}

function harness(
  c: ParityCase,
  options: { dir?: string; runtime?: (b: HostBackend, n: number) => Promise<OnnxRuntime> } = {},
): Harness {
  const messages: FromWorkerMessage[] = [];
  const waiters: (() => void)[] = [];
  const engine = new HostEngine({
    post: (m) => {
      messages.push(m);
      for (const w of waiters.splice(0)) w();
    },
    volume: async () => caseVolume(c),
    bundleSource: async (id) => {
      assert.equal(id, 'parity');
      return folderSource(options.dir ?? bundleDir);
    },
    binariesFolder: '/ext/node_modules/onnxruntime-node/bin/napi-v6/linux/x64',
    ...(options.runtime && { runtime: options.runtime }),
  });
  const next: Harness['next'] = (type, match) =>
    new Promise((resolve) => {
      const look = (): void => {
        const found = messages.find((m) => m.type === type && (!match || match(m as never))) as
          Extract<FromWorkerMessage, { type: typeof type }> | undefined;
        if (found) resolve(found as never);
        else waiters.push(look);
      };
      look();
    });
  return { engine, messages, send: (m) => engine.receive(m), next };
}

function loadAndSetVolume(h: Harness, backend: HostBackend = 'host-cpu'): void {
  h.send({
    type: 'loadModel',
    requestId: 1,
    name: 'parity',
    modelId: 'parity',
    files: {},
    backend,
  });
  h.send({ type: 'setVolume', volumeId: 2, dims: [64, 64, 8], voxelType: 'uint8', axis: 2 });
}

function frames(h: Harness, jobId: number): WorkerFrame[] {
  return h.messages.filter((m): m is WorkerFrame => m.type === 'frame' && m.jobId === jobId);
}

test('tracks the document volume on every core; masks match the parity vectors', async () => {
  const h = harness(twoPrompts);
  try {
    loadAndSetVolume(h);
    const loaded = await h.next('modelLoaded');
    assert.equal(loaded.backend, 'host-cpu');
    assert.match(loaded.runtime, /^onnxruntime-node/);
    h.send({
      type: 'track',
      jobId: 3,
      objectId: 1,
      kind: 'vessel',
      prompts: twoPrompts.prompts,
      range: null,
      direction: 'both',
    });
    const done = await h.next('trackDone', (m) => m.jobId === 3);
    assert.equal(done.cancelled, false);
    assert.equal(done.layers, 8);
    assert.ok(h.messages.some((m) => m.type === 'progress' && m.jobId === 3));
    const last = new Map(frames(h, 3).map((f) => [f.layer, new Uint8Array(f.mask)]));
    assert.equal(last.size, 8);
    for (const [layer, mask] of last) {
      const overlap = iou(mask, twoPrompts.masks[layer]!);
      assert.ok(overlap >= vectors.minIou, `layer ${layer}: IoU ${overlap} < ${vectors.minIou}`);
    }
    assert.deepEqual(
      h.messages.filter((m) => m.type === 'error'),
      [],
    );
  } finally {
    await h.engine.dispose();
  }
});

test('cancel stops a track between layers; the next click is answered', async () => {
  const h = harness(twoPrompts);
  try {
    loadAndSetVolume(h);
    await h.next('modelLoaded');
    h.send({
      type: 'track',
      jobId: 3,
      objectId: 1,
      kind: 'vessel',
      prompts: twoPrompts.prompts,
      range: null,
      direction: 'both',
    });
    await h.next('frame', (m) => m.jobId === 3);
    h.send({ type: 'cancel', jobId: 3 });
    const done = await h.next('trackDone', (m) => m.jobId === 3);
    assert.equal(done.cancelled, true);
    assert.ok(done.layers < 8, `cancelled after ${done.layers} layers`);
    h.send({
      type: 'preview',
      jobId: 4,
      objectId: 1,
      layer: 5,
      points: [{ x: 30, y: 30, positive: true }],
    });
    const click = await h.next('trackDone', (m) => m.jobId === 4);
    assert.equal(click.layers, 1);
    assert.equal(frames(h, 4).length, 1);
    assert.equal(new Uint8Array(frames(h, 4)[0]!.mask).length, 64 * 64);
  } finally {
    await h.engine.dispose();
  }
});

test('a job before any model gets a clear error, for its own id', async () => {
  const h = harness(twoPrompts);
  h.send({ type: 'preview', jobId: 7, objectId: 1, layer: 0, points: [] });
  const error = await h.next('error');
  assert.equal(error.id, 7);
  assert.match(error.message, /No model is loaded on the host engine/);
});

/** A runtime factory whose accelerator cannot open a session (the CPU works); `asked` logs the backends. */
function failingAccelerator(asked: string[], why: string) {
  return async (backend: string, threads: number): Promise<OnnxRuntime> => {
    asked.push(backend);
    const cpu = await nodeRuntime(threads);
    if (backend === 'host-cpu') return cpu;
    return {
      ...cpu,
      name: `onnxruntime-node 1.30.0 (${backend})`,
      createSession: async () => {
        throw new Error(why);
      },
    };
  };
}

test('CUDA that cannot be loaded falls back to the host CPU and says what to install', async () => {
  const asked: string[] = [];
  const h = harness(twoPrompts, { runtime: failingAccelerator(asked, NO_CUDA) });
  try {
    loadAndSetVolume(h, 'host-cuda');
    const changed = await h.next('backendChanged');
    assert.equal(changed.backend, 'host-cpu');
    assert.match(
      changed.reason,
      /^CUDA failed \(.*Failed to load shared library.*\); continuing on the host CPU\./,
    );
    assert.match(changed.reason, /libonnxruntime_providers_cuda\.so/);
    assert.match(changed.reason, /--onnxruntime-node-install=cuda12/);
    assert.match(changed.reason, /\/ext\/node_modules\/onnxruntime-node\/bin\/napi-v6\/linux\/x64/);
    const loaded = await h.next('modelLoaded');
    assert.equal(loaded.backend, 'host-cpu');
    assert.deepEqual(asked, ['host-cuda', 'host-cpu']);
    h.send({
      type: 'preview',
      jobId: 3,
      objectId: 1,
      layer: 2,
      points: twoPrompts.prompts[0]!.points,
    });
    await h.next('trackDone', (m) => m.jobId === 3);
    assert.equal(frames(h, 3).length, 1);
  } finally {
    await h.engine.dispose();
  }
});

test("the platform's accelerator (CoreML here) that fails continues on the host CPU, no CUDA advice", async () => {
  const asked: string[] = [];
  const h = harness(twoPrompts, {
    runtime: failingAccelerator(asked, 'CoreML: model compilation failed'),
  });
  try {
    loadAndSetVolume(h, 'host-coreml');
    const changed = await h.next('backendChanged');
    assert.equal(changed.backend, 'host-cpu');
    assert.match(
      changed.reason,
      /^CoreML failed \(.*compilation failed.*\); continuing on the host CPU\.$/,
    );
    assert.equal((await h.next('modelLoaded')).backend, 'host-cpu');
    assert.deepEqual(asked, ['host-coreml', 'host-cpu']);
  } finally {
    await h.engine.dispose();
  }
});

test('a damaged bundle is an error on the load, not a fallback', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'host-engine-'));
  try {
    cpSync(bundleDir, dir, { recursive: true });
    writeFileSync(join(dir, 'mask_decoder.onnx'), 'not a graph');
    const h = harness(twoPrompts, { dir });
    loadAndSetVolume(h, 'host-cuda');
    const error = await h.next('error');
    assert.equal(error.id, 1);
    assert.match(error.message, /mask_decoder\.onnx/);
    assert.equal(h.messages.filter((m) => m.type === 'backendChanged').length, 0);
    await h.engine.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
