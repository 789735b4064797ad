/**
 * "SAM-OCTA2: Import OCTA-500…" (issue 16): the picked release folder goes to
 * `samocta2 import-octa500` as a trainer task, its `subject` events count in a notification,
 * and the first imported volume (train split, lowest id) opens in the volume editor.
 */
import { Uri, recorded, resetMock, workspace } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { beforeEach, test } from 'node:test';
import {
  firstImportedVolume,
  importOcta500,
  type ImportContext,
} from '../../../../src/extension/octa500/importOcta500';
import type {
  TrainerChild,
  TrainerTerminal,
} from '../../../../src/extension/trainerTask/trainerTerminal';

class FakeChild extends EventEmitter implements TrainerChild {
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  kill(): boolean {
    return true;
  }
}

const spawned: { command: string; args: readonly string[]; child: FakeChild }[] = [];
const context: ImportContext = {
  trainerFolder: '/ext/trainer',
  resolvePython: async () => '/venv/bin/python',
  env: {},
  spawn: (command, args) => {
    const child = new FakeChild();
    spawned.push({ command, args, child });
    return child;
  },
};

beforeEach(() => {
  resetMock();
  spawned.length = 0;
  workspace.workspaceFolders = [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }];
});

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** Starts the task handed to VS Code, as VS Code would (CustomExecution → open). */
async function startTask(): Promise<FakeChild> {
  for (let i = 0; i < 50 && recorded.executedTasks.length === 0; i++) await settle();
  const task = recorded.executedTasks.at(-1);
  assert.ok(task, 'a task was executed');
  const execution = task.execution as { callback: () => Promise<TrainerTerminal> };
  (await execution.callback()).open();
  await settle();
  return spawned.at(-1)!.child;
}

const line = (event: Record<string, unknown>): string => `${JSON.stringify(event)}\n`;

test('the release folder is imported into data/octa500 and the first volume opens', async () => {
  recorded.openDialog = () => [Uri.file('/data/OCTA-500')];
  const done = importOcta500(context);
  const child = await startTask();
  assert.deepEqual(spawned[0]!.args, [
    '-m',
    'samocta2',
    'import-octa500',
    '/data/OCTA-500',
    '/ws/data/octa500',
  ]);
  child.stdout.emit(
    'data',
    line({
      event: 'subject',
      done: 1,
      total: 2,
      id: 10302,
      folder: '/ws/data/octa500/3M/train',
      volume: true,
    }) +
      line({
        event: 'subject',
        done: 2,
        total: 2,
        id: 10301,
        folder: '/ws/data/octa500/3M/train',
        volume: true,
      }).slice(0, 20),
  );
  child.stdout.emit(
    'data',
    line({
      event: 'subject',
      done: 2,
      total: 2,
      id: 10301,
      folder: '/ws/data/octa500/3M/train',
      volume: true,
    }).slice(20),
  );
  child.emit('close', 0, null);
  await done;
  const progress = recorded.progress.at(-1)!;
  assert.equal(progress.options.cancellable, true);
  assert.deepEqual(
    progress.reports.map((r) => r.message),
    ['1 of 2 subjects (last: 10302)', '2 of 2 subjects (last: 10301)'],
  );
  assert.deepEqual(recorded.executed.at(-1)!.slice(0, 1), ['vscode.openWith']);
  assert.equal(
    (recorded.executed.at(-1)![1] as Uri).path,
    '/ws/data/octa500/3M/train/10301.nii.gz',
  );
  assert.equal(recorded.executed.at(-1)![2], 'samOcta2.volume');
  assert.match(recorded.infos.at(-1) ?? '', /imported 2 subject\(s\) into \/ws\/data\/octa500/);
});

test("a failed import says the trainer's reason; a labels-only import opens nothing and says why", async () => {
  recorded.openDialog = () => [Uri.file('/data/wrong')];
  const failed = importOcta500(context);
  const child = await startTask();
  child.stdout.emit(
    'data',
    line({ event: 'error', message: 'no OCTA-500 subjects found in /data/wrong' }),
  );
  child.emit('close', 2, null);
  await failed;
  assert.match(
    recorded.errors.at(-1) ?? '',
    /importing OCTA-500 from \/data\/wrong failed: no OCTA-500 subjects found/,
  );
  assert.equal(recorded.executed.length, 0, 'nothing opened');

  resetMock();
  workspace.workspaceFolders = [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }];
  recorded.openDialog = () => [Uri.file('/data/labels-only')];
  const labelsOnly = importOcta500(context);
  const second = await startTask();
  second.stdout.emit(
    'data',
    line({
      event: 'subject',
      done: 1,
      total: 1,
      id: 10001,
      folder: '/ws/data/octa500/6M/train',
      volume: false,
    }),
  );
  second.emit('close', 0, null);
  await labelsOnly;
  assert.match(
    recorded.warnings.at(-1)?.message ?? '',
    /labels only: the release folder has no B-scans/,
  );
  assert.equal(recorded.executed.length, 0);
});

test('cancelled folder picker or no workspace folder: nothing runs', async () => {
  await importOcta500(context);
  assert.equal(recorded.executedTasks.length, 0, 'the picker was cancelled');
  workspace.workspaceFolders = undefined;
  await importOcta500(context);
  assert.match(recorded.errors.at(-1) ?? '', /open a folder first/);
  assert.equal(recorded.executedTasks.length, 0);
});

test('the first volume: the train split before the others, then the lowest id; none without volumes', () => {
  assert.equal(
    firstImportedVolume([
      { id: 10001, folder: '/o/6M/test', volume: true },
      { id: 10302, folder: '/o/3M/train', volume: true },
      { id: 10301, folder: '/o/3M/train', volume: false },
      { id: 10303, folder: '/o/3M/train', volume: true },
    ]),
    '/o/3M/train/10302.nii.gz',
  );
  assert.equal(firstImportedVolume([{ id: 1, folder: '/o/train', volume: false }]), undefined);
});
