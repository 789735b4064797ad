/**
 * End to end, issue 4: in code-server, open a synthetic volume, let the host hand the webview the
 * shipped nano model, click a vessel, propagate, undo and redo through VS Code (Ctrl+Z /
 * Ctrl+Shift+Z reach the custom document's undo stack), save, and reopen the saved
 * `.seg.nii.gz`. The webview's test hook is switched on with a Playwright init script, which runs
 * in every frame, so the test reads mask areas and maps image pixels to the screen.
 *
 * Needs: npm run build && npm run package, and scripts/setup-code-server.sh.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { readNifti } from '../../src/core/nifti/readNifti';
import { writeNifti } from '../../src/core/nifti/writeNifti';
import { generateSyntheticOcta } from '../../src/core/synth/generateSyntheticOcta';
import type { SamOcta2TestHook } from '../../src/webview/testHook';
import type { TrackingSnapshot } from '../../src/webview/tracking/trackingSnapshot';
import { CODE_SERVER_BIN, type CodeServer, REPO_ROOT, startCodeServer } from './codeServer';
import { type Browser, launchBrowser, openWorkbench, quickOpen } from './workbench';

const VSIX = join(REPO_ROOT, 'dist/sam-octa2.vsix');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');
const DIMS: [number, number, number] = [96, 96, 48];
const VOLUME = 'track-7.nii.gz';
const SEG = 'track-7.seg.nii.gz';

interface Target {
  layer: number;
  x: number;
  y: number;
  /** The clicked vessel instance, 1 inside, as in the volume's voxel order. */
  truth: Uint8Array;
}

/** The vessel instance with the largest cross-section, clicked at its pixel nearest the centroid. */
function writeScene(folder: string): Target {
  const synth = generateSyntheticOcta({ seed: 7, size: DIMS, slab: [0.2, 0.8] });
  writeFileSync(join(folder, VOLUME), writeNifti(synth.volume, { gzip: true }));
  const labels = synth.vesselInstances.data as Uint16Array;
  const plane = DIMS[0] * DIMS[1];
  const counts = new Map<string, number>();
  labels.forEach((id, n) => {
    if (id === 0) return;
    const key = `${id}:${Math.floor(n / plane)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  assert.ok(best, 'the synthetic volume has vessels');
  const [id, layer] = best[0].split(':').map(Number) as [number, number];
  const pixels: [number, number][] = [];
  for (let p = 0; p < plane; p++) {
    if (labels[layer * plane + p] === id) pixels.push([p % DIMS[0], Math.floor(p / DIMS[0])]);
  }
  const cx = pixels.reduce((s, p) => s + p[0], 0) / pixels.length;
  const cy = pixels.reduce((s, p) => s + p[1], 0) / pixels.length;
  const [x, y] = pixels.sort(
    (a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy),
  )[0]!;
  return { layer, x, y, truth: labels.map((v) => (v === id ? 1 : 0)) as unknown as Uint8Array };
}

/** Keeps the extension's output channel (edits, saves, warnings) beside the screenshots. */
function copyExtensionLog(): void {
  let newest: { path: string; mtime: number } | undefined;
  for (const root of readdirSync(tmpdir()).filter((d) => d.startsWith('sam-octa2-e2e-'))) {
    const logs = join(tmpdir(), root, 'user-data', 'logs');
    if (!existsSync(logs)) continue;
    for (const file of readdirSync(logs, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('SAM-OCTA2.log')) continue;
      const mtime = statSync(join(logs, file)).mtimeMs;
      if (!newest || mtime > newest.mtime) newest = { path: join(logs, file), mtime };
    }
  }
  if (newest) copyFileSync(newest.path, join(SHOTS, 'tracking-extension.log'));
}

let work: string;
let workspace: string;
let target: Target;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

/** The active volume editor's content frame (VS Code's webview iframe, then its inner frame). */
async function contentFrame(): Promise<Frame> {
  const outer = await page.locator('iframe.webview.ready:visible').last().elementHandle();
  const outerFrame = await outer?.contentFrame();
  const inner = await outerFrame?.locator('iframe#active-frame').elementHandle();
  const frame = await inner?.contentFrame();
  assert.ok(frame, 'the volume editor webview is showing');
  return frame;
}

type HookWindow = Window & { __samOcta2Test?: SamOcta2TestHook };

async function tracking(frame: Frame): Promise<TrackingSnapshot> {
  return frame.evaluate(() => (window as HookWindow).__samOcta2Test!.tracking());
}

async function waitForTracking(
  frame: Frame,
  what: string,
  done: (s: TrackingSnapshot) => boolean,
  timeout = 120_000,
): Promise<TrackingSnapshot> {
  const end = Date.now() + timeout;
  let s = await tracking(frame);
  while (!done(s)) {
    assert.ok(Date.now() < end, `timed out waiting for ${what}: ${JSON.stringify(s)}`);
    await page.waitForTimeout(200);
    s = await tracking(frame);
  }
  return s;
}

/** Layers (other than the clicked one) where object 1 has a mask, with their areas. */
function areas(s: TrackingSnapshot): Record<number, number> {
  const layers = s.objects[0]?.layers ?? {};
  return Object.fromEntries(Object.entries(layers).filter(([, a]) => a > 0)) as Record<
    number,
    number
  >;
}

async function runCommand(title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 5_000 });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: title })
    .first()
    .waitFor({ timeout: 5_000 });
  await page.keyboard.press('Enter');
}

async function openVolume(): Promise<Frame> {
  await quickOpen(page, VOLUME);
  const frame = await contentFrame();
  await frame.locator('.app[data-loaded="true"]').waitFor({ timeout: 60_000 });
  const hooked = await frame.evaluate(() => (window as HookWindow).__samOcta2Test !== undefined);
  assert.ok(hooked, 'the init script switched the test hook on in the webview');
  return frame;
}

describe('tracking in code-server', { timeout: 900_000 }, () => {
  before(async () => {
    for (const [file, how] of [
      [VSIX, 'npm run build && npm run package'],
      [CODE_SERVER_BIN, 'bash scripts/setup-code-server.sh'],
    ]) {
      assert.ok(existsSync(file!), `${file} is missing: run ${how} first`);
    }
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'sam-octa2-e2e-track-'));
    workspace = join(work, 'octa');
    mkdirSync(workspace);
    target = writeScene(workspace);
    server = await startCodeServer({
      workspace,
      vsix: VSIX,
      logFile: join(SHOTS, 'code-server-tracking.log'),
      userSettings: {
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'samOcta2.depthAxis': 'k',
        // VS Code for the web saves after a delay by default; this test saves by hand.
        'files.autoSave': 'off',
      },
    });
    browser = await launchBrowser();
    page = browser.page;
    await browser.context.addInitScript(() => {
      (window as { __samOcta2EnableTestHook?: boolean }).__samOcta2EnableTestHook = true;
    });
    await openWorkbench(page, server.url);
  });

  after(async () => {
    copyExtensionLog();
    await browser?.close();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('click, propagate, undo, redo, save, and the saved masks reopen', async () => {
    let frame = await openVolume();
    // The host lists the shipped bundle and sends its files when the webview asks.
    const loaded = await waitForTracking(frame, 'the nano model', (s) => s.model !== null);
    assert.equal(loaded.model, 'samocta2-nano');
    await page
      .locator('.statusbar-item', { hasText: 'samocta2-nano' })
      .first()
      .waitFor({ timeout: 20_000 });

    await frame.locator('.layer-slider').fill(String(target.layer));
    await frame.locator(`.app[data-layer="${target.layer}"]`).waitFor({ timeout: 10_000 });
    const p = await frame.evaluate(
      ([x, y]) => (window as HookWindow).__samOcta2Test!.imageToViewport(x!, y!),
      [target.x + 0.5, target.y + 0.5],
    );
    const box = await frame.locator('.viewport').boundingBox();
    assert.ok(p && box);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    const clicked = await waitForTracking(frame, 'the click mask', (s) => s.lastClickMs !== null);
    assert.ok((clicked.objects[0]?.layers[target.layer] ?? 0) > 0, 'a mask on the clicked layer');

    await frame.getByTestId('propagate').click();
    const tracked = await waitForTracking(
      frame,
      'the propagation',
      (s) => !s.busy && s.lastTrack !== null,
      600_000,
    );
    assert.deepEqual(tracked.errors, []);
    const propagated = areas(tracked);
    const others = Object.keys(propagated).filter((l) => Number(l) !== target.layer);
    assert.ok(others.length >= 3, `masks on other layers: ${JSON.stringify(propagated)}`);
    await page.screenshot({ path: join(SHOTS, 'tracking-propagated.png') });
    // The title shows the document dirty.
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout: 10_000 });

    // Ctrl+Z goes to VS Code's undo stack, whose closure sends applyEdit back.
    await page.keyboard.press('Control+z');
    const undone = await waitForTracking(
      frame,
      'undo of the propagation',
      (s) => Object.keys(areas(s)).filter((l) => Number(l) !== target.layer).length === 0,
      30_000,
    );
    assert.ok(undone.objects.length >= 1);
    await page.keyboard.press('Control+Shift+z');
    const redone = await waitForTracking(
      frame,
      'redo of the propagation',
      (s) => JSON.stringify(areas(s)) === JSON.stringify(propagated),
      30_000,
    );
    assert.equal(redone.objects.length, 1);

    const segPath = join(workspace, SEG);
    assert.ok(!existsSync(segPath), 'nothing is written before Save');
    await page.keyboard.press('Control+s');
    // Saved: the tab is clean again.
    await page
      .locator('.tabs-container .tab.active:not(.dirty)[data-resource-name="track-7.nii.gz"]')
      .waitFor({ timeout: 30_000 });
    assert.ok(existsSync(segPath), `${SEG} was written`);
    assert.ok(existsSync(join(workspace, 'track-7.seg.json')), 'the sidecar was written');
    const seg = readNifti(readFileSync(segPath)).volume;
    assert.deepEqual(seg.dims, DIMS);
    const plane = DIMS[0] * DIMS[1];
    const saved: Record<number, number> = {};
    seg.data.forEach((v, n) => {
      if (v === 1) saved[Math.floor(n / plane)] = (saved[Math.floor(n / plane)] ?? 0) + 1;
    });
    assert.deepEqual(saved, propagated, 'the file holds the masks the editor showed');
    // Reported, not asserted: how well the nano bundle follows the synthetic vessel.
    let both = 0;
    let sum = 0;
    seg.data.forEach((v, n) => {
      const t = target.truth[n]!;
      both += v === 1 && t === 1 ? 1 : 0;
      sum += (v === 1 ? 1 : 0) + t;
    });
    console.log(`tracked vessel vs synthetic instance: Dice ${((2 * both) / sum).toFixed(3)}`);

    await runCommand('View: Close Editor');
    await page.locator('.tabs-container .tab.active[data-resource-name="track-7.nii.gz"]').waitFor({
      state: 'detached',
      timeout: 10_000,
    });
    frame = await openVolume();
    const reopened = await waitForTracking(
      frame,
      'the saved segmentation',
      (s) => s.objects.length > 0,
    );
    assert.deepEqual(areas(reopened), propagated);
    assert.equal(reopened.objects[0]?.prompts, 1);
  });
});
