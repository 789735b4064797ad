import {
  InputBoxMock,
  InputBoxValidationSeverity,
  Memento,
  QuickPickMock,
  Uri,
  recorded,
  resetMock,
  type QuickInputMock,
} from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { parse } from 'jsonc-parser';
import { makeNifti } from '../../../../fixtures/makeNifti';
import type { ContinuableBundle } from '../../../../../src/extension/finetune/setup/bundleChoices';
import {
  runGuidedSetup,
  type GuidedSetupDeps,
} from '../../../../../src/extension/finetune/setup/guidedSetup';
import { REMEMBERED_KEY } from '../../../../../src/extension/finetune/setup/rememberedChoices';
import type { FinetuneTaskDefinition } from '../../../../../src/extension/finetune/run/taskDefinition';

/** A real workspace folder on disk: the steps check it with the preflight's node probes. */
let ws: string;

function write(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(join(ws, path)), { recursive: true });
  writeFileSync(join(ws, path), bytes);
}

const volume = (): Uint8Array => makeNifti({ dims3: [4, 4, 4], gzip: true });

beforeEach(() => {
  resetMock();
  ws = mkdtempSync(join(tmpdir(), 'samocta2-setup-'));
  for (const name of ['a', 'b']) {
    write(`data/train/${name}.nii.gz`, volume());
    write(`data/train/${name}.vessels.nii.gz`, volume());
    write(`data/train/${name}.faz.nii.gz`, volume());
  }
  write('data/vessels-only/c.nii.gz', volume());
  write('data/vessels-only/c.vessels.nii.gz', volume());
  write('data/broken/d.nii.gz', volume());
  write('data/broken/d.vessels.nii.gz', 'not gzip at all');
  write('data/empty/readme.txt', 'no volumes here');
  // A released checkpoint of about the right size: "PK" (a torch zip) then a sparse tail.
  write('ckpt/sam2.1_hiera_tiny.pt', 'PK\x03\x04');
  truncateSync(join(ws, 'ckpt/sam2.1_hiera_tiny.pt'), 156_000_000);
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

function context(memento = new Memento()): vscode.ExtensionContext {
  return {
    workspaceState: memento,
    extensionUri: Uri.file('/ext'),
    subscriptions: [],
  } as unknown as vscode.ExtensionContext;
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(done(), `timed out waiting for ${what}`);
}

type Box = InputBoxMock;
type Pick = QuickPickMock<{ label: string; detail?: string }>;
type Action = (input: QuickInputMock) => void | Promise<void>;

/** The user: one action per input shown, in order. Failures are collected, not thrown. */
function play(actions: Action[]): { failures: unknown[]; left: () => number } {
  const failures: unknown[] = [];
  recorded.onQuickInput = (input) => {
    const action = actions.shift();
    setImmediate(async () => {
      try {
        if (action === undefined) throw new Error(`unexpected step: ${describe(input)}`);
        await until(() => !input.busy, 'the check to finish');
        await action(input);
      } catch (error) {
        failures.push(error);
        input.escape();
      }
    });
  };
  return { failures, left: () => actions.length };
}

function describe(input: QuickInputMock): string {
  const what =
    input instanceof InputBoxMock ? `box "${input.value}" (${input.prompt ?? ''})` : `pick`;
  return `${input.step}/${input.totalSteps} ${what}`;
}

/** Waits for the check of what was typed, then returns the message shown. */
async function typed(box: Box, text: string): Promise<{ message: string; severity: number }> {
  box.type(text);
  await until(() => !box.busy, 'the check');
  const shown = box.validationMessage;
  if (typeof shown === 'string' || shown === undefined)
    return { message: shown ?? '', severity: 0 };
  return shown;
}

const enter =
  (text?: string): Action =>
  (input) => {
    const box = input as Box;
    if (text !== undefined) box.type(text);
    box.accept();
  };
const choose =
  (label: string): Action =>
  (input) =>
    (input as Pick).pick(label);
const back: Action = (input) => input.back();
const escape: Action = (input) => input.escape();

async function finished<T>(
  run: Promise<T>,
  user: { failures: unknown[]; left: () => number },
): Promise<T> {
  const result = await run;
  assert.deepEqual(user.failures, []);
  assert.equal(user.left(), 0, 'every scripted action was used');
  return result;
}

/** The guided setup in the test workspace, driven by `user` to its end; its result. */
function setupDrivenBy<T extends { failures: unknown[]; left: () => number }>(
  user: T,
  memento = new Memento(),
  bundles: Awaited<ReturnType<NonNullable<GuidedSetupDeps['listBundles']>>> = [],
) {
  return finished(
    runGuidedSetup(context(memento), {
      workspaceFolder: Uri.file(ws) as unknown as vscode.Uri,
      listBundles: async () => bundles,
    }),
    user,
  );
}

const tinyRun: Action[] = [
  enter('data/train'),
  choose('SAM 2.1 tiny'),
  enter('ckpt/sam2.1_hiera_tiny.pt'),
  choose('Retinal vessels'),
  enter('300'),
  enter(), // frames: the default 4-8
  enter('16'),
  enter(), // learning rate: 5e-6
  choose('CUDA'),
  enter('2'),
  enter(), // the suggested run folder
  choose('Start'),
];

test('a full setup builds the definition, numbers its steps and remembers the answers', async () => {
  const memento = new Memento();
  const user = play([...tinyRun]);
  const definition = await setupDrivenBy(user, memento);
  const expected: FinetuneTaskDefinition = {
    type: 'samocta2-finetune',
    data: 'data/train',
    target: 'rv',
    out: 'runs/tiny_rv',
    size: 'tiny',
    modelCheckpoint: 'ckpt/sam2.1_hiera_tiny.pt',
    steps: 300,
    frames: [4, 8],
    loraRank: 16,
    lr: 5e-6,
    device: 'cuda',
    gpus: 2,
  };
  assert.deepEqual(definition, expected);
  const inputs = recorded.quickInputs;
  // tiny (the default) has a checkpoint step from the start.
  assert.deepEqual(
    inputs.map((i) => `${i.step}/${i.totalSteps}`),
    inputs.map((_, i) => `${i + 1}/12`),
  );
  assert.ok(inputs.every((i) => i.title === 'Fine-tune SAM-OCTA2'));
  assert.equal(
    inputs[0]!.buttons.some((b) => b.tooltip === 'Back'),
    false,
    'no Back on step 1',
  );
  assert.ok(inputs.slice(1).every((i) => i.buttons.some((b) => b.tooltip === 'Back')));
  assert.ok(
    inputs.every((i) => i.disposed),
    'every input is disposed',
  );
  const remembered = memento.get(REMEMBERED_KEY) as Record<string, unknown>;
  assert.equal(remembered.data, 'data/train');
  assert.equal(remembered.gpus, 2);
  assert.equal('dataset' in remembered, false, 'the dataset check result is not stored');
});

test('the dataset step shows what it found and refuses folders it cannot train on', async () => {
  const messages: { message: string; severity: number }[] = [];
  const datasetStep: Action = async (input) => {
    const box = input as Box;
    for (const folder of ['data/missing', 'data/empty', 'data/broken', '']) {
      messages.push(await typed(box, folder));
      box.accept();
      await until(() => !box.busy, 'the check on Enter');
      assert.ok(box.visible, `${folder} must not be accepted`);
    }
    messages.push(await typed(box, 'data/vessels-only'));
    box.accept();
  };
  const user = play([
    datasetStep,
    choose('nano'),
    async (input) => {
      // The FAZ has no labels here: picking it is refused with the reason, vessels go on.
      const pick = input as Pick;
      assert.match(pick.items[1]!.detail ?? '', /\$\(error\) None of the 1 volume\(s\).*FAZ/);
      pick.pick('Foveal');
      assert.ok(pick.visible);
      assert.match(pick.placeholder ?? '', /no FAZ labels/);
      pick.pick('Retinal vessels');
    },
    escape,
  ]);
  const result = await setupDrivenBy(user);
  assert.equal(result, undefined);
  const [missing, empty, broken, blank, vesselsOnly] = messages;
  assert.equal(missing!.severity, InputBoxValidationSeverity.Error);
  assert.match(missing!.message, /data\/missing cannot be read/);
  assert.match(empty!.message, /holds no volumes/);
  assert.match(broken!.message, /d\.vessels\.nii\.gz is not gzip-compressed/);
  assert.match(blank!.message, /Choose the training folder/);
  assert.equal(vesselsOnly!.severity, InputBoxValidationSeverity.Warning);
  assert.match(vesselsOnly!.message, /Vessels: 1 volume\(s\), 1 with 3D vessel labels · FAZ: None/);
});

test('issue 16: no error before anything is typed, and Enter on the defaults never picks nano', async () => {
  const user = play([
    async (input) => {
      const box = input as Box;
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(box.validationMessage, undefined, 'step 1 opens without an error');
      box.accept();
      await until(() => !box.busy, 'the check on Enter');
      assert.ok(box.visible, 'an empty folder is not accepted');
      assert.match(
        String((box.validationMessage as unknown as { message?: string } | undefined)?.message),
        /Choose the training folder/,
      );
      enter('data/train')(box);
    },
    (input) => {
      const pick = input as Pick;
      assert.equal(pick.activeItems[0]?.label, 'SAM 2.1 tiny', 'the highlighted default');
      pick.escape();
    },
  ]);
  const result = await setupDrivenBy(user);
  assert.equal(result, undefined);
});

test('issue 16: a folder of tracking output and vessel-instance labels offers no FAZ target', async () => {
  write('data/tracked/e.nii.gz', volume());
  write('data/tracked/e.seg.nii.gz', volume());
  write('data/instances/f.nii.gz', volume());
  write(
    'data/instances/f.label.nii.gz',
    makeNifti({ dims3: [2, 2, 1], values: [0, 1, 2, 3], gzip: true }),
  );
  const user = play([
    async (input) => {
      const box = input as Box;
      const tracked = await typed(box, 'data/tracked');
      assert.equal(tracked.severity, InputBoxValidationSeverity.Error);
      assert.match(
        tracked.message,
        /e\.seg\.nii\.gz is the editor's tracking output, which is not training data/,
      );
      assert.doesNotMatch(tracked.message, /choose the (FAZ|vessel) target/);
      const instances = await typed(box, 'data/instances');
      assert.equal(instances.severity, InputBoxValidationSeverity.Warning);
      assert.match(
        instances.message,
        /Vessels: 1 volume\(s\), 1 with 3D vessel labels · FAZ: None/,
      );
      assert.match(
        instances.message,
        /f\.label\.nii\.gz holds ids above 1: vessel labels, not a FAZ/,
      );
      box.accept();
    },
    choose('nano'),
    (input) => {
      const pick = input as Pick;
      assert.equal(pick.activeItems[0]?.label, 'Retinal vessels');
      pick.pick('Foveal');
      assert.ok(pick.visible, 'FAZ is refused');
      pick.escape();
    },
  ]);
  await setupDrivenBy(user);
});

test('Back returns to the previous step with its answer kept; the checkpoint step is re-checked', async () => {
  const user = play([
    enter('data/train'),
    choose('SAM 2.1 tiny'),
    async (input) => {
      const box = input as Box;
      const wrong = await typed(box, 'ckpt/sam2.1_hiera_small.pt');
      assert.match(wrong.message, /holds the small model, but the size is tiny/);
      const missing = await typed(box, 'ckpt/nothing.pt');
      assert.match(missing.message, /does not exist.*Download sam2\.1_hiera_tiny\.pt/);
      box.accept();
      await until(() => !box.busy, 'the check');
      assert.ok(box.visible);
      enter('ckpt/sam2.1_hiera_tiny.pt')(box);
    },
    back, // at the target step
    (input) => {
      const box = input as Box;
      assert.equal(box.value, 'ckpt/sam2.1_hiera_tiny.pt', 'the answer is kept');
      assert.equal(box.step, 3);
      box.back();
    },
    (input) => {
      const pick = input as Pick;
      assert.equal(pick.activeItems[0]?.label, 'SAM 2.1 tiny', 'the chosen model is preselected');
      pick.back();
    },
    (input) => {
      assert.equal((input as Box).value, 'data/train');
      input.escape();
    },
  ]);
  const result = await setupDrivenBy(user);
  assert.equal(result, undefined);
});

test('Escape at any step ends the setup: nothing remembered, written or started', async () => {
  for (let at = 0; at < tinyRun.length; at++) {
    resetMock();
    const memento = new Memento();
    const user = play([...tinyRun.slice(0, at), escape]);
    const result = await setupDrivenBy(user, memento);
    assert.equal(result, undefined, `escape at step ${at + 1}`);
    assert.equal(memento.values.size, 0);
    assert.equal(recorded.fileOps.length, 0);
    assert.equal(recorded.executedTasks.length, 0);
    assert.ok(recorded.quickInputs.every((i) => i.disposed));
  }
});

test('the next setup starts from the last answers; nano on the CPU skips checkpoint and GPUs', async () => {
  const memento = new Memento();
  const nanoCpu: Action[] = [
    enter('data/train'),
    choose('nano'),
    choose('FAZ'),
    enter('20'),
    enter('6'),
    enter('8'),
    enter('0.001'),
    choose('CPU'),
    enter('runs/smoke'),
    choose('Start'),
  ];
  const ws_ = Uri.file(ws) as unknown as vscode.Uri;
  const first = await finished(
    runGuidedSetup(context(memento), { workspaceFolder: ws_, listBundles: async () => [] }),
    play(nanoCpu),
  );
  assert.equal(first?.size, 'nano');
  assert.equal(first?.modelCheckpoint, undefined);
  assert.equal(first?.gpus, undefined);
  // Until the CPU is chosen, the GPU count step is still ahead.
  assert.deepEqual(
    recorded.quickInputs.map((i) => i.totalSteps),
    [12, 12, 11, 11, 11, 11, 11, 11, 10, 10],
  );

  resetMock();
  const prefilled: string[] = [];
  const record: Action = (input) => {
    if (input instanceof InputBoxMock) prefilled.push(input.value);
    else prefilled.push((input as Pick).activeItems[0]?.label ?? '');
    if (input instanceof InputBoxMock) input.accept();
    else (input as Pick).pick((input as Pick).activeItems[0]!.label);
  };
  const second = await finished(
    runGuidedSetup(context(memento), { workspaceFolder: ws_, listBundles: async () => [] }),
    play([record, record, record, record, record, record, record, record, record, choose('Start')]),
  );
  assert.deepEqual(prefilled, [
    'data/train',
    'nano (random weights)',
    'Foveal avascular zone (FAZ)',
    '20',
    '6',
    '8',
    '0.001',
    '$(server) CPU',
    'runs/smoke',
  ]);
  assert.deepEqual(second, first);
});

test('the suggested run folder avoids one that holds a run, and a chosen one with a run is a warning', async () => {
  write('runs/tiny_rv/checkpoint.pt', 'PK');
  const user = play([
    ...tinyRun.slice(0, 10),
    async (input) => {
      const box = input as Box;
      assert.equal(box.value, 'runs/tiny_rv_2');
      const existing = await typed(box, 'runs/tiny_rv');
      assert.equal(existing.severity, InputBoxValidationSeverity.Warning);
      assert.match(
        existing.message,
        /already holds a run \(checkpoint\.pt\): starting will offer to resume/,
      );
      const file = await typed(box, 'ckpt/sam2.1_hiera_tiny.pt');
      assert.equal(file.severity, InputBoxValidationSeverity.Error);
      assert.match(file.message, /is a file; the run needs a folder/);
      enter('runs/tiny_rv')(box);
    },
    choose('Start'),
  ]);
  const definition = await setupDrivenBy(user);
  assert.equal(definition?.out, 'runs/tiny_rv');
});

test('Save to tasks.json writes the run and returns nothing to start; a file that does not parse is left alone', async () => {
  const tasksPath = join(ws, '.vscode', 'tasks.json');
  recorded.files.set(
    tasksPath,
    new TextEncoder().encode('{ // mine\n "version": "2.0.0", "tasks": [ }'),
  );
  const user = play([
    ...tinyRun.slice(0, -1),
    (input) => {
      (input as Pick).pick('Save to tasks.json and Start');
    },
    (input) => {
      // Not saved: the same last step again, and the reason in an error.
      assert.equal(input.step, 12);
      assert.match(
        recorded.errors.at(-1) ?? '',
        /was not changed: it is not valid JSON.*Copy Entry/,
      );
      recorded.files.set(
        tasksPath,
        new TextEncoder().encode('{ // mine\n "version": "2.0.0", "tasks": [] }'),
      );
      recorded.textDocuments.length = 0; // VS Code reloads a clean document whose file changed
      (input as Pick).pick('$(save) Save to tasks.json');
    },
  ]);
  const memento = new Memento();
  const result = await setupDrivenBy(user, memento);
  assert.equal(result, undefined, 'saved only: nothing to start');
  const text = new TextDecoder().decode(recorded.files.get(tasksPath));
  assert.match(text, /^\{ \/\/ mine\n/, 'the comment is kept');
  const saved = parse(text) as { tasks: Record<string, unknown>[] };
  assert.equal(saved.tasks.length, 1);
  assert.equal(saved.tasks[0]!.label, 'SAM-OCTA2 fine-tune: runs/tiny_rv');
  assert.equal(saved.tasks[0]!.gpus, 2);
  assert.match(recorded.infos.at(-1) ?? '', /added the task "SAM-OCTA2 fine-tune: runs\/tiny_rv"/);
  assert.ok(memento.values.has(REMEMBERED_KEY), 'a completed setup is remembered');
});

test('continuing from a bundle takes its size and rank; nano bundles need no checkpoint', async () => {
  const bundle: ContinuableBundle = {
    dir: '/models/rv-site-a',
    name: 'rv-site-a',
    size: 'nano',
    loraRank: 8,
    target: 'rv',
  };
  const user = play([
    enter('data/train'),
    choose('Continue rv-site-a'),
    choose('Retinal vessels'),
    enter('50'),
    enter(),
    // no rank step: the bundle's weights fix it
    enter(),
    choose('CPU'),
    (input) => {
      assert.equal((input as Box).value, 'runs/rv-site-a-continued_rv');
      (input as Box).accept();
    },
    choose('Start'),
  ]);
  const definition = await setupDrivenBy(user, undefined, [bundle]);
  assert.equal(definition?.continueFrom, '/models/rv-site-a');
  assert.equal(definition?.loraRank, 8);
  assert.equal(definition?.size, 'nano');
  // Once the bundle is chosen, the rank step goes; once the CPU is, the GPU count step.
  assert.deepEqual(
    recorded.quickInputs.map((i) => i.totalSteps),
    [12, 12, 10, 10, 10, 10, 10, 9, 9],
  );
});

test('Browse puts the picked folder in the box, relative to the workspace folder', async () => {
  recorded.openDialog = () => [Uri.file(join(ws, 'data', 'train'))];
  const user = play([
    async (input) => {
      const box = input as Box;
      box.pressButton(box.buttons.find((b) => b.tooltip === 'Browse…')!);
      await until(() => box.value === 'data/train' && !box.busy, 'the browsed folder');
      assert.match(
        typeof box.validationMessage === 'object' ? box.validationMessage.message : '',
        /Vessels: 2 volume\(s\), 2 with 3D vessel labels · FAZ: 2 volume\(s\), 2 with 3D FAZ labels/,
      );
      box.escape();
    },
  ]);
  await setupDrivenBy(user);
});

test('a bundle on a released size asks for its base unless it carries a copy', async () => {
  const onTiny: ContinuableBundle = {
    dir: '/models/faz-b',
    name: 'faz-b',
    size: 'tiny',
    baseCheckpoint: 'ckpt/sam2.1_hiera_tiny.pt',
    loraRank: 16,
  };
  const withCopy: ContinuableBundle = {
    ...onTiny,
    dir: '/models/faz-c',
    name: 'faz-c',
    baseInBundle: true,
  };
  const folder = Uri.file(ws) as unknown as vscode.Uri;
  const rest: Action[] = [
    choose('Retinal vessels'),
    enter('50'),
    enter(),
    enter(),
    choose('CPU'),
    enter(),
    choose('Start'),
  ];
  const asked = await finished(
    runGuidedSetup(context(), {
      workspaceFolder: folder,
      listBundles: async () => [onTiny, withCopy],
    }),
    play([
      enter('data/train'),
      choose('Continue faz-b'),
      (input) => {
        assert.equal(
          (input as Box).value,
          'ckpt/sam2.1_hiera_tiny.pt',
          "the bundle's base, pre-filled",
        );
        (input as Box).accept();
      },
      ...rest,
    ]),
  );
  assert.equal(asked?.modelCheckpoint, 'ckpt/sam2.1_hiera_tiny.pt');
  assert.equal(asked?.loraRank, 16);
  resetMock();
  const carried = await finished(
    runGuidedSetup(context(), {
      workspaceFolder: folder,
      listBundles: async () => [onTiny, withCopy],
    }),
    play([enter('data/train'), choose('Continue faz-c'), ...rest]),
  );
  assert.equal(carried?.continueFrom, '/models/faz-c');
  assert.equal(carried?.modelCheckpoint, undefined, 'the trainer uses the copy in the bundle');
  assert.equal(carried?.size, 'tiny');
});
