import { Uri, recorded, resetMock } from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { saveToTasksJson, taskLabel } from '../../../../../src/extension/finetune/setup/saveTask';
import {
  hasComments,
  mergeTaskEntry,
  taskEntry,
} from '../../../../../src/extension/finetune/setup/tasksJson';
import {
  FINETUNE_TASK_TYPE,
  parseTaskDefinition,
  type FinetuneTaskDefinition,
} from '../../../../../src/extension/finetune/run/taskDefinition';

beforeEach(() => resetMock());

const definition: FinetuneTaskDefinition = {
  type: FINETUNE_TASK_TYPE,
  data: 'data/train',
  size: 'nano',
  steps: 20,
  device: 'cpu',
  out: 'runs/nano_rv',
};
const entry = taskEntry(definition, 'SAM-OCTA2 fine-tune: runs/nano_rv');
const build = { label: 'build', type: 'shell', command: 'make', group: 'build' };

function merged(existing: string | undefined): { text: string; replaced: boolean } {
  const result = mergeTaskEntry(existing, entry);
  assert.ok(result.ok, result.ok ? '' : result.problem);
  return result;
}

test('no tasks.json yet: a new file with version 2.0.0 and the run, which the provider accepts', () => {
  const { text, replaced } = merged(undefined);
  assert.equal(replaced, false);
  const file = JSON.parse(text) as { version: string; tasks: Record<string, unknown>[] };
  assert.equal(file.version, '2.0.0');
  assert.equal(file.tasks.length, 1);
  const parsed = parseTaskDefinition(file.tasks[0]);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('; '));
  assert.deepEqual(parsed.definition, definition);
  assert.deepEqual(file.tasks[0]!.problemMatcher, ['$samocta2-trainer']);
  assert.deepEqual(JSON.parse(merged('  \n').text), file, 'an empty file counts as none');
});

test('other tasks and top-level keys stay; the run is appended', () => {
  const existing = JSON.stringify({ version: '2.0.0', options: { cwd: 'x' }, tasks: [build] });
  const { text, replaced } = merged(existing);
  assert.equal(replaced, false);
  const file = JSON.parse(text) as { options: unknown; tasks: unknown[] };
  assert.deepEqual(file.options, { cwd: 'x' });
  assert.deepEqual(file.tasks, [build, entry]);
});

test('the same run set up again replaces its entry; a shell task of the same label is not touched', () => {
  const old = { ...entry, steps: 5 };
  const sameLabelShell = { ...build, label: entry.label };
  const existing = JSON.stringify({ version: '2.0.0', tasks: [sameLabelShell, old, build] });
  const { text, replaced } = merged(existing);
  assert.equal(replaced, true);
  assert.deepEqual((JSON.parse(text) as { tasks: unknown[] }).tasks, [
    sameLabelShell,
    entry,
    build,
  ]);
});

test('comments, invalid JSON and odd shapes are refused with the reason', () => {
  const refusals: [string, RegExp][] = [
    ['{ // my tasks\n "version": "2.0.0", "tasks": [] }', /has comments/],
    ['{ "version": "2.0.0", /* x */ "tasks": [] }', /has comments/],
    ['{ "version": "2.0.0", "tasks": [], }', /not valid JSON.*trailing commas/],
    ['{ "tasks": [ ', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{ "tasks": {} }', /"tasks" in it is not a list/],
  ];
  for (const [text, reason] of refusals) {
    const result = mergeTaskEntry(text, entry);
    assert.equal(result.ok, false, text);
    assert.match(result.ok ? '' : result.problem, reason, text);
  }
});

test('comment markers inside strings are not comments', () => {
  assert.equal(hasComments('{"command": "echo http://x /* y */", "a": "\\"//"}'), false);
  assert.equal(hasComments('{"a": 1} // trailing'), true);
  const { text } = merged(
    '{"version": "2.0.0", "tasks": [{"label": "url", "command": "curl http://x"}]}',
  );
  assert.equal((JSON.parse(text) as { tasks: unknown[] }).tasks.length, 2);
});

test('saving writes .vscode/tasks.json in the folder and keeps other tasks', async () => {
  const folder = Uri.file('/ws');
  recorded.files.set(
    '/ws/.vscode/tasks.json',
    new TextEncoder().encode(JSON.stringify({ version: '2.0.0', tasks: [build] })),
  );
  const result = await saveToTasksJson(folder as unknown as vscode.Uri, definition);
  assert.ok(result.ok);
  assert.equal(result.uri.path, '/ws/.vscode/tasks.json');
  const saved = JSON.parse(new TextDecoder().decode(recorded.files.get('/ws/.vscode/tasks.json')));
  assert.deepEqual(saved.tasks[0], build);
  assert.equal(saved.tasks[1].label, taskLabel(definition));
});

test('a tasks.json with comments is left byte for byte as it was', async () => {
  const original = new TextEncoder().encode(
    '{\n  // keep me\n  "version": "2.0.0",\n  "tasks": []\n}\n',
  );
  recorded.files.set('/ws/.vscode/tasks.json', original);
  const result = await saveToTasksJson(Uri.file('/ws') as unknown as vscode.Uri, definition);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.problem, /comments/);
  assert.equal(recorded.fileOps.length, 0);
  assert.deepEqual(recorded.files.get('/ws/.vscode/tasks.json'), original);
  assert.deepEqual(
    JSON.parse(result.ok ? '{}' : result.entry),
    entry,
    'the entry to paste by hand',
  );
});
