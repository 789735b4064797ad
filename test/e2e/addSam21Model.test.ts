/**
 * End to end, issue 13 item 5: "SAM-OCTA2: Add SAM 2.1 Model…" in code-server, offline. A
 * local server on 127.0.0.1 stands in for Meta's download address, serving a random-weight
 * tiny checkpoint saved in SAM 2.1's layout ({"model": state_dict}); the extension is pointed
 * at it, with that file's sha256 pinned, through its test hook (SAMOCTA2_TEST_SAM21_SOURCE in
 * code-server's environment). The user picks tiny, the download, 512 px and the workspace;
 * the download is checked, the export task runs, and the model picker lists the new bundle.
 * The first request breaks off half-way, so the command's second run must resume it.
 *
 * Needs: npm run build && npm run package, scripts/setup-code-server.sh, and .venv (trainer).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SAM21_TEST_SOURCE_ENV } from '../../src/extension/models/sam21Checkpoints';
import { type CodeServer, REPO_ROOT, assertPrerequisites } from './codeServer';
import { type Browser, runPaletteCommand, waitForNotification } from './workbench';
import { WORKBENCH_SETTINGS, closeEditorWorkbench, openEditorWorkbench } from './editorWorkbench';

const PYTHON = join(REPO_ROOT, '.venv/bin/python');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');
const MODEL = 'sam2.1-tiny-512';

let work: string;
let workspace: string;
let checkpoint: Buffer;
let digest: string;
let httpServer: Server;
const requests: { range: string | undefined }[] = [];
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

/** Random tiny weights in Meta's layout, made by the trainer's own model builder. */
function writeRandomTinyCheckpoint(file: string): void {
  const script = [
    'import sys, torch',
    'from samocta2.model import build_sam2_model',
    'torch.manual_seed(0)',
    'torch.save({"model": build_sam2_model("tiny").state_dict()}, sys.argv[1])',
  ].join('\n');
  const made = spawnSync(PYTHON, ['-c', script, file], {
    env: { ...process.env, PYTHONPATH: join(REPO_ROOT, 'trainer'), OMP_NUM_THREADS: '1' },
    encoding: 'utf8',
  });
  assert.equal(made.status, 0, `could not make the random checkpoint: ${made.stderr}`);
}

/** Serves the checkpoint with Range support; the first response breaks off half-way. */
async function serveCheckpoint(): Promise<string> {
  let broken = false;
  httpServer = createServer((req, res) => {
    requests.push({ range: req.headers.range });
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    const body = checkpoint.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      'Content-Length': String(body.length),
      'Accept-Ranges': 'bytes',
      ...(start > 0
        ? { 'Content-Range': `bytes ${start}-${checkpoint.length - 1}/${checkpoint.length}` }
        : {}),
    });
    if (!broken) {
      broken = true;
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/`;
}

/** Answers one quick pick: waits for its placeholder, filters to `choice`, takes the top row. */
async function pick(placeholder: RegExp, choice: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input').first();
  await page.waitForFunction(
    (source) => {
      const i = document.querySelector('.quick-input-widget input.input') as HTMLInputElement;
      return i !== null && i.offsetParent !== null && new RegExp(source).test(i.placeholder);
    },
    placeholder.source,
    { timeout: 30_000 },
  );
  await input.fill(choice);
  await widget
    .locator('.monaco-list-row.focused', { hasText: choice })
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The command's questions, answered as a user would. */
async function addTinyFromDownload(): Promise<void> {
  await runPaletteCommand(page, 'SAM-OCTA2: Add SAM 2.1 Model');
  await pick(/Which SAM 2\.1 size/, 'tiny');
  await pick(/Where does sam2\.1_hiera_tiny\.pt come from/, 'Download');
  await pick(/Input image size/, '512 px');
  await pick(/Where should the model bundle/, "this workspace's models");
}

describe('Add SAM 2.1 Model in code-server', { timeout: 900_000 }, () => {
  before(async () => {
    assertPrerequisites([[PYTHON, 'python3.11 -m venv .venv (see trainer/README.md)']]);
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'sam-octa2-e2e-sam21-'));
    workspace = join(work, 'octa');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    // Machine-overridable settings: code-server (a remote) ignores them in the user's settings.
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'samOcta2.pythonPath': PYTHON, 'samOcta2.modelPaths': [] }),
    );
    const file = join(work, 'sam2.1_hiera_tiny.pt');
    writeRandomTinyCheckpoint(file);
    checkpoint = readFileSync(file);
    digest = createHash('sha256').update(checkpoint).digest('hex');
    const baseUrl = await serveCheckpoint();
    // Read by the extension host, which code-server starts with its own environment.
    process.env[SAM21_TEST_SOURCE_ENV] = JSON.stringify({
      baseUrl,
      sha256: { tiny: digest },
      bytes: { tiny: checkpoint.length },
    });
    process.env.OMP_NUM_THREADS = '1'; // the export shares 2 cores with the browser
    ({ server, browser, page } = await openEditorWorkbench({
      workspace,
      logFile: join(SHOTS, 'code-server-sam21.log'),
      userSettings: WORKBENCH_SETTINGS,
      testHook: false,
    }));
  });

  afterEach(async (t) => {
    const name = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await page?.screenshot({ path: join(SHOTS, `sam21-end-${name}.png`) }).catch(() => undefined);
  });

  after(async () => {
    delete process.env[SAM21_TEST_SOURCE_ENV];
    httpServer?.closeAllConnections();
    await new Promise((r) => httpServer?.close(r));
    await closeEditorWorkbench({ browser, server }, work);
  });

  test('a broken-off download resumes; the checked checkpoint is exported and listed', async () => {
    await addTinyFromDownload();
    const broke = await waitForNotification(
      page,
      /could not download sam2\.1_hiera_tiny\.pt/,
      120_000,
    );
    assert.match(broke, /Run the command again to resume/);

    await addTinyFromDownload();
    const ready = await waitForNotification(page, /SAM 2\.1 model ready/, 600_000);
    await page.screenshot({ path: join(SHOTS, 'sam21-ready.png') });
    assert.match(ready, new RegExp(MODEL));
    const resumed = requests.at(-1)?.range;
    assert.match(resumed ?? '', /^bytes=\d+-$/, 'the second run asked for the rest only');
    assert.ok(Number(/\d+/.exec(resumed!)![0]) > 0);

    const bundle = join(workspace, 'models', MODEL);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    assert.equal(manifest.name, MODEL);
    assert.equal(manifest.model.size, 'tiny');
    assert.equal(manifest.model.image_size, 512);
    assert.equal(manifest.provenance.base_checkpoint_sha256, digest, 'the served file, checked');
    assert.ok(statSync(join(bundle, manifest.graphs.image_encoder.file)).size > 0);
    const settings = JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8'));
    assert.deepEqual(settings['samOcta2.modelPaths'], [bundle]);

    await runPaletteCommand(page, 'SAM-OCTA2: Select Tracking Model');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: MODEL });
    await row.first().waitFor({ timeout: 30_000 });
    assert.match(await row.first().innerText(), /tiny/);
    await page.screenshot({ path: join(SHOTS, 'sam21-picker.png') });
    await page.keyboard.press('Escape');
  });
});
