/**
 * The sparse panel's host half (src/extension/sparse/sparseSession.ts) under the vscode mock:
 * the trainer command lines it builds (run folders, retrain from the last checkpoint, predicted
 * layers, axis), the statuses it posts from the trainer's progress, the prediction it loads
 * and accepts into the region annotation, saving before training, and the finish step's file.
 */
import { recorded, resetMock, workspace } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { beforeEach, test } from 'node:test';
import * as vscode from 'vscode';
import { encodePng } from '../../../../src/core/image/png';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import type { Volume } from '../../../../src/core/volume/volume';
import type { Axis } from '../../../../src/core/volume/volume';
import { ENFACE_DRAWN } from '../../../../src/core/sparse/sparseConstants';
import type { SparseToWebviewMessage } from '../../../../src/protocol/editorMessages';
import type { EnfaceRvLayer } from '../../../../src/extension/enface/enfaceRvLayer';
import type {
  TrainerChild,
  TrainerTerminal,
} from '../../../../src/extension/trainerTask/trainerTerminal';
import type { RegionsLayer } from '../../../../src/extension/regions/regionsLayer';
import type { LoadedVolume } from '../../../../src/extension/volumeLoader';
import { SparseSession, type SparseDocument } from '../../../../src/extension/sparse/sparseSession';

Object.assign(workspace, { getWorkspaceFolder: () => undefined });

class FakeChild extends EventEmitter implements TrainerChild {
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  readonly signals: string[] = [];
  kill(signal?: NodeJS.Signals): boolean {
    this.signals.push(signal ?? 'SIGTERM');
    return true;
  }
}

const DIMS: [number, number, number] = [4, 3, 6];
const volume: Volume = {
  dims: DIMS,
  spacingMm: [1, 1, 1],
  affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  type: 'uint8',
  data: new Uint8Array(72).fill(9),
};

interface Harness {
  session: SparseSession;
  posted: SparseToWebviewMessage[];
  spawned: { command: string; args: readonly string[]; child: FakeChild }[];
  regionCalls: string[];
  dirty: { value: boolean; saved: number };
}

function harness(annotated: number[] = [1, 2], drawn?: Uint8Array, axis: Axis = 2): Harness {
  const posted: SparseToWebviewMessage[] = [];
  const spawned: Harness['spawned'] = [];
  const regionCalls: string[] = [];
  const dirty = { value: false, saved: 0 };
  const regions = {
    axis,
    annotatedLayers: annotated,
    extras: {} as Record<string, unknown>,
    layerMask: (layer: number) => new Uint8Array(12).fill(layer === 1 ? 1 : 0),
    markAnnotated: (layer: number, on: boolean) => {
      regionCalls.push(`mark ${layer} ${on}`);
      return true;
    },
    setLayer: (layer: number, mask: ArrayLike<number>, label?: string) => {
      regionCalls.push(`set ${layer} ${Array.from(mask).join('')} ${label}`);
      return true;
    },
  } as unknown as RegionsLayer;
  const document: SparseDocument = {
    uri: vscode.Uri.file('/ws/octa/case.nii.gz'),
    fileName: 'case.nii.gz',
    load: async () => ({ volume }) as unknown as LoadedVolume,
    regionsReady: async () => regions,
    ...(drawn && {
      enfaceRvReady: async () => ({ mask: drawn }) as unknown as EnfaceRvLayer,
    }),
  };
  const session = new SparseSession(document, (m) => posted.push(m), {
    trainerFolder: '/ext/trainer',
    resolvePython: async () => '/venv/bin/python',
    env: {},
    spawn: (command, args) => {
      const child = new FakeChild();
      spawned.push({ command, args, child });
      return child;
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined } as never,
    isDirty: () => dirty.value,
    save: async () => {
      dirty.saved++;
      dirty.value = false;
      return true;
    },
  });
  return { session, posted, spawned, regionCalls, dirty };
}

/** Starts the task the session handed VS Code, as VS Code would (CustomExecution → open). */
async function startTask(): Promise<void> {
  const task = recorded.executedTasks.at(-1);
  assert.ok(task, 'a task was executed');
  const execution = task.execution as { callback: () => Promise<TrainerTerminal> };
  const terminal = await execution.callback();
  terminal.open();
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function statuses(posted: SparseToWebviewMessage[]): string[] {
  return posted.flatMap((m) =>
    m.type === 'sparseStatus' ? [`${m.task} ${m.phase}: ${m.text}`] : [],
  );
}

beforeEach(() => resetMock());

test('train: a new run folder, retrained from the newest checkpoint, with progress in the panel', async () => {
  recorded.files.set('/ws/octa/region-runs/run-001/checkpoint.pt', new Uint8Array(1));
  recorded.files.set('/ws/octa/region-runs/run-002/config.yaml', new Uint8Array(1)); // failed run
  const h = harness();
  h.session.handle({ type: 'sparseRun', task: 'train', device: 'cpu', steps: 5, layers: [] });
  await settle();
  await startTask();
  const [run] = h.spawned;
  assert.ok(run);
  assert.equal(run.command, '/venv/bin/python');
  assert.deepEqual(run.args, [
    '-m',
    'samocta2',
    'region-train',
    '--data=/ws/octa',
    '--out=/ws/octa/region-runs/run-003',
    '--init=/ws/octa/region-runs/run-001/checkpoint.pt',
    '--steps=5',
    '--batch-size=4',
    '--lr=0.001',
    '--roi-size=64',
    '--feature-size=12',
    '--checkpoint-every=50',
    '--device=cpu',
  ]);
  run.child.stdout.emit('data', '{"event": "step", "step": 2, "total": 5, "loss": 0.4321}\n');
  run.child.stdout.emit(
    'data',
    '{"event": "done", "step": 5, "total": 5, "checkpoint": "c.pt", "stopped": false}\n',
  );
  recorded.files.set('/ws/octa/region-runs/run-003/checkpoint.pt', new Uint8Array(1));
  run.child.emit('close', 0, null);
  await settle();
  assert.deepEqual(statuses(h.posted), [
    'train running: Starting the trainer…',
    'train running: step 2 of 5 · Dice loss 0.432',
    'train done: Training the region model finished 5 steps.',
  ]);
  const state = h.posted.find((m) => m.type === 'sparseState');
  assert.ok(state?.type === 'sparseState' && state.hasModel && state.folder === '/ws/octa');
});

test('train with unsaved changes offers Save first; declining trains nothing', async () => {
  const h = harness();
  h.dirty.value = true;
  recorded.warningAnswer = () => undefined;
  h.session.handle({ type: 'sparseRun', task: 'train', device: 'auto', steps: 5, layers: [] });
  await settle();
  assert.equal(recorded.executedTasks.length, 0);
  assert.match(statuses(h.posted).join('\n'), /Not trained: save the annotation first/);

  recorded.warningAnswer = (items) => items.find((i) => i === 'Save and Train');
  h.session.handle({ type: 'sparseRun', task: 'train', device: 'auto', steps: 5, layers: [] });
  await settle();
  assert.equal(h.dirty.saved, 1);
  assert.equal(recorded.executedTasks.length, 1);
});

test('predict: the non-blank layers and the axis; the prediction is loaded, sent and accepted', async () => {
  recorded.files.set('/ws/octa/region-runs/run-001/checkpoint.pt', new Uint8Array(1));
  const h = harness();
  h.session.handle({
    type: 'sparseRun',
    task: 'predict',
    device: 'auto',
    steps: 1,
    layers: [4, 2, 3],
  });
  await settle();
  await startTask();
  const [run] = h.spawned;
  assert.ok(run);
  assert.deepEqual(run.args, [
    '-m',
    'samocta2',
    'region-predict',
    '--checkpoint=/ws/octa/region-runs/run-001/checkpoint.pt',
    '--layers=2-4',
    '--axis=k',
    '--device=auto',
    '--',
    '/ws/octa/case.nii.gz',
  ]);
  run.child.stdout.emit(
    'data',
    '{"event": "layer", "volume": "case.nii.gz", "layer": 3, "done": 2, "total": 3}\n',
  );
  // What region-predict writes: layer 3 is p = 0.8 on its first row, 0.3 elsewhere.
  const map = new Uint8Array(72);
  for (let p = 0; p < 12; p++) map[3 * 12 + p] = p < 4 ? 204 : 77;
  const prob: Volume = { ...volume, data: map };
  recorded.files.set('/ws/octa/case.regionprob.nii.gz', writeNifti(prob, { gzip: true }));
  recorded.files.set(
    '/ws/octa/case.regionprob.json',
    new TextEncoder().encode(
      JSON.stringify({ axis: 'k', layers: [2, 3, 4], scale: 255, step: 40 }),
    ),
  );
  run.child.emit('close', 0, null);
  await settle();
  assert.deepEqual(statuses(h.posted), [
    'predict running: Starting the prediction…',
    'predict running: layer 2 of 3',
    'predict done: Predicting regions finished.',
  ]);
  const sent = h.posted.find((m) => m.type === 'sparsePrediction');
  assert.ok(sent?.type === 'sparsePrediction');
  assert.deepEqual([sent.axis, sent.layers, sent.step], [2, [2, 3, 4], 40]);
  assert.deepEqual(Array.from(new Uint8Array(sent.buffer)), Array.from(map));

  h.session.handle({ type: 'sparseAccept', layer: 3 });
  await settle();
  assert.deepEqual(h.regionCalls, ['set 3 111100000000 Accept predicted region on layer 3']);
  h.session.handle({ type: 'sparseMark', layer: 5, annotated: true });
  h.session.handle({ type: 'sparseAccept', layer: 5 });
  await settle();
  assert.equal(h.regionCalls[1], 'mark 5 true');
  assert.match(statuses(h.posted).at(-1)!, /Layer 5 has no prediction to accept/);
});

test('predict without a model says to train first', async () => {
  const h = harness();
  h.session.handle({ type: 'sparseRun', task: 'predict', device: 'auto', steps: 1, layers: [1] });
  await settle();
  assert.equal(recorded.executedTasks.length, 0);
  assert.deepEqual(statuses(h.posted), ['predict failed: No region model yet: train one first.']);
});

test('finish writes <name>.vessels.nii.gz from a 0/255 PNG beside the volume', async () => {
  const h = harness([1]);
  // En-face RV: the first row (one vessel) and the last pixel (another).
  const enface = new Uint8Array(12);
  enface.fill(255, 0, 4);
  enface[11] = 255;
  recorded.files.set(
    '/ws/octa/masks/rv.png',
    encodePng({ width: 4, height: 3, channels: 1, data: enface }),
  );
  h.session.handle({ type: 'sparseFinish', enfacePath: 'masks/rv.png' });
  await settle();
  assert.match(
    statuses(h.posted).at(-1)!,
    /finish done: Wrote case\.vessels\.nii\.gz: 2 vessels, 5 voxels, from 1 annotated and 0 predicted layers/,
  );
  const written = readNifti(recorded.files.get('/ws/octa/case.vessels.nii.gz')!).volume;
  assert.equal(written.type, 'uint16');
  // Only layer 1 has a region (its layerMask is all 1): ids 1 and 2 there, nothing elsewhere.
  assert.deepEqual(Array.from(written.data.subarray(12, 24)), [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
  assert.equal(Array.from(written.data).filter((v) => v !== 0).length, 5);

  h.session.handle({ type: 'sparseFinish', enfacePath: '/elsewhere/missing.bmp' });
  await settle();
  assert.match(statuses(h.posted).at(-1)!, /finish failed: Cannot read \/elsewhere\/missing\.bmp/);
});

test('finish uses the en-face RV drawn on the projection view', async () => {
  // Drawn: the first row (one vessel) and the last pixel (another), as the PNG test above.
  const drawn = new Uint8Array(12);
  drawn.fill(1, 0, 4);
  drawn[11] = 1;
  const h = harness([1], drawn);
  h.session.handle({ type: 'sparseFinish', enfacePath: ENFACE_DRAWN });
  await settle();
  assert.match(
    statuses(h.posted).at(-1)!,
    /finish done: Wrote case\.vessels\.nii\.gz: 2 vessels, 5 voxels, from 1 annotated/,
  );
  const written = readNifti(recorded.files.get('/ws/octa/case.vessels.nii.gz')!).volume;
  assert.deepEqual(Array.from(written.data.subarray(12, 24)), [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 2]);

  const empty = harness([1], new Uint8Array(12));
  empty.session.handle({ type: 'sparseFinish', enfacePath: ENFACE_DRAWN });
  await settle();
  assert.match(statuses(empty.posted).at(-1)!, /finish failed: No en-face RV is drawn yet/);

  const otherAxis = harness([1], drawn, 0);
  otherAxis.session.handle({ type: 'sparseFinish', enfacePath: ENFACE_DRAWN });
  await settle();
  assert.match(statuses(otherAxis.posted).at(-1)!, /finish failed: .*annotated along axis i/);
});
