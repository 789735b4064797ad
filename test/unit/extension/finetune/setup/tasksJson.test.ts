import { TextDocumentMock, Uri, recorded, resetMock } from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { saveToTasksJson, taskLabel } from '../../../../../src/extension/finetune/setup/saveTask';
import { parse, type ParseError } from 'jsonc-parser';
import {
  changeBetween,
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

test('invalid JSON and odd shapes are refused with the reason', () => {
  const refusals: [string, RegExp][] = [
    ['{ "tasks": [ ', /not valid JSON with comments \(.* on line 1\)/],
    ['{\n "version": "2.0.0"\n "tasks": [] }', /CommaExpected on line 3/],
    ['[]', /not a JSON object/],
    ['{ "tasks": {} }', /"tasks" in it is not a list/],
  ];
  for (const [text, reason] of refusals) {
    const result = mergeTaskEntry(text, entry);
    assert.equal(result.ok, false, text);
    assert.match(result.ok ? '' : result.problem, reason, text);
  }
});

/** What VS Code writes for "Tasks: Configure Task", with a task of the user's. */
const VSCODE_TASKS = [
  '{',
  '\t// See https://go.microsoft.com/fwlink/?LinkId=733558',
  '\t// for the documentation about the tasks.json format',
  '\t"version": "2.0.0",',
  '\t"tasks": [',
  '\t\t{',
  '\t\t\t"label": "echo",',
  '\t\t\t"type": "shell",',
  '\t\t\t"command": "echo http://x /* not a comment */", // say hello',
  '\t\t},',
  '\t]',
  '}',
  '',
].join('\n');

test('issue 16: a tasks.json with comments and trailing commas is edited in place, all of it kept', () => {
  const result = mergeTaskEntry(VSCODE_TASKS, entry);
  assert.ok(result.ok, result.ok ? '' : result.problem);
  const { text, change } = result;
  assert.equal(change.length, 0, 'nothing of the file is replaced, the run is inserted');
  assert.equal(
    text.slice(0, change.offset) + text.slice(change.offset + change.content.length),
    VSCODE_TASKS,
    'every byte of the old file is still there',
  );
  const errors: ParseError[] = [];
  const file = parse(text, errors, { allowTrailingComma: true }) as { tasks: unknown[] };
  assert.deepEqual(errors, []);
  assert.deepEqual(file.tasks, [
    { label: 'echo', type: 'shell', command: 'echo http://x /* not a comment */' },
    entry,
  ]);
  // New lines are indented with the file's tabs.
  assert.match(change.content, /\n\t\t\t"label": "SAM-OCTA2 fine-tune: runs\/nano_rv"/);
  assert.doesNotMatch(change.content, /\n {2}/);

  // The same run again replaces its entry only; the comments stay.
  const again = mergeTaskEntry(text, { ...entry, steps: 99 });
  assert.ok(again.ok && again.replaced);
  assert.ok(again.text.startsWith(VSCODE_TASKS.split('"tasks"')[0]!));
  assert.match(again.text, /\/\/ say hello/);
  const tasks = (
    parse(again.text, [], { allowTrailingComma: true }) as { tasks: { steps?: number }[] }
  ).tasks;
  assert.deepEqual(
    tasks.map((t) => t.steps),
    [undefined, 99],
  );
});

test('a file without "tasks" or "version" gets them; CRLF files keep CRLF', () => {
  const result = mergeTaskEntry(
    '{\r\n    // mine\r\n    "options": { "cwd": "x" }\r\n}\r\n',
    entry,
  );
  assert.ok(result.ok);
  const file = parse(result.text) as { version: string; options: unknown; tasks: unknown[] };
  assert.deepEqual(file, { version: '2.0.0', options: { cwd: 'x' }, tasks: [entry] });
  assert.match(result.text, /\/\/ mine/);
  assert.doesNotMatch(result.text.replaceAll('\r\n', ''), /\n/, 'no bare LF added');
  assert.match(result.text, /\r\n {12}"label"/, 'four-space indentation kept');
  assert.match(result.text, /\r\n {4}"options": \{ "cwd": "x" \}\r\n/, 'the user line as it was');
});

test('changeBetween is the smallest replacement', () => {
  assert.deepEqual(changeBetween('abcXdef', 'abcYYdef'), { offset: 3, length: 1, content: 'YY' });
  assert.deepEqual(changeBetween('aaa', 'aaaa'), { offset: 3, length: 0, content: 'a' });
  assert.deepEqual(changeBetween('same', 'same'), { offset: 4, length: 0, content: '' });
});

test('saving with no tasks.json yet writes .vscode/tasks.json in the folder', async () => {
  const result = await saveToTasksJson(Uri.file('/ws') as unknown as vscode.Uri, definition);
  assert.ok(result.ok);
  assert.equal(result.unsaved, false);
  assert.deepEqual(recorded.fileOps, ['write /ws/.vscode/tasks.json']);
  const saved = JSON.parse(new TextDecoder().decode(recorded.files.get('/ws/.vscode/tasks.json')));
  assert.equal(saved.tasks[0].label, taskLabel(definition));
});

test('saving into a tasks.json on disk goes through a WorkspaceEdit, then saves it', async () => {
  recorded.files.set('/ws/.vscode/tasks.json', new TextEncoder().encode(VSCODE_TASKS));
  const result = await saveToTasksJson(Uri.file('/ws') as unknown as vscode.Uri, definition);
  assert.ok(result.ok);
  assert.equal(result.uri.path, '/ws/.vscode/tasks.json');
  assert.equal(result.unsaved, false);
  assert.equal(recorded.appliedEdits.length, 1);
  assert.deepEqual(recorded.fileOps, ['write /ws/.vscode/tasks.json']);
  const saved = new TextDecoder().decode(recorded.files.get('/ws/.vscode/tasks.json'));
  assert.match(saved, /\/\/ See https/);
  assert.equal((parse(saved) as { tasks: unknown[] }).tasks.length, 2);
});

test('issue 16: an open tasks.json with unsaved changes gets the run in its buffer, left unsaved', async () => {
  const onDisk = new TextEncoder().encode('{ "version": "2.0.0", "tasks": [] }');
  recorded.files.set('/ws/.vscode/tasks.json', onDisk);
  const buffer = VSCODE_TASKS.replace('"echo"', '"echo (edited)"');
  const open = new TextDocumentMock(Uri.file('/ws/.vscode/tasks.json'), buffer, true);
  recorded.textDocuments.push(open);
  const result = await saveToTasksJson(Uri.file('/ws') as unknown as vscode.Uri, definition);
  assert.ok(result.ok);
  assert.equal(result.unsaved, true);
  assert.equal(recorded.fileOps.length, 0, 'the user saves their own buffer');
  assert.deepEqual(recorded.files.get('/ws/.vscode/tasks.json'), onDisk);
  const tasks = (
    parse(open.getText(), [], { allowTrailingComma: true }) as {
      tasks: { label: string }[];
    }
  ).tasks;
  assert.deepEqual(
    tasks.map((t) => t.label),
    ['echo (edited)', taskLabel(definition)],
  );
});

test('a tasks.json that does not parse is left byte for byte as it was', async () => {
  const original = new TextEncoder().encode(
    '{\n  // keep me\n  "version": "2.0.0",\n  "tasks": [\n}\n',
  );
  recorded.files.set('/ws/.vscode/tasks.json', original);
  const result = await saveToTasksJson(Uri.file('/ws') as unknown as vscode.Uri, definition);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.problem, /not valid JSON/);
  assert.equal(recorded.fileOps.length, 0);
  assert.equal(recorded.appliedEdits.length, 0);
  assert.deepEqual(recorded.files.get('/ws/.vscode/tasks.json'), original);
  assert.deepEqual(
    JSON.parse(result.ok ? '{}' : result.entry),
    entry,
    'the entry to paste by hand',
  );
});

test('an edit VS Code refuses (a read-only file) is reported, nothing saved', async () => {
  recorded.files.set('/ws/.vscode/tasks.json', new TextEncoder().encode(VSCODE_TASKS));
  recorded.applyEdits = false;
  const result = await saveToTasksJson(Uri.file('/ws') as unknown as vscode.Uri, definition);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.problem, /did not apply the edit/);
  assert.equal(recorded.fileOps.length, 0);
});
