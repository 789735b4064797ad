import {
  CustomExecution,
  Task,
  TaskScope,
  Uri,
  recorded,
  resetMock,
  type ExtensionMock,
} from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { FINETUNE_COMMAND } from '../../../../../src/extension/finetune/fineTuneCommand';
import {
  FinetuneTaskProvider,
  taskWithChanges,
  type FinetuneTaskContext,
} from '../../../../../src/extension/finetune/run/finetuneTaskProvider';
import { TRAINER_PROBLEM_MATCHER } from '../../../../../src/extension/trainerTask/trainerTask';
import { resolvePython } from '../../../../../src/extension/trainerTask/pythonInterpreter';
import { TrainerTerminal } from '../../../../../src/extension/trainerTask/trainerTerminal';
import { registerFinetune } from '../../../../../src/extension/finetune/registerFinetune';
import {
  DEFINITION_FIELDS,
  FINETUNE_TASK_TYPE,
  MODEL_SIZES,
  TARGETS,
} from '../../../../../src/extension/finetune/run/taskDefinition';

beforeEach(() => resetMock());

const folder = { uri: Uri.file('/ws'), name: 'ws', index: 0 };

function taskContext(errors: string[] = [], env: Record<string, string> = {}): FinetuneTaskContext {
  return {
    trainerFolder: '/ext/trainer',
    resolvePython: async () => '/venv/bin/python',
    showError: (message) => errors.push(message),
    env,
    spawn: () => {
      throw new Error('these tests do not start the trainer');
    },
  };
}

function provider(errors: string[] = [], env: Record<string, string> = {}): FinetuneTaskProvider {
  return new FinetuneTaskProvider(taskContext(errors, env));
}

function tasksJsonEntry(definition: Record<string, unknown>, scope: unknown = folder): Task {
  return new Task({ type: FINETUNE_TASK_TYPE, ...definition }, scope, 'fine-tune', 'Workspace');
}

async function resolve(p: FinetuneTaskProvider, task: Task): Promise<Task | undefined> {
  return (await p.resolveTask(task as unknown as vscode.Task)) as unknown as Task | undefined;
}

/** The terminal VS Code would get when the task starts. */
async function terminalOf(task: Task | undefined): Promise<TrainerTerminal> {
  const execution = task?.execution;
  assert.ok(execution instanceof CustomExecution, 'the task runs in a pseudoterminal');
  const terminal = await execution.callback({});
  assert.ok(terminal instanceof TrainerTerminal);
  return terminal;
}

test('a tasks.json entry becomes the trainer process, in the workspace folder', async () => {
  const entry = tasksJsonEntry({ data: 'data/train', size: 'nano', steps: 20, device: 'cpu' });
  const task = await resolve(provider([], { PYTHONPATH: '/site' }), entry);
  assert.ok(task);
  assert.equal(task.definition, entry.definition, 'VS Code needs the same definition object');
  assert.equal(task.scope, folder);
  assert.equal(task.name, 'fine-tune');
  assert.deepEqual(task.problemMatchers, [TRAINER_PROBLEM_MATCHER]);
  const terminal = await terminalOf(task);
  assert.equal(terminal.line.command, '/venv/bin/python');
  assert.deepEqual(terminal.line.args, [
    '-m',
    'samocta2',
    'train',
    '--data=data/train',
    '--size=nano',
    '--steps=20',
    '--device=cpu',
  ]);
  assert.equal(terminal.options.cwd, '/ws');
  assert.deepEqual(terminal.options.env, {
    PYTHONPATH: `/ext/trainer${delimiter}/site`,
    PYTHONSAFEPATH: '1',
    PYTHONUNBUFFERED: '1',
  });
});

test('several GPUs resolve to torchrun with --ddp', async () => {
  const task = await resolve(provider(), tasksJsonEntry({ data: 'd', gpus: 2 }));
  const execution = await terminalOf(task);
  assert.deepEqual(execution.line.args.slice(0, 4), [
    '-m',
    'torch.distributed.run',
    '--standalone',
    '--nproc_per_node=2',
  ]);
  assert.equal(execution.line.args.at(-1), '--ddp');
  assert.deepEqual(execution.options.env.PYTHONPATH, '/ext/trainer');
});

test('a workspace-scoped task gets no cwd (VS Code uses the workspace root)', async () => {
  const task = await resolve(provider(), tasksJsonEntry({ data: 'd' }, TaskScope.Workspace));
  assert.equal((await terminalOf(task)).options.cwd, undefined);
});

test('a bad tasks.json entry is not run and its problems are shown', async () => {
  const errors: string[] = [];
  const task = await resolve(provider(errors), tasksJsonEntry({ data: 'd', size: 'xl', steps: 0 }));
  assert.equal(task, undefined);
  assert.equal(errors.length, 1);
  assert.match(
    errors[0]!,
    /fine-tune task "fine-tune" in tasks\.json: .*"size" is "xl".*"steps" is 0/,
  );
});

test('a fix makes a changed copy of the run; a change that breaks the definition is refused', async () => {
  const original = tasksJsonEntry({ data: 'd', gpus: 2 });
  const changed = (await taskWithChanges(
    original as unknown as vscode.Task,
    { device: 'cpu', gpus: 1 },
    taskContext(),
  )) as unknown as Task;
  assert.deepEqual(changed.definition, {
    type: FINETUNE_TASK_TYPE,
    data: 'd',
    gpus: 1,
    device: 'cpu',
  });
  assert.deepEqual(original.definition, { type: FINETUNE_TASK_TYPE, data: 'd', gpus: 2 });
  assert.equal(changed.scope, folder);
  const terminal = await terminalOf(changed);
  assert.deepEqual(terminal.line.args, ['-m', 'samocta2', 'train', '--data=d', '--device=cpu']);
  await assert.rejects(
    taskWithChanges(original as unknown as vscode.Task, { device: 'cpu' }, taskContext()),
    /"gpus" is 2 but "device" is "cpu"/,
  );
});

test('no tasks are provided on their own: runs are described in tasks.json', () => {
  assert.deepEqual(provider().provideTasks(), []);
});

/** As VS Code: `exports` holds the API once the extension is active. */
function pythonExtension(api: unknown, active = false): ExtensionMock {
  const extension: ExtensionMock = {
    isActive: active,
    exports: active ? api : undefined,
    activate: async () => {
      Object.assign(extension, { isActive: true, exports: api });
      return api;
    },
  };
  return extension;
}

test('Python: the setting first, then the Python extension, then python3 (python on Windows)', async () => {
  const environments = {
    getActiveEnvironmentPath: () => ({ path: '/envs/conda-env' }),
    resolveEnvironment: async (path: string) =>
      path === '/envs/conda-env'
        ? { executable: { uri: Uri.file('/envs/conda-env/bin/python') } }
        : undefined,
  };
  assert.equal(await resolvePython(undefined, 'linux'), 'python3');
  assert.equal(await resolvePython(undefined, 'win32'), 'python');

  recorded.extensions.set('ms-python.python', pythonExtension({ environments }));
  assert.equal(await resolvePython(undefined, 'linux'), '/envs/conda-env/bin/python');

  recorded.extensions.set(
    'ms-python.python',
    pythonExtension(
      { environments: { ...environments, resolveEnvironment: async () => undefined } },
      true,
    ),
  );
  assert.equal(await resolvePython(undefined, 'linux'), '/envs/conda-env');

  recorded.extensions.set('ms-python.python', {
    isActive: false,
    exports: undefined,
    activate: async () => {
      throw new Error('activation failed');
    },
  });
  assert.equal(await resolvePython(undefined, 'linux'), 'python3');

  recorded.configuration['samOcta2.pythonPath'] = '  /opt/py/bin/python  ';
  assert.equal(await resolvePython(undefined, 'linux'), '/opt/py/bin/python');
  recorded.configuration['samOcta2.pythonPath'] = '';
  assert.equal(await resolvePython(undefined, 'linux'), 'python3');
});

function activateFinetune(): vscode.Disposable {
  const context = { extensionUri: Uri.file('/ext'), subscriptions: [] };
  return registerFinetune(context as unknown as vscode.ExtensionContext);
}

test('registration adds the task provider and the command, and disposes both', () => {
  const disposable = activateFinetune();
  assert.deepEqual(
    recorded.taskProviders.map((p) => p.type),
    [FINETUNE_TASK_TYPE],
  );
  assert.ok(recorded.commands.has(FINETUNE_COMMAND));
  disposable.dispose();
  assert.equal(recorded.taskProviders.length, 0);
  assert.equal(recorded.commands.size, 0);
});

test('the registered provider runs the trainer from the extension trainer folder', async () => {
  activateFinetune();
  const registered = recorded.taskProviders[0]!.provider as FinetuneTaskProvider;
  recorded.configuration['samOcta2.pythonPath'] = '/py';
  const task = await resolve(registered, tasksJsonEntry({ data: 'd' }));
  const terminal = await terminalOf(task);
  assert.equal(terminal.line.command, '/py');
  assert.match(terminal.options.env.PYTHONPATH ?? '', /^\/ext\/trainer/);
});

interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; title: string; enablement?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default: unknown }> };
    taskDefinitions: {
      type: string;
      when?: string;
      properties: Record<string, { type: string; enum?: string[] }>;
    }[];
    problemMatchers: {
      name: string;
      pattern: { regexp: string; file: number; message: number; kind?: string };
    }[];
  };
}
const manifest = JSON.parse(
  readFileSync(new URL('../../../../../package.json', import.meta.url), 'utf8'),
) as Manifest;

test('package.json declares the task type with exactly the definition fields', () => {
  // Other task types (e.g. samocta2-region) may sit beside it; this one is declared once.
  const ours = manifest.contributes.taskDefinitions.filter((d) => d.type === FINETUNE_TASK_TYPE);
  assert.equal(ours.length, 1);
  const definition = ours[0];
  assert.equal(definition!.when, 'isWorkspaceTrusted && !virtualWorkspace');
  assert.deepEqual(Object.keys(definition!.properties).sort(), [...DEFINITION_FIELDS].sort());
  assert.deepEqual(definition!.properties.target!.enum, [...TARGETS]);
  assert.deepEqual(definition!.properties.size!.enum, [...MODEL_SIZES]);
});

test('the fine-tune command is trusted-only, in the palette and the volume editor title', () => {
  const command = manifest.contributes.commands.find((c) => c.command === FINETUNE_COMMAND);
  assert.ok(command);
  const nls = JSON.parse(
    readFileSync(new URL('../../../../../package.nls.json', import.meta.url), 'utf8'),
  ) as Record<string, string>;
  assert.equal(nls[command.title.slice(1, -1)], 'Fine-tune SAM-OCTA2', 'the name users look for');
  assert.equal(command.enablement, 'isWorkspaceTrusted && !virtualWorkspace');
  const title = manifest.contributes.menus['editor/title'] ?? [];
  const entry = title.find((m) => m.command === FINETUNE_COMMAND);
  assert.match(entry?.when ?? '', /activeCustomEditorId == samOcta2\.volume/);
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  assert.deepEqual(trust.restrictedConfigurations, ['samOcta2.pythonPath']);
  assert.equal(manifest.contributes.configuration.properties['samOcta2.pythonPath']?.default, '');
});

test('the problem matcher picks the file out of trainer errors, and nothing else', () => {
  const matcher = manifest.contributes.problemMatchers.find(
    (m) => `$${m.name}` === TRAINER_PROBLEM_MATCHER,
  );
  assert.ok(matcher, 'the matcher the task names is declared');
  const regexp = new RegExp(matcher.pattern.regexp);
  const cases: [string, string][] = [
    [
      'error: cannot read NIfTI file /data/train/a.nii.gz: Not a gzipped file',
      '/data/train/a.nii.gz',
    ],
    [
      'error: label /data/a.vessels.nii.gz has shape (3, 4, 5) but its volume has shape (3, 4, 6)',
      '/data/a.vessels.nii.gz',
    ],
    [
      'error: runs/a/checkpoint.pt exists: pass --resume to continue that run, or choose another --out',
      'runs/a/checkpoint.pt',
    ],
    ['error: cannot read C:\\data\\b.nii: bad header', 'C:\\data\\b.nii'],
    ['error: bad config trainer/configs/x.yaml: unknown key', 'trainer/configs/x.yaml'],
  ];
  for (const [line, file] of cases) {
    const match = regexp.exec(line);
    assert.ok(match, line);
    assert.equal(match[matcher.pattern.file], file, line);
    assert.equal(match[matcher.pattern.message], line.slice('error: '.length));
  }
  for (const line of [
    '{"event": "error", "message": "cannot read NIfTI file /data/a.nii.gz"}',
    'error: dataset folder not found: /data/train',
    // Cancel is not a problem: the trainer saved and the run can resume.
    'error: interrupted at step 3; saved runs/c/checkpoint.pt (continue with --resume)',
    'step 3/10 loss 0.5 /data/a.nii.gz',
  ]) {
    assert.equal(regexp.exec(line), null, line);
  }
});
