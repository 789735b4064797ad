import { Task, Uri, recorded, resetMock, workspace } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { fineTuneCommand } from '../../../../src/extension/finetune/fineTuneCommand';
import type { PreflightProblem } from '../../../../src/extension/finetune/preflight/preflight';
import { FINETUNE_TASK_TYPE } from '../../../../src/extension/finetune/run/taskDefinition';

beforeEach(() => resetMock());

const folder = { uri: Uri.file('/ws'), name: 'ws', index: 0 };

function entry(data: string): Task {
  return new Task({ type: FINETUNE_TASK_TYPE, data }, folder, `fine-tune ${data}`, 'Workspace');
}

/** The command with a preflight that finds `problems` (for the task's definition). */
function command(
  problems: PreflightProblem[] | ((definition: Record<string, unknown>) => PreflightProblem[]) = [],
): { run(): Promise<void>; checked: Task[] } {
  const checked: Task[] = [];
  const run = fineTuneCommand({
    preflight: async (task: vscode.Task) => {
      checked.push(task as unknown as Task);
      return typeof problems === 'function' ? problems(task.definition) : problems;
    },
    withChanges: async (task, changes) =>
      new Task(
        { ...task.definition, ...changes, type: FINETUNE_TASK_TYPE },
        task.scope,
        task.name,
        task.source,
      ) as unknown as vscode.Task,
  });
  return { run, checked };
}

test('without a tasks.json run it says how to add one and starts nothing', async () => {
  recorded.tasks.push(new Task({ type: 'shell' }, folder, 'other', 'Workspace'));
  const { run, checked } = command();
  await run();
  assert.equal(checked.length, 0);
  assert.equal(recorded.executedTasks.length, 0);
  assert.match(recorded.infos[0]!, /no fine-tune task yet.*"type": "samocta2-finetune"/);
});

test('one run: preflight, then it starts', async () => {
  const only = entry('a');
  recorded.tasks.push(only);
  const { run, checked } = command();
  await run();
  assert.deepEqual(checked, [only]);
  assert.deepEqual(recorded.executedTasks, [only]);
});

test('several runs: the user picks one; dismissing the pick starts nothing', async () => {
  recorded.tasks.push(entry('a'), entry('b'));
  recorded.quickPick = (items) => items[1];
  const { run } = command();
  await run();
  assert.deepEqual(
    recorded.executedTasks.map((t) => t.name),
    ['fine-tune b'],
  );
  recorded.quickPick = () => undefined;
  await run();
  assert.equal(recorded.executedTasks.length, 1);
});

test('a preflight problem stops the run and shows the problem with its next step', async () => {
  recorded.tasks.push(entry('a'));
  const { run } = command([
    {
      check: 'dataset',
      ok: false,
      problem: 'The dataset folder /ws/a holds no volumes',
      nextStep: 'Put each volume as <name>.nii.gz.',
    },
    { check: 'disk', ok: false, problem: 'Only 1 MB is free', nextStep: 'Free some space.' },
  ]);
  await run();
  assert.equal(recorded.executedTasks.length, 0);
  assert.deepEqual(recorded.errors, [
    'SAM-OCTA2: The dataset folder /ws/a holds no volumes. Put each volume as <name>.nii.gz. (1 more problem after this one)',
  ]);
  assert.equal(recorded.terminals.length, 0);
});

test('missing packages: the install command runs in a terminal when the user asks', async () => {
  recorded.tasks.push(entry('a'));
  const install = '/venv/bin/python -m pip install -e /ext/trainer';
  const problem: PreflightProblem = {
    check: 'packages',
    ok: false,
    problem: 'Python at "/venv/bin/python" lacks sam2',
    nextStep: `Install the trainer and its dependencies: ${install}`,
    fix: { kind: 'runInTerminal', command: install },
  };
  await command([problem]).run();
  assert.equal(recorded.terminals.length, 0, 'nothing runs unless asked');
  recorded.messageAnswer = 'Run in Terminal';
  await command([problem]).run();
  assert.deepEqual(recorded.terminals, [{ name: 'SAM-OCTA2 setup', shown: true, sent: [install] }]);
  assert.equal(recorded.executedTasks.length, 0);
});

test('an untrusted workspace gets an explanation, no preflight and no run', async () => {
  recorded.tasks.push(entry('a'));
  workspace.isTrusted = false;
  const { run, checked } = command();
  await run();
  assert.equal(checked.length, 0);
  assert.equal(recorded.executedTasks.length, 0);
  assert.match(recorded.errors[0]!, /off in untrusted workspaces/);
});

const noCuda: PreflightProblem = {
  check: 'cuda',
  ok: false,
  problem: 'No CUDA GPU for training',
  nextStep: 'Train on the CPU instead, roughly 50x slower',
  fix: { kind: 'useCpu' },
};

test('an accepted fix changes this run, and the preflight runs again before it starts', async () => {
  recorded.tasks.push(entry('a'));
  recorded.messageAnswer = 'Train on CPU';
  const { run, checked } = command((definition) => (definition.device === 'cpu' ? [] : [noCuda]));
  await run();
  assert.equal(checked.length, 2);
  assert.deepEqual(
    recorded.executedTasks.map((t) => t.definition),
    [{ type: FINETUNE_TASK_TYPE, data: 'a', device: 'cpu', gpus: 1 }],
  );
  assert.equal(recorded.tasks[0]!.definition.device, undefined, 'tasks.json is left as it is');
});

test('a run left in the output folder is offered for resuming', async () => {
  recorded.tasks.push(entry('a'));
  const existing: PreflightProblem = {
    check: 'runFolder',
    ok: false,
    problem: '/ws/runs/a already holds a run (checkpoint.pt)',
    nextStep: 'Resume that run, or choose another output folder.',
    fix: { kind: 'resume' },
  };
  const check = (definition: Record<string, unknown>) => (definition.resume ? [] : [existing]);
  await command(check).run();
  assert.equal(recorded.executedTasks.length, 0, 'dismissed: nothing starts');
  recorded.messageAnswer = 'Resume';
  await command(check).run();
  assert.deepEqual(
    recorded.executedTasks.map((t) => t.definition.resume),
    [true],
  );
});

test('fixes that lead nowhere stop after a few rounds instead of looping', async () => {
  recorded.tasks.push(entry('a'));
  recorded.messageAnswer = 'Train on CPU';
  const { run, checked } = command([noCuda]);
  await run();
  assert.equal(checked.length, 4);
  assert.equal(recorded.executedTasks.length, 0);
});

/** The command with the guided setup: `setup` plays the user's answers. */
function guided(setup: () => Promise<Record<string, unknown> | undefined>) {
  const made: unknown[] = [];
  const checked: Task[] = [];
  const run = fineTuneCommand({
    guidedSetup: setup as () => Promise<undefined>,
    taskFor: async (definition) => {
      made.push(definition);
      return new Task(
        { ...definition },
        folder,
        'fine-tune runs/rv1',
        'SAM-OCTA2',
      ) as unknown as vscode.Task;
    },
    preflight: async (task: vscode.Task) => {
      checked.push(task as unknown as Task);
      return [];
    },
    withChanges: async (task) => task,
  });
  return { run, made, checked };
}

test('no tasks.json run: the guided setup builds the run, which is preflighted and started', async () => {
  const definition = { type: FINETUNE_TASK_TYPE, data: 'data/train', out: 'runs/rv1' };
  const { run, made, checked } = guided(async () => definition);
  await run();
  assert.deepEqual(made, [definition]);
  assert.equal(checked.length, 1);
  assert.deepEqual(recorded.executedTasks[0]?.definition, definition);
});

test('with tasks.json runs the user chooses: set up a new run, or pick a task; Escape starts nothing', async () => {
  const saved = entry('a');
  recorded.tasks.push(saved);
  const offered: string[][] = [];
  recorded.quickPick = (items) => {
    offered.push((items as { label: string }[]).map((i) => i.label));
    return (items as { label: string }[]).find((i) => i.label.startsWith('Run a Task'));
  };
  let asked = 0;
  const fromTasks = guided(async () => {
    asked++;
    return undefined;
  });
  await fromTasks.run();
  assert.deepEqual(offered, [['Set Up a New Run…', 'Run a Task from tasks.json…']]);
  assert.equal(asked, 0);
  assert.deepEqual(recorded.executedTasks, [saved]);

  recorded.executedTasks.length = 0;
  recorded.quickPick = (items) => items[0];
  const setUp = guided(async () => {
    asked++;
    return undefined; // the user left the setup
  });
  await setUp.run();
  assert.equal(asked, 1);
  assert.equal(recorded.executedTasks.length, 0);

  recorded.quickPick = () => undefined;
  await guided(async () => ({ type: FINETUNE_TASK_TYPE, data: 'd' })).run();
  assert.equal(recorded.executedTasks.length, 0);
});
