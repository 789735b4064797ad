/**
 * The tracking feature's one interface to an engine (issue 17): what it sends over each transport
 * (the worker gets the voxels and the bundle's bytes, the host engine neither), and how answers
 * become promises: frames and progress to the job's handlers, an error to its own request, a
 * fallback to the events, and dispose rejecting what is still waiting.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Volume } from '../../../../src/core/volume/volume';
import type { ServiceMessage } from '../../../../src/engine/trackerService';
import type { WorkerFrame, WorkerProgress } from '../../../../src/protocol/workerMessages';
import { EngineClient } from '../../../../src/webview/tracking/engineClient';

function client(carriesData: boolean) {
  const sent: ServiceMessage[] = [];
  const changes: string[] = [];
  let closed = false;
  const engine = new EngineClient(
    { send: (m) => sent.push(m), carriesData, close: () => (closed = true) },
    carriesData ? 'wasm' : 'host-cpu',
    null,
    { backendChanged: (backend, reason) => changes.push(`${backend}: ${reason}`) },
  );
  return { engine, sent, changes, closed: () => closed };
}

const volume: Volume = {
  dims: [2, 2, 3],
  spacingMm: [1, 1, 1],
  affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  type: 'uint8',
  data: new Uint8Array(12).fill(7),
};
const model = {
  id: 'extension:nano',
  name: 'nano',
  files: { 'manifest.json': new ArrayBuffer(4) },
};

test('the worker gets a copy of the voxels and the bundle bytes; the host engine neither', () => {
  const worker = client(true);
  void worker.engine.loadModel(model);
  worker.engine.setVolume(volume, 2);
  const [load, set] = worker.sent;
  assert.equal(load?.type === 'loadModel' && Object.keys(load.files).length, 1);
  assert.ok(set?.type === 'setVolume' && set.buffer instanceof ArrayBuffer);
  assert.notEqual(set.type === 'setVolume' && set.buffer, volume.data.buffer, 'a copy');

  const host = client(false);
  void host.engine.loadModel(model, 'host-cuda');
  host.engine.setVolume(volume, 2);
  const [hostLoad, hostSet] = host.sent;
  assert.deepEqual(hostLoad, {
    type: 'loadModel',
    requestId: 1,
    name: 'nano',
    modelId: 'extension:nano',
    files: {},
    backend: 'host-cuda',
  });
  assert.ok(hostSet?.type === 'setVolume' && !('buffer' in hostSet));
  assert.deepEqual(hostSet.type === 'setVolume' && hostSet.dims, [2, 2, 3]);
});

test('frames and progress reach their job; trackDone settles it; backend changes are heard', async () => {
  const { engine, sent, changes } = client(false);
  const frames: WorkerFrame[] = [];
  const progress: WorkerProgress[] = [];
  const { jobId, done } = engine.track(1, [{ layer: 0, points: [] }], null, 'both', 'vessel', {
    frame: (f) => frames.push(f),
    progress: (p) => progress.push(p),
  });
  assert.equal(sent.at(-1)?.type, 'track');
  const mask = new ArrayBuffer(4);
  const frame = { type: 'frame', objectId: 1, mask, score: 1, prompted: false } as const;
  engine.receive({ ...frame, jobId, layer: 2 });
  engine.receive({ ...frame, jobId: jobId + 99, layer: 3 });
  engine.receive({ type: 'progress', jobId, done: 1, total: 3, layersPerSecond: 2, etaMs: 1000 });
  engine.receive({ type: 'backendChanged', backend: 'host-cpu', reason: 'CUDA failed' });
  const cache = { bytes: 10, peakBytes: 20 };
  engine.receive({ type: 'trackDone', jobId, cancelled: false, layers: 1, ms: 5, cache });
  assert.deepEqual(await done, {
    type: 'trackDone',
    jobId,
    cancelled: false,
    layers: 1,
    ms: 5,
    cache,
  });
  assert.deepEqual(
    frames.map((f) => f.layer),
    [2],
  );
  assert.equal(progress.length, 1);
  assert.deepEqual(changes, ['host-cpu: CUDA failed']);
  assert.equal(engine.backend, 'host-cpu');
  engine.cancel(jobId);
  assert.deepEqual(sent.at(-1), { type: 'cancel', jobId });
});

test('an error rejects its own request only; dispose rejects the rest and closes', async () => {
  const { engine, closed } = client(true);
  const load = engine.loadModel(model);
  const click = engine.preview(1, 0, [{ x: 1, y: 1, positive: true }], { frame: () => undefined });
  engine.receive({ type: 'error', id: 1, message: 'manifest.json: missing' });
  await assert.rejects(load, /manifest\.json: missing/);
  engine.dispose();
  await assert.rejects(click, /The tracker was closed/);
  assert.equal(closed(), true);
});

test('idle waits for every request and job to be answered', async () => {
  const { engine } = client(false);
  await engine.idle();
  const { jobId, done } = engine.track(1, [], null, 'both', 'vessel', { frame: () => undefined });
  let idle = false;
  const waiting = engine.idle().then(() => (idle = true));
  await Promise.resolve();
  assert.equal(idle, false);
  const cache = { bytes: 0, peakBytes: 0 };
  engine.receive({ type: 'trackDone', jobId, cancelled: true, layers: 2, ms: 1, cache });
  await waiting;
  assert.equal(idle, true);
  assert.equal((await done).cancelled, true);
});
