/**
 * End to end: the packaged .vsix in a real VS Code (code-server), driven by Playwright through
 * Debian's Chromium. Opens a synthetic volume from the workspace, moves through its layers,
 * shows the 3D and projection views, opens bad files, and checks that the rest of VS Code keeps
 * working. Screenshots go to test-results/e2e/ (the README's pictures come from there).
 *
 * Needs: npm run build && npm run package, and scripts/setup-code-server.sh (scripts/test.sh
 * does all of it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { type CodeServer, REPO_ROOT, assertPrerequisites } from './codeServer';
import { imageStats } from './imageStats';
import {
  type Browser,
  activeTabResource,
  activeWebview,
  layerStatusText,
  quickOpen,
  recordWebviewLoadFailures,
} from './workbench';
import { WORKBENCH_SETTINGS, closeEditorWorkbench, openEditorWorkbench } from './editorWorkbench';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');
const SEED = 7;
const VOLUME = `synth-${SEED}.nii.gz`;
/** Depth is the longest axis, as in OCTA-500, so the default depth axis is k. */
const SIZE: [number, number, number] = [160, 160, 192];
/** A layer with the superficial vessels (from the generator's report), for the pictures. */
let vesselLayer = Math.round(SIZE[2] * 0.42);

let work: string;
let workspace: string;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
/** Files the webviews asked for and did not get, over the whole suite. */
let loadFailures: string[] = [];

function webview(): FrameLocator {
  return activeWebview(page);
}

/** The webview's root element, which mirrors its state in data-* attributes. */
function app() {
  return webview().locator('.app');
}

async function layer(): Promise<number> {
  return Number(await app().getAttribute('data-layer'));
}

async function waitForLayer(expected: number): Promise<void> {
  await webview().locator(`.app[data-layer="${expected}"]`).waitFor({ timeout: 10_000 });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, name) });
}

describe('the volume editor in code-server', { timeout: 600_000 }, () => {
  before(async () => {
    assertPrerequisites([[CLI, 'npm run build']]);
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'sam-octa2-e2e-ws-'));
    workspace = join(work, 'octa');
    execFileSync(process.execPath, [
      CLI,
      'synth',
      '--seed',
      String(SEED),
      '--size',
      SIZE.join('x'),
      '--out',
      workspace,
    ]);
    const report = JSON.parse(readFileSync(join(workspace, `synth-${SEED}.json`), 'utf8')) as {
      vessels?: { bestLayer?: number }[];
    };
    const best = (report.vessels ?? []).map((v) => v.bestLayer).filter((k) => k !== undefined);
    if (best.length > 0) vesselLayer = best.sort((a, b) => a - b)[Math.floor(best.length / 2)]!;
    const volume = readFileSync(join(workspace, VOLUME));
    writeFileSync(join(workspace, 'truncated.nii.gz'), volume.subarray(0, volume.length * 0.6));
    writeFileSync(
      join(workspace, 'bad.nii'),
      'This is a text file, not a NIfTI volume.\n'.repeat(20),
    );
    writeFileSync(join(workspace, 'notes.txt'), 'Notes\n');
    ({ server, browser, page } = await openEditorWorkbench({
      workspace,
      logFile: join(SHOTS, 'code-server.log'),
      userSettings: WORKBENCH_SETTINGS,
      testHook: false,
    }));
    loadFailures = recordWebviewLoadFailures(page);
  });

  after(async () => {
    await closeEditorWorkbench({ browser, server }, work);
  });

  test('a synthetic .nii.gz opens in the volume editor and shows a layer', async () => {
    await quickOpen(page, VOLUME);
    await webview().locator('.app[data-loaded="true"]').waitFor({ timeout: 60_000 });
    assert.equal(await activeTabResource(page), VOLUME);
    assert.equal(await app().getAttribute('data-view'), 'layer');
    assert.equal(await app().getAttribute('data-layer-count'), String(SIZE[2]));
    assert.equal(await app().getAttribute('data-error'), null);
    const current = await layer();
    const footer = await webview().getByTestId('status').innerText();
    assert.match(
      footer,
      new RegExp(`^Layer ${current} \\(0–${SIZE[2] - 1}\\) · depth [\\d.]+ mm · axis k$`),
    );
    // The host mirrors the webview's status messages in the status bar.
    await page.waitForFunction(
      (text) => document.querySelector('.statusbar')?.textContent?.includes(text) ?? false,
      `Layer ${current} (0–${SIZE[2] - 1})`,
    );
  });

  test('layer keys move through the layers; footer and status bar follow', async () => {
    await webview().locator('.viewport').click();
    await page.keyboard.press('Home');
    await waitForLayer(0);
    await page.keyboard.press('ArrowDown');
    await waitForLayer(1);
    await page.keyboard.press('PageDown');
    await waitForLayer(2);
    await page.keyboard.press('ArrowUp');
    await waitForLayer(1);
    await page.keyboard.press('End');
    await waitForLayer(SIZE[2] - 1);
    assert.match(
      await webview().getByTestId('status').innerText(),
      new RegExp(`^Layer ${SIZE[2] - 1} \\(0–${SIZE[2] - 1}\\) `),
    );
    const last = `Layer ${SIZE[2] - 1} (0–${SIZE[2] - 1})`;
    await page.waitForFunction(
      (text) => document.querySelector('.statusbar')?.textContent?.includes(text) ?? false,
      last,
    );
    assert.ok((await layerStatusText(page)).endsWith(`${last} · layer view`));

    // The superficial vessels' layer, for the picture.
    await page.keyboard.press('Home');
    for (let i = 0; i < vesselLayer; i++) await page.keyboard.press('ArrowDown');
    await waitForLayer(vesselLayer);
    await page.waitForTimeout(300);
    await shot('layer-view.png');
    const viewport = await webview().locator('.viewport').screenshot();
    const stats = await imageStats(browser!.context, viewport);
    assert.ok(
      stats.lumaStd > 10,
      `the layer shows structure (luma std ${stats.lumaStd.toFixed(1)})`,
    );
  });

  test('issue 16: the keys are rebindable commands; 3 and 1 switch views; the Explorer keeps its keys', async () => {
    // Each press above moved exactly one layer: the webview leaves the keys to the keybindings.
    await webview().locator('.viewport').click();
    await page.keyboard.press('3');
    await webview().locator('.app[data-view="projection"]').waitFor({ timeout: 10_000 });
    await page.keyboard.press('1');
    await webview().locator('.app[data-view="layer"]').waitFor({ timeout: 10_000 });
    const shown = await layer();
    // Focus in the Explorer: ↓ moves its selection, not the volume's layer.
    await page.keyboard.press('Control+Shift+E');
    await page
      .locator('.explorer-folders-view .monaco-list:focus-within')
      .waitFor({ timeout: 10_000 });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(500);
    assert.equal(await layer(), shown, 'the Explorer keeps its arrow keys');
    await webview().locator('.viewport').click();
    await page.keyboard.press('ArrowUp');
    await waitForLayer(shown - 1);
    await page.keyboard.press('ArrowDown');
    await waitForLayer(shown);
  });

  test('the 3D view renders the stack and changes when rotated', async () => {
    await webview().locator('vscode-toolbar-button[data-view="3d"]').click();
    await webview()
      .locator('.app[data-view="3d"][data-texture="ready"]')
      .waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    const viewport = webview().locator('.viewport');
    const before3d = await viewport.screenshot();
    const stats = await imageStats(browser!.context, before3d);
    assert.ok(stats.lumaStd > 5, `the 3D view is not blank (luma std ${stats.lumaStd.toFixed(1)})`);
    await shot('3d-view.png');

    const box = await viewport.boundingBox();
    assert.ok(box);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 120, cy + 40, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(500);
    const rotated = await viewport.screenshot();
    const changed = (await imageStats(browser!.context, rotated, before3d)).differenceFromOther;
    assert.ok(
      changed > 0.01,
      `rotating changes the picture (${(changed * 100).toFixed(1)} % of bytes)`,
    );
  });

  test('the projection view shows an en-face projection', async () => {
    await webview().locator('vscode-toolbar-button[data-view="projection"]').click();
    await webview().locator('.app[data-view="projection"]').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    const stats = await imageStats(
      browser!.context,
      await webview().locator('.viewport').screenshot(),
    );
    assert.ok(
      stats.lumaStd > 10,
      `the projection shows structure (luma std ${stats.lumaStd.toFixed(1)})`,
    );
    await shot('projection-view.png');
    await webview().locator('vscode-toolbar-button[data-view="layer"]').click();
    await webview().locator('.app[data-view="layer"]').waitFor();
  });

  test('a text file named .nii says what is wrong and what is supported', async () => {
    await quickOpen(page, 'bad.nii');
    const message = webview().getByTestId('error-message');
    await message.waitFor({ timeout: 30_000 });
    assert.match(await message.innerText(), /bad\.nii/);
    assert.match(await webview().getByTestId('error-supported').innerText(), /NIfTI-1/);
    await shot('bad-file.png');
  });

  test('a truncated .nii.gz says it is truncated', async () => {
    await quickOpen(page, 'truncated.nii.gz');
    const message = webview().getByTestId('error-message');
    await message.waitFor({ timeout: 30_000 });
    assert.match(await message.innerText(), /truncated\.nii\.gz is truncated/);
  });

  test('other editors keep working, and the volume keeps its layer when shown again', async () => {
    await quickOpen(page, 'notes.txt');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('typed while volumes are open');
    await page
      .locator('.editor-instance .view-lines', { hasText: 'typed while volumes are open' })
      .waitFor({ timeout: 10_000 });
    assert.equal(await layerStatusText(page), '', 'the layer status hides for other editors');

    await quickOpen(page, VOLUME);
    await webview().locator('.app[data-loaded="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await layer(), vesselLayer);
  });

  test('changing samOcta2.depthAxis in the settings re-slices the open volume', async () => {
    // Workspace settings: VS Code watches the workspace's .vscode folder for changes.
    const write = (depthAxis: string): void => {
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(
        join(workspace, '.vscode', 'settings.json'),
        JSON.stringify({ 'samOcta2.depthAxis': depthAxis }),
      );
    };
    write('i');
    await webview().locator(`.app[data-layer-count="${SIZE[0]}"]`).waitFor({ timeout: 20_000 });
    assert.match(await webview().getByTestId('status').innerText(), /· axis i$/);
    write('auto');
    await webview().locator(`.app[data-layer-count="${SIZE[2]}"]`).waitFor({ timeout: 20_000 });
    assert.match(await webview().getByTestId('status').innerText(), /· axis k$/);
  });

  // Last, so that it covers every view, the bad files and the reopened editor above.
  test('issue 16: the webviews got every file they asked for (no 404 in their console)', () => {
    assert.deepEqual(loadFailures, []);
  });
});
