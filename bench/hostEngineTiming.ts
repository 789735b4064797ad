/**
 * The host engine's timings (issue 17, item 5), driven as the webview drives it: the worker
 * protocol into src/extension/tracking/hostEngine.ts (onnxruntime-node with `threads` intra-op
 * threads) and its answers back, so the rows include the engine's own job handling. Click: one
 * `preview` round trip on an encoded layer (decoder only); propagate: one `track` job, its layers
 * over its own time.
 */
import type { Volume } from '../src/core/volume/volume';
import { folderSource } from '../src/engine/ortNode';
import { HostEngine } from '../src/extension/tracking/hostEngine';
import type { FromWorkerMessage, TrackDirectionChoice } from '../src/protocol/workerMessages';

export interface HostEngineJob {
  readonly bundleDir: string;
  readonly volume: Volume;
  readonly click: { layer: number; x: number; y: number };
  readonly clicks: number;
  /** Inclusive; null = the whole stack. */
  readonly range: readonly [number, number] | null;
  readonly direction: TrackDirectionChoice;
}

export interface HostEngineTimings {
  readonly runtime: string;
  readonly clickMs: number[];
  readonly layers: number;
  readonly trackMs: number;
}

export async function hostEngineTimings(
  job: HostEngineJob,
  threads: number,
): Promise<HostEngineTimings> {
  const waiting = new Map<number, (m: FromWorkerMessage) => void>();
  const engine = new HostEngine({
    post: (m) => {
      const id =
        'jobId' in m ? m.jobId : 'requestId' in m ? m.requestId : m.type === 'error' ? m.id : null;
      if (m.type === 'frame' || m.type === 'progress' || id === null) return;
      waiting.get(id)?.(m);
    },
    volume: async () => job.volume,
    bundleSource: async () => folderSource(job.bundleDir),
    binariesFolder: 'node_modules/onnxruntime-node/bin',
    threads,
  });
  let nextId = 1;
  const answer = (id: number): Promise<FromWorkerMessage> =>
    new Promise((resolve, reject) =>
      waiting.set(id, (m) => {
        waiting.delete(id);
        if (m.type === 'error') reject(new Error(m.message));
        else resolve(m);
      }),
    );
  try {
    const load = nextId++;
    const loaded = answer(load);
    engine.receive({
      type: 'loadModel',
      requestId: load,
      name: 'bench',
      modelId: 'bench',
      files: {},
    });
    const model = await loaded;
    if (model.type !== 'modelLoaded') throw new Error(`unexpected ${model.type}`);
    const [nx, ny, nz] = job.volume.dims;
    engine.receive({
      type: 'setVolume',
      volumeId: nextId++,
      dims: [nx, ny, nz],
      voxelType: job.volume.type,
      axis: 2,
    });
    const points = [{ x: job.click.x, y: job.click.y, positive: true }];
    const click = async (): Promise<number> => {
      const jobId = nextId++;
      const done = answer(jobId);
      const t0 = performance.now();
      engine.receive({ type: 'preview', jobId, objectId: 1, layer: job.click.layer, points });
      await done;
      return performance.now() - t0;
    };
    await click(); // encodes the clicked layer once
    const clickMs: number[] = [];
    for (let n = 0; n < job.clicks; n++) clickMs.push(await click());
    const jobId = nextId++;
    const tracked = answer(jobId);
    engine.receive({
      type: 'track',
      jobId,
      objectId: 1,
      prompts: [{ layer: job.click.layer, points }],
      range: job.range,
      // The model alone, as the PyTorch baseline it is compared to (no visibility gate).
      kind: 'faz',
      direction: job.direction,
    });
    const done = await tracked;
    if (done.type !== 'trackDone') throw new Error(`unexpected ${done.type}`);
    return { runtime: model.runtime, clickMs, layers: done.layers, trackMs: done.ms };
  } finally {
    await engine.dispose();
  }
}
