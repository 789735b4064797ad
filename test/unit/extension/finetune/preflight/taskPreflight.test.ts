import { Task, Uri, recorded, resetMock } from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { preflightTask } from '../../../../../src/extension/finetune/preflight/taskPreflight';
import { FINETUNE_TASK_TYPE } from '../../../../../src/extension/finetune/run/taskDefinition';

// A whole preflight on the real file system. Node plays the Python: samocta2/probe.py in a
// stand-in trainer folder is a script that prints a probe report, and pythonPath is node.
const root = mkdtempSync(join(tmpdir(), 'samocta2-task-preflight-'));
after(() => rmSync(root, { recursive: true, force: true }));
const trainer = join(root, 'ext', 'trainer');
const ws = join(root, 'ws');
const GZ = Uint8Array.from([0x1f, 0x8b, 8, 0]);

function writeProbe(packages: Record<string, string | null>): void {
  mkdirSync(join(trainer, 'samocta2'), { recursive: true });
  const report = {
    python: '3.11.7',
    executable: '/venv/bin/python',
    python_ok: true,
    packages,
    cuda: { available: false, device_count: 0, devices: [], error: null },
  };
  // It reports a too-old Python unless it runs with the trainer's environment.
  const env = `(process.env.PYTHONPATH ?? '').startsWith(${JSON.stringify(trainer)}) && process.env.PYTHONSAFEPATH === '1'`;
  writeFileSync(
    join(trainer, 'samocta2', 'probe.py'),
    `const r = ${JSON.stringify(report)}; r.python_ok = ${env}; console.log(JSON.stringify(r));`,
  );
}

const ALL = Object.fromEntries(
  ['torch', 'torchvision', 'sam2', 'peft', 'numpy', 'scipy', 'nibabel', 'pyyaml', 'samocta2'].map(
    (name) => [name, '1.0'],
  ),
);

function task(definition: Record<string, unknown>): vscode.Task {
  const folder = { uri: Uri.file(ws), name: 'ws', index: 0 };
  return new Task(
    { type: FINETUNE_TASK_TYPE, ...definition },
    folder,
    'fine-tune',
    'Workspace',
  ) as unknown as vscode.Task;
}

beforeEach(() => {
  resetMock();
  recorded.configuration['samOcta2.pythonPath'] = process.execPath;
  mkdirSync(join(ws, 'data'), { recursive: true });
  writeFileSync(join(ws, 'data', 'eye.nii.gz'), GZ);
  writeFileSync(join(ws, 'data', 'eye.vessels.nii.gz'), GZ);
});

test('a ready machine and a valid dataset give no problems (paths relative to the folder, probe in the trainer environment)', async () => {
  writeProbe(ALL);
  const definition = { data: 'data', out: 'runs/a', size: 'nano', device: 'cpu', steps: 5 };
  assert.deepEqual(await preflightTask(task(definition), trainer), []);
});

test('problems come from the real checks: packages with the install command, the dataset', async () => {
  writeProbe({ ...ALL, sam2: null });
  const problems = await preflightTask(
    task({ data: 'missing-data', size: 'nano', device: 'cpu' }),
    trainer,
  );
  assert.deepEqual(
    problems.map((p) => p.check),
    ['packages', 'dataset'],
  );
  const fix = problems[0]!.fix;
  assert.ok(fix?.kind === 'runInTerminal');
  assert.ok(fix.command.endsWith(`-m pip install -e ${trainer}`), fix.command);
  assert.match(problems[1]!.problem, new RegExp(`${join(ws, 'missing-data')} cannot be read`));
});

test('device auto on a machine without CUDA stops with the offer to use the CPU', async () => {
  writeProbe(ALL);
  const problems = await preflightTask(task({ data: 'data', size: 'nano' }), trainer);
  assert.deepEqual(
    problems.map((p) => [p.check, p.fix]),
    [['cuda', { kind: 'useCpu' }]],
  );
});

test('an invalid definition is one problem, before any probe runs', async () => {
  recorded.configuration['samOcta2.pythonPath'] = join(root, 'no-python');
  const problems = await preflightTask(task({ data: 'data', steps: -3 }), trainer);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.check, 'definition');
  assert.match(problems[0]!.problem, /"steps" is -3/);
});
