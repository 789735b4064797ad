import { recorded, resetMock } from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { beforeEach, test } from 'node:test';
import type { FinetuneEvent } from '../../../../../src/extension/trainerTask/progressParser';
import {
  describeOutcome,
  describeProgress,
  describeStage,
  followRun,
} from '../../../../../src/extension/finetune/run/runProgress';
import {
  TrainerTerminal,
  type TrainerChild,
} from '../../../../../src/extension/trainerTask/trainerTerminal';

beforeEach(() => resetMock());

const step = (s: number, loss: number | null, eta: number | null): FinetuneEvent => ({
  event: 'step',
  step: s,
  total: 4,
  epoch: null,
  loss,
  lr: 5e-6,
  it_s: 1,
  eta_s: eta,
});

test('the notification line: step of total, loss, time left; validation Dice', () => {
  assert.equal(describeProgress(step(3, 0.41234, 150)), 'step 3 of 4 · loss 0.412 · 3 min left');
  assert.equal(describeProgress(step(1, null, null)), 'step 1 of 4');
  assert.equal(
    describeProgress({ event: 'start', step: 0, total: 4, device: 'cuda:0' }),
    'starting at step 0 of 4 on cuda:0',
  );
  assert.equal(
    describeProgress({ event: 'val', step: 2, dice: 0.8123, jaccard: 0.7 }),
    'validation Dice 0.812 at step 2',
  );
  assert.equal(describeProgress({ event: 'checkpoint', step: 2, path: 'c.pt' }), undefined);
});

test('the outcome: finished, stopped (with the resume hint), failed with the trainer error', () => {
  const done: FinetuneEvent = {
    event: 'done',
    step: 4,
    total: 4,
    checkpoint: 'runs/a/checkpoint.pt',
    stopped: false,
  };
  assert.deepEqual(describeOutcome([step(4, 0.1, 0), done], { code: 0 }), {
    level: 'info',
    message: 'Fine-tuning finished 4 steps; checkpoint: runs/a/checkpoint.pt',
    actions: [],
  });
  const stopped = describeOutcome(
    [
      { event: 'interrupted', step: 2, checkpoint: 'runs/a/checkpoint.pt' },
      { event: 'error', message: 'interrupted' },
    ],
    { code: 130 },
  );
  assert.equal(stopped.level, 'warning');
  assert.match(
    stopped.message,
    /stopped at step 2; saved runs\/a\/checkpoint\.pt\. .*"resume": true/,
  );
  const failed = describeOutcome([{ event: 'error', message: 'dataset folder d has no volumes' }], {
    code: 2,
  });
  assert.deepEqual(failed, {
    level: 'error',
    message:
      "Fine-tuning failed: dataset folder d has no volumes. The full log is in the task's terminal.",
    actions: [],
  });
  assert.match(describeOutcome([], { code: 1 }).message, /exited with code 1/);
  // A zero exit without a done event (not our trainer?) is not reported as success.
  assert.equal(describeOutcome([], { code: 0 }).level, 'error');
});

test('the outcome of a whole run: the bundle is ready; a failed stage names itself and its log', () => {
  const done: FinetuneEvent = {
    event: 'done',
    step: 4,
    total: 4,
    checkpoint: 'runs/rv1/checkpoint.pt',
    stopped: false,
  };
  const ready = describeOutcome([done], {
    code: 0,
    stage: 'export',
    runFolder: '/ws/runs/rv1',
    bundle: '/ws/runs/rv1/bundle',
    skipped: [{ stage: 'eval', reason: 'data/val has no rv objects to evaluate' }],
  });
  assert.equal(ready.level, 'info');
  assert.equal(
    ready.message,
    'Fine-tuned model ready: samocta2-rv1 (finished 4 steps), in /ws/runs/rv1/bundle. Evaluation failed: data/val has no rv objects to evaluate.',
  );
  assert.deepEqual(ready.actions, ['useModel', 'showReport']);
  const exportFailed = describeOutcome([done, { event: 'error', message: 'ignored' }], {
    code: 2,
    stage: 'export',
    runFolder: '/ws/runs/rv1',
    logFile: '/ws/runs/rv1/fine-tune.log',
    error: "'export' is unavailable: No module named 'onnx'",
    skipped: [],
  });
  assert.deepEqual(exportFailed, {
    level: 'error',
    message:
      "Fine-tuning failed while exporting: 'export' is unavailable: No module named 'onnx'. The full log is in /ws/runs/rv1/fine-tune.log.",
    actions: ['openLog'],
  });
});

test('stage lines: evaluating, exporting, and an evaluation that failed', () => {
  assert.match(
    describeStage({ stage: 'eval', state: 'started' }),
    /evaluating on the validation folder/,
  );
  assert.equal(describeStage({ stage: 'export', state: 'started' }), 'exporting the model bundle…');
  assert.equal(
    describeStage({ stage: 'eval', state: 'skipped', reason: 'x' }),
    'eval failed; going on without it',
  );
});

class FakeChild extends EventEmitter implements TrainerChild {
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  readonly signals: string[] = [];
  kill(signal?: NodeJS.Signals): boolean {
    this.signals.push(signal ?? 'SIGTERM');
    return true;
  }
}

function run(): { child: FakeChild; followed: Promise<void> } {
  const child = new FakeChild();
  const terminal = new TrainerTerminal({ command: 'py', args: [] }, { env: {} }, () => child);
  const followed = followRun(terminal, 'fine-tune');
  terminal.open();
  return { child, followed };
}

const line = (event: Record<string, unknown>) => JSON.stringify(event) + '\n';

test('progress is reported as it comes, in percent of the steps, then the result', async () => {
  const { child, followed } = run();
  const [progress] = recorded.progress;
  assert.equal(progress!.options.title, 'SAM-OCTA2: fine-tune');
  assert.equal(progress!.options.cancellable, true);
  child.stdout.emit('data', line({ event: 'start', step: 0, total: 4, device: 'cpu' }));
  child.stdout.emit('data', line({ event: 'step', step: 1, total: 4, loss: 0.5, eta_s: 30 }));
  child.stdout.emit('data', line({ event: 'step', step: 4, total: 4, loss: 0.25, eta_s: 0 }));
  child.stdout.emit(
    'data',
    line({ event: 'done', step: 4, total: 4, checkpoint: 'c.pt', stopped: false }),
  );
  child.emit('close', 0, null);
  await followed;
  assert.deepEqual(progress!.reports, [
    { message: 'starting at step 0 of 4 on cpu', increment: 0 },
    { message: 'step 1 of 4 · loss 0.500 · 30 s left', increment: 25 },
    { message: 'step 4 of 4 · loss 0.250 · 0 s left', increment: 75 },
  ]);
  assert.deepEqual(recorded.infos, ['SAM-OCTA2: Fine-tuning finished 4 steps; checkpoint: c.pt']);
});

test('Cancel stops the trainer with SIGINT and the end offers to resume', async () => {
  const { child, followed } = run();
  child.stdout.emit('data', line({ event: 'step', step: 2, total: 4, loss: 0.5, eta_s: 30 }));
  recorded.progress[0]!.cancel();
  assert.deepEqual(child.signals, ['SIGINT']);
  child.stdout.emit(
    'data',
    line({ event: 'interrupted', step: 2, checkpoint: 'runs/a/checkpoint.pt' }),
  );
  child.emit('close', 130, null);
  await followed;
  assert.equal(recorded.warnings.length, 1);
  assert.match(recorded.warnings[0]!.message, /stopped at step 2.*"resume": true/);
});

test('a failed run shows the trainer error as an error', async () => {
  const { child, followed } = run();
  child.stdout.emit(
    'data',
    line({ event: 'error', message: 'cannot read NIfTI file /d/a.nii.gz' }),
  );
  child.emit('close', 2, null);
  await followed;
  assert.deepEqual(recorded.errors, [
    "SAM-OCTA2: Fine-tuning failed: cannot read NIfTI file /d/a.nii.gz. The full log is in the task's terminal.",
  ]);
});

test('after training, the same notification says evaluating and exporting, then hands on the result', async () => {
  const children: FakeChild[] = [];
  const terminal = new TrainerTerminal(
    { command: 'py', args: ['train'] },
    { cwd: '/ws', env: {} },
    () => {
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    {
      runFolder: '/ws/runs/rv1',
      after: (folder) => [
        { name: 'eval', optional: true, line: { command: 'py', args: ['eval', folder] } },
        { name: 'export', line: { command: 'py', args: ['export', folder] } },
      ],
    },
  );
  const completed: unknown[][] = [];
  const followed = followRun(terminal, 'fine-tune runs/rv1', async (outcome, result, code) => {
    completed.push([outcome.level, outcome.actions, result?.bundle, code]);
  });
  terminal.open();
  children[0]!.stdout.emit(
    'data',
    line({
      event: 'done',
      step: 2,
      total: 2,
      checkpoint: 'runs/rv1/checkpoint.pt',
      stopped: false,
    }),
  );
  children[0]!.emit('close', 0, null);
  children[1]!.emit('close', 0, null);
  children[2]!.emit('close', 0, null);
  await followed;
  assert.deepEqual(
    recorded.progress[0]!.reports.map((r) => r.message),
    ['training done · evaluating on the validation folder…', 'exporting the model bundle…'],
  );
  assert.deepEqual(completed, [['info', ['useModel', 'showReport'], '/ws/runs/rv1/bundle', 0]]);
});
