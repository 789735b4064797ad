import { recorded, resetMock } from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import {
  completeRun,
  type CompletionDeps,
} from '../../../../../src/extension/finetune/run/runCompletion';
import type { Outcome } from '../../../../../src/extension/finetune/run/runProgress';
import type { RunResult } from '../../../../../src/extension/trainerTask/trainerTerminal';

beforeEach(() => resetMock());

function deps(fail: Partial<Record<keyof CompletionDeps, boolean>> = {}) {
  const calls: string[] = [];
  const step =
    (name: keyof CompletionDeps) =>
    async (arg: string): Promise<void> => {
      calls.push(`${name} ${arg}`);
      if (fail[name]) throw new Error(`${name} broke`);
    };
  const made: CompletionDeps = {
    addModelFolder: step('addModelFolder'),
    useModel: step('useModel'),
    showReport: step('showReport'),
    openLog: step('openLog'),
    warn: (message) => void calls.push(`warn ${message}`),
  };
  return { made, calls };
}

const ready: Outcome = {
  level: 'info',
  message: 'Fine-tuned model ready: samocta2-rv1',
  actions: ['useModel', 'showReport'],
};
const result: RunResult = {
  code: 0,
  stage: 'export',
  skipped: [],
  runFolder: '/ws/runs/rv1',
  bundle: '/ws/runs/rv1/bundle',
  logFile: '/ws/runs/rv1/fine-tune.log',
};

test('a new bundle joins the model list first; "Use in Open Editors" switches to it', async () => {
  const { made, calls } = deps();
  recorded.messageAnswer = 'Use in Open Editors';
  await completeRun(made)(ready, result, 0);
  assert.deepEqual(recorded.messageButtons, [['Use in Open Editors', 'Show Report']]);
  assert.deepEqual(recorded.infos, ['SAM-OCTA2: Fine-tuned model ready: samocta2-rv1']);
  assert.deepEqual(calls, ['addModelFolder /ws/runs/rv1/bundle', 'useModel /ws/runs/rv1/bundle']);
});

test('"Show Report" opens the run report; dismissing does nothing more', async () => {
  const { made, calls } = deps();
  recorded.messageAnswer = 'Show Report';
  await completeRun(made)(ready, result, 0);
  assert.deepEqual(calls.slice(1), ['showReport /ws/runs/rv1']);
  const quiet = deps();
  recorded.messageAnswer = undefined;
  await completeRun(quiet.made)(ready, result, 0);
  assert.deepEqual(quiet.calls, ['addModelFolder /ws/runs/rv1/bundle']);
});

test('a failed run offers its log; failures of these steps are warned about, never thrown', async () => {
  const { made, calls } = deps({ openLog: true, addModelFolder: true });
  recorded.messageAnswer = 'Open Log';
  const failed: Outcome = {
    level: 'error',
    message: 'Fine-tuning failed: x.',
    actions: ['openLog'],
  };
  await completeRun(made)(failed, { ...result, code: 2, stage: 'train', bundle: undefined }, 2);
  assert.deepEqual(recorded.errors, ['SAM-OCTA2: Fine-tuning failed: x.']);
  assert.deepEqual(calls, [
    'openLog /ws/runs/rv1/fine-tune.log',
    'warn Open Log failed: Error: openLog broke',
  ]);
  const broken = deps({ addModelFolder: true });
  await completeRun(broken.made)(ready, result, 0);
  assert.match(broken.calls[1]!, /^warn could not add \/ws\/runs\/rv1\/bundle to the model list/);
  assert.equal(recorded.infos.length, 1, 'the outcome is still shown');
});
