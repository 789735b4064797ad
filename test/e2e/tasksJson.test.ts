/**
 * Issue 16: "Save to tasks.json" on the tasks.json VS Code itself writes (comments, trailing
 * commas), open in an editor with unsaved changes, in code-server: the run is added to that
 * buffer (the user's change and every comment kept), nothing is written behind the user's back,
 * and once the user saves, the file on disk holds both and still parses as VS Code reads it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, type ParseError } from 'jsonc-parser';
import type { Page } from 'playwright-core';
import { writeNifti } from '../../src/core/nifti/writeNifti';
import { generateSyntheticOcta } from '../../src/core/synth/generateSyntheticOcta';
import { type CodeServer, REPO_ROOT, assertPrerequisites } from './codeServer';
import {
  answerGuidedSetup,
  type Browser,
  quickOpen,
  runPaletteCommand,
  waitForNotification,
} from './workbench';
import { WORKBENCH_SETTINGS, closeEditorWorkbench, openEditorWorkbench } from './editorWorkbench';

const SHOTS = join(REPO_ROOT, 'test-results/e2e');
const PYTHON = join(REPO_ROOT, '.venv/bin/python');

/** "Tasks: Configure Task" writes this, with a task of the user's. */
const TASKS_JSON = [
  '{',
  '\t// See https://go.microsoft.com/fwlink/?LinkId=733558',
  '\t// for the documentation about the tasks.json format',
  '\t"version": "2.0.0",',
  '\t"tasks": [',
  '\t\t{',
  '\t\t\t"label": "echo",',
  '\t\t\t"type": "shell",',
  '\t\t\t"command": "echo hello", // mine',
  '\t\t},',
  '\t]',
  '}',
  '',
].join('\n');

describe('tasks.json with comments in code-server', { timeout: 600_000 }, () => {
  let work: string;
  let workspace: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    assertPrerequisites();
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'samocta2-e2e-tasks-'));
    workspace = join(work, 'ws');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    mkdirSync(join(workspace, 'data', 'train'), { recursive: true });
    const synth = generateSyntheticOcta({ seed: 3, size: [32, 32, 8], slab: [0.2, 0.8] });
    writeFileSync(join(workspace, 'data/train/a.nii.gz'), writeNifti(synth.volume, { gzip: true }));
    writeFileSync(
      join(workspace, 'data/train/a.vessels.nii.gz'),
      writeNifti(synth.vesselInstances, { gzip: true, intent: 'label' }),
    );
    writeFileSync(join(workspace, '.vscode', 'tasks.json'), TASKS_JSON);
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'samOcta2.pythonPath': PYTHON }),
    );
    ({ server, browser, page } = await openEditorWorkbench({
      workspace,
      logFile: join(SHOTS, 'code-server-tasks-json.log'),
      userSettings: { ...WORKBENCH_SETTINGS, 'files.autoSave': 'off' },
      testHook: false,
    }));
  });

  after(async () => {
    await page?.screenshot({ path: join(SHOTS, 'tasks-json-end.png') }).catch(() => undefined);
    await closeEditorWorkbench({ browser, server }, work);
  });

  test('the run goes into the open, unsaved tasks.json; saving keeps comments and edits', async () => {
    // The user has tasks.json open with a change not saved yet: a comment on the first line.
    await quickOpen(page, 'tasks.json');
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.waitFor({ timeout: 30_000 });
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await page.keyboard.type(' // unsaved edit');
    await page.keyboard.press('Escape'); // no suggestion widget left open

    await runPaletteCommand(page, 'Fine-tune SAM-OCTA2');
    const steps = await answerGuidedSetup(page, [
      [/training folder/i, 'data/train'],
      [/Base model to fine-tune/, 'nano'],
      [/What should the model learn/, 'Retinal'],
      [/optimizer steps/i, '2'],
      [/frames per training sequence/i, '4'],
      [/LoRA rank/i, '8'],
      [/learning rate/i, '0.0001'],
      [/train on/i, 'CPU'],
      [/run folder|model bundle go to/i, 'runs/e2e-tasks-json'],
      // The save-only entry, by its detail ("Save to tasks.json and Start" would train).
      [/Save to tasks\.json/, 'Only add the run'],
    ]);
    assert.ok(steps.length >= 9, `the setup's steps: ${steps.join(' | ')}`);
    const info = await waitForNotification(
      page,
      /added the task "SAM-OCTA2 fine-tune: runs\/e2e-tasks-json"/,
    );
    assert.match(info, /unsaved changes: save it to keep the task/);
    assert.equal(
      readFileSync(join(workspace, '.vscode', 'tasks.json'), 'utf8'),
      TASKS_JSON,
      'nothing written behind the unsaved buffer',
    );

    await quickOpen(page, 'tasks.json');
    await page.keyboard.press('Control+S');
    let saved = '';
    for (let i = 0; i < 50 && !saved.includes('e2e-tasks-json'); i++) {
      await page.waitForTimeout(200);
      saved = readFileSync(join(workspace, '.vscode', 'tasks.json'), 'utf8');
    }
    await page.screenshot({ path: join(SHOTS, 'tasks-json-saved.png') });
    assert.match(saved, /^\{ \/\/ unsaved edit\n/, "the user's own edit is kept");
    for (const line of TASKS_JSON.split('\n').slice(1, 10)) {
      assert.ok(saved.includes(line), `kept: ${line}`);
    }
    const errors: ParseError[] = [];
    const file = parse(saved, errors, { allowTrailingComma: true }) as {
      tasks: { label: string; type: string; steps?: number }[];
    };
    assert.deepEqual(errors, []);
    assert.deepEqual(
      file.tasks.map((t) => [t.label, t.type]),
      [
        ['echo', 'shell'],
        ['SAM-OCTA2 fine-tune: runs/e2e-tasks-json', 'samocta2-finetune'],
      ],
    );
    assert.equal(file.tasks[1]!.steps, 2);
  });
});
