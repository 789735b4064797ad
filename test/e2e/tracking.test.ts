/**
 * End to end, issue 4: in code-server, open a synthetic volume, let the host hand the webview the
 * shipped nano model, click a vessel, propagate, undo and redo through VS Code (Ctrl+Z /
 * Ctrl+Shift+Z reach the custom document's undo stack), save, and reopen the saved
 * `.seg.nii.gz`, asserting that the clicked layer's mask is the clicked vessel's and that the
 * tracked vessel's 3D Dice beats the answers that need no tracking; then click the synthetic FAZ,
 * propagate, and assert its Dice against the generator's 3D FAZ. The webview's test hook is switched on with a Playwright init script, which runs
 * in every frame, so the test reads mask areas and maps image pixels to the screen. Then once
 * on a real OCTA-500 stack (../shared/data/octa500/layers/10301_faz.nii.gz, copied into the
 * temporary workspace, never written back): click the FAZ, propagate, report the Dice.
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
import type { TrackingSnapshot } from '../../src/webview/tracking/trackingSnapshot';
import { contentFrame, dice, type HookWindow, objectMasks, waitForTracking } from './editorFrame';
import { type Target, fazTarget, vesselTarget } from './syntheticTargets';
import { type CodeServer, REPO_ROOT, assertPrerequisites } from './codeServer';
import { type Browser, quickOpen } from './workbench';
import { TRACKING_SETTINGS, closeEditorWorkbench, openEditorWorkbench } from './editorWorkbench';

const SHOTS = join(REPO_ROOT, 'test-results/e2e');
/**
 * The scene: layers 240-319 of a 96×96×640 synthetic volume, OCTA-500's depth sampling (about
 * 3 µm a layer), the window that holds the large vessels and the FAZ. There a vessel shows on
 * dozens of consecutive layers, as in OCTA-500's layer labels (docs/synthetic-octa.md).
 */
const GENERATED: [number, number, number] = [96, 96, 640];
const WINDOW: [number, number] = [240, 319];
const DIMS: [number, number, number] = [96, 96, WINDOW[1] - WINDOW[0] + 1];
const VOLUME = 'track-7.nii.gz';
/** The same synthetic volume under a second name, for the FAZ case (its own document). */
const FAZ_SYNTH = 'faz-7.nii.gz';
const SEG = 'track-7.seg.nii.gz';
const OCTA500 = join(REPO_ROOT, '..', 'shared', 'data', 'octa500', 'layers');
const FAZ_VOLUME = '10301_faz.nii.gz';
const FAZ_LABEL = '10301_faz.label.nii.gz';
const BUNDLE_MANIFEST = join(REPO_ROOT, 'models', 'samocta2-nano', 'manifest.json');
/**
 * A tracked synthetic object (the vessel, the FAZ) must beat, by this much Dice, the better of
 * two answers that need no tracking, both computed in the test from the same click (see
 * `trivialBaselines`).
 */
const MARGIN_OVER_TRIVIAL = 0.02;
/**
 * ... and reach this share of the bundle's own held-out FAZ Dice (the trainer's evaluation on
 * synthetic test volumes, manifest `metrics['synth-faz']`, paper protocol: 4-frame sequences with
 * 5 positive and 3 negative points on 2 frames). One positive click and a whole-stack
 * propagation is a harder task than that protocol, so only half is asked for.
 */
const HELD_OUT_SHARE = 0.5;
/** The clicked vessel's Dice on its layer must be this many times its best with another vessel. */
const CLICKED_OVER_OTHERS = 2;

/** The vessel instance with the largest cross-section, clicked at its pixel nearest the centroid. */
function writeScene(folder: string): { vessel: Target; faz: Target; vessels: Uint16Array } {
  const synth = generateSyntheticOcta({ seed: 7, size: GENERATED, layers: WINDOW });
  const bytes = writeNifti(synth.volume, { gzip: true });
  writeFileSync(join(folder, VOLUME), bytes);
  writeFileSync(join(folder, FAZ_SYNTH), bytes);
  const vessels = synth.vesselInstances.data as Uint16Array;
  return {
    vessel: vesselTarget(vessels, DIMS),
    faz: fazTarget(synth.faz3d.data as Uint8Array, DIMS),
    vessels,
  };
}

/**
 * The clicked layer's mask against each vessel instance on that layer: its Dice with the
 * clicked one and the best Dice with any other. A mask that ignores where the click was (what
 * the first shipped nano did) scores about as well against another vessel as against the
 * clicked one.
 */
function clickedLayerDice(seg: Uint8Array, vessels: Uint16Array, target: Target) {
  const plane = DIMS[0] * DIMS[1];
  const at = target.layer * plane;
  const mask = seg.subarray(at, at + plane);
  const layer = vessels.subarray(at, at + plane);
  const clickedId = layer[target.y * DIMS[0] + target.x]!;
  const ids = new Set(layer.filter((v) => v !== 0 && v !== clickedId));
  const against = (id: number) =>
    dice(
      mask,
      Uint8Array.from(layer, (v) => (v === id ? 1 : 0)),
    );
  return {
    own: against(clickedId),
    bestOther: Math.max(0, ...[...ids].map(against)),
    others: ids.size,
  };
}

/**
 * Two answers that need no tracking, from the tracked result's own clicked layer: (a) that
 * layer's mask alone (no propagation: on this scene the clicked vessel shows on about 50 of the
 * 80 layers, the FAZ on about 44, so even a perfect mask on the clicked layer alone scores little),
 * (b) that mask copied to every layer (no depth: the object is not on every layer, and where it
 * is its mask changes with depth).
 */
function trivialBaselines(seg: Uint8Array, truth: Uint8Array, layer: number) {
  const plane = DIMS[0] * DIMS[1];
  const clicked = seg.subarray(layer * plane, (layer + 1) * plane);
  const only = new Uint8Array(seg.length);
  only.set(clicked, layer * plane);
  const copied = new Uint8Array(seg.length);
  for (let k = 0; k < DIMS[2]; k++) copied.set(clicked, k * plane);
  return { clickedLayerOnly: dice(only, truth), copiedToEveryLayer: dice(copied, truth) };
}

/** The bundle's held-out Dice on synthetic volumes, from its manifest (0 when absent). */
function heldOutDice(kind: 'rv' | 'faz'): number {
  const manifest = JSON.parse(readFileSync(BUNDLE_MANIFEST, 'utf8')) as {
    metrics?: Record<string, { sequence?: { factor: string; dice: number }[] }>;
  };
  const rows = manifest.metrics?.[`synth-${kind}`]?.sequence ?? [];
  return rows.find((r) => r.factor === 'Baseline')?.dice ?? 0;
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
let fazScene: Target;
let vessels: Uint16Array;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

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

async function openVolume(name = VOLUME): Promise<Frame> {
  await quickOpen(page, name);
  const frame = await contentFrame(page);
  await frame.locator('.app[data-loaded="true"]').waitFor({ timeout: 60_000 });
  const hooked = await frame.evaluate(() => (window as HookWindow).__samOcta2Test !== undefined);
  assert.ok(hooked, 'the init script switched the test hook on in the webview');
  return frame;
}

/** Adds a FAZ object, clicks (x, y) on `layer`, propagates over all layers; the object's id. */
async function trackFaz(frame: Frame, layer: number, x: number, y: number): Promise<number> {
  await frame.getByTestId('object-add').click();
  await frame.evaluate(() => {
    const kind = document.querySelector<HTMLElement & { value: string }>(
      '[data-testid="object-kind"]',
    )!;
    kind.value = 'faz';
    kind.dispatchEvent(new Event('change'));
  });
  await frame.locator('.layer-slider').fill(String(layer));
  await frame.locator(`.app[data-layer="${layer}"]`).waitFor({ timeout: 10_000 });
  const p = await frame.evaluate(
    ([a, b]) => (window as HookWindow).__samOcta2Test!.imageToViewport(a!, b!),
    [x + 0.5, y + 0.5],
  );
  const box = await frame.locator('.viewport').boundingBox();
  assert.ok(p && box);
  await page.mouse.click(box.x + p.x, box.y + p.y);
  const clicked = await waitForTracking(
    page,
    frame,
    'the click mask',
    (s) => s.lastClickMs !== null,
  );
  const id = clicked.selected!;
  assert.equal(clicked.objects.find((o) => o.id === id)?.kind, 'faz');
  await frame.getByTestId('propagate').click();
  const done = await waitForTracking(
    page,
    frame,
    'the propagation',
    (s) => !s.busy && s.lastTrack !== null,
    600_000,
  );
  assert.deepEqual(done.errors, []);
  assert.equal(done.lastTrack?.cancelled, false);
  assert.ok(
    (done.objects.find((o) => o.id === id)?.layers[layer] ?? 0) > 0,
    'a mask on the clicked layer',
  );
  return id;
}

describe('tracking in code-server', { timeout: 900_000 }, () => {
  before(async () => {
    assertPrerequisites();
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'sam-octa2-e2e-track-'));
    workspace = join(work, 'octa');
    mkdirSync(workspace);
    ({ vessel: target, faz: fazScene, vessels } = writeScene(workspace));
    // A copy in the temporary workspace: the shared data set is never written.
    for (const f of [FAZ_VOLUME, FAZ_LABEL]) copyFileSync(join(OCTA500, f), join(workspace, f));
    ({ server, browser, page } = await openEditorWorkbench({
      workspace,
      logFile: join(SHOTS, 'code-server-tracking.log'),
      userSettings: TRACKING_SETTINGS,
      testHook: true,
    }));
  });

  after(async () => {
    copyExtensionLog();
    await closeEditorWorkbench({ browser, server }, work);
  });

  test('click, propagate, undo, redo, save, and the saved masks reopen', async () => {
    let frame = await openVolume();
    // The host lists the shipped bundle and sends its files when the webview asks.
    const loaded = await waitForTracking(page, frame, 'the nano model', (s) => s.model !== null);
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
    const clicked = await waitForTracking(
      page,
      frame,
      'the click mask',
      (s) => s.lastClickMs !== null,
    );
    assert.ok((clicked.objects[0]?.layers[target.layer] ?? 0) > 0, 'a mask on the clicked layer');

    await frame.getByTestId('propagate').click();
    const tracked = await waitForTracking(
      page,
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
      page,
      frame,
      'undo of the propagation',
      (s) => Object.keys(areas(s)).filter((l) => Number(l) !== target.layer).length === 0,
      30_000,
    );
    assert.ok(undone.objects.length >= 1);
    await page.keyboard.press('Control+Shift+z');
    const redone = await waitForTracking(
      page,
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
    const segMask = Uint8Array.from(seg.data, (v) => (v === 1 ? 1 : 0));
    // On the clicked layer the mask must be the clicked vessel's: well above its overlap with
    // any other vessel there, and at least half the bundle's held-out vessel Dice (its card:
    // paper protocol, 5 positive and 3 negative points; one click is harder).
    const onLayer = clickedLayerDice(segMask, vessels, target);
    const layerFloor = HELD_OUT_SHARE * heldOutDice('rv');
    console.log(
      `clicked layer ${target.layer}: Dice ${onLayer.own.toFixed(3)} with the clicked vessel, ` +
        `at most ${onLayer.bestOther.toFixed(3)} with the ${onLayer.others} others; floor ` +
        `${layerFloor.toFixed(3)}`,
    );
    assert.ok(onLayer.others > 0, 'the clicked layer shows other vessels to compare with');
    assert.ok(
      onLayer.own >= Math.max(CLICKED_OVER_OTHERS * onLayer.bestOther, layerFloor),
      `clicked-layer Dice ${onLayer.own.toFixed(3)}: not the clicked vessel's mask`,
    );
    // Through the stack: the tracked vessel must beat, by MARGIN_OVER_TRIVIAL, both answers that
    // need no tracking (its clicked-layer mask alone, or copied to every layer).
    const tracked3d = dice(segMask, target.truth);
    const trivial = trivialBaselines(segMask, target.truth, target.layer);
    const vesselThreshold =
      Math.max(trivial.clickedLayerOnly, trivial.copiedToEveryLayer) + MARGIN_OVER_TRIVIAL;
    console.log(
      `tracked vessel vs synthetic instance: Dice ${tracked3d.toFixed(3)} over ` +
        `${Object.keys(propagated).length} layers with a mask; clicked layer only ` +
        `${trivial.clickedLayerOnly.toFixed(3)}, copied to every layer ` +
        `${trivial.copiedToEveryLayer.toFixed(3)}; threshold ${vesselThreshold.toFixed(3)}`,
    );
    assert.ok(
      tracked3d >= vesselThreshold,
      `tracked vessel Dice ${tracked3d.toFixed(3)} < ${vesselThreshold.toFixed(3)}`,
    );

    await runCommand('View: Close Editor');
    await page.locator('.tabs-container .tab.active[data-resource-name="track-7.nii.gz"]').waitFor({
      state: 'detached',
      timeout: 10_000,
    });
    frame = await openVolume();
    const reopened = await waitForTracking(
      page,
      frame,
      'the saved segmentation',
      (s) => s.objects.length > 0,
    );
    assert.deepEqual(areas(reopened), propagated);
    assert.equal(reopened.objects[0]?.prompts, 1);
  });
  test('synthetic FAZ: click, propagate, Dice above the no-tracking answers', async () => {
    const frame = await openVolume(FAZ_SYNTH);
    await waitForTracking(page, frame, 'the nano model', (s) => s.model !== null);
    const id = await trackFaz(frame, fazScene.layer, fazScene.x, fazScene.y);
    const masks = await objectMasks(frame, id, DIMS);
    const tracked = dice(masks, fazScene.truth);
    const trivial = trivialBaselines(masks, fazScene.truth, fazScene.layer);
    const heldOut = heldOutDice('faz');
    const threshold = Math.max(
      trivial.clickedLayerOnly + MARGIN_OVER_TRIVIAL,
      trivial.copiedToEveryLayer + MARGIN_OVER_TRIVIAL,
      HELD_OUT_SHARE * heldOut,
    );
    console.log(
      `tracked synthetic FAZ, click ${fazScene.x},${fazScene.y} on layer ${fazScene.layer}: ` +
        `Dice ${tracked.toFixed(3)}; clicked layer only ${trivial.clickedLayerOnly.toFixed(3)}, ` +
        `copied to every layer ${trivial.copiedToEveryLayer.toFixed(3)}, bundle's held-out FAZ ` +
        `Dice ${heldOut.toFixed(3)}; threshold ${threshold.toFixed(3)}`,
    );
    assert.ok(tracked >= threshold, `Dice ${tracked.toFixed(3)} < ${threshold.toFixed(3)}`);
    await runCommand('View: Revert and Close Editor');
    await page
      .locator(`.tabs-container .tab[data-resource-name="${FAZ_SYNTH}"]`)
      .waitFor({ state: 'detached', timeout: 20_000 });
  });

  test('OCTA-500 10301: click the FAZ, propagate, report the Dice', async () => {
    const label = readNifti(readFileSync(join(workspace, FAZ_LABEL))).volume;
    const [nx, ny, nz] = label.dims;
    const plane = nx * ny;
    // The layer with the largest FAZ, clicked at the FAZ pixel nearest its centroid.
    const area = (k: number): number => {
      let n = 0;
      for (let p = k * plane; p < (k + 1) * plane; p++) n += label.data[p]! > 0 ? 1 : 0;
      return n;
    };
    let layer = 0;
    for (let k = 1; k < nz; k++) if (area(k) > area(layer)) layer = k;
    const pixels: [number, number][] = [];
    for (let p = 0; p < plane; p++)
      if (label.data[layer * plane + p]! > 0) pixels.push([p % nx, Math.floor(p / nx)]);
    assert.ok(pixels.length > 0, 'the label has a FAZ');
    const cx = pixels.reduce((a, p) => a + p[0], 0) / pixels.length;
    const cy = pixels.reduce((a, p) => a + p[1], 0) / pixels.length;
    const [x, y] = pixels.sort(
      (a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy),
    )[0]!;

    const frame = await openVolume(FAZ_VOLUME);
    await waitForTracking(page, frame, 'the nano model', (s) => s.model !== null);
    const id = await trackFaz(frame, layer, x, y);
    await page.screenshot({ path: join(SHOTS, 'tracking-octa500-faz.png') });

    // Reported, not asserted (the issue asks for the figure): Dice over the stack and per layer.
    let both = 0;
    let sum = 0;
    const perLayer: string[] = [];
    for (let k = 0; k < nz; k++) {
      const mask =
        (await frame.evaluate(
          ([o, l]) => (window as HookWindow).__samOcta2Test!.mask(o!, l!),
          [id, k],
        )) ?? [];
      const truth = Array.from(label.data.subarray(k * plane, (k + 1) * plane), (v) =>
        v > 0 ? 1 : 0,
      );
      perLayer.push(dice(mask, truth).toFixed(2));
      for (let n = 0; n < plane; n++) {
        both += mask[n] === 1 && truth[n] === 1 ? 1 : 0;
        sum += (mask[n] === 1 ? 1 : 0) + truth[n]!;
      }
    }
    console.log(
      `OCTA-500 10301 FAZ, click ${x},${y} on layer ${layer}: Dice ${(sum ? (2 * both) / sum : 1).toFixed(3)} ` +
        `over ${nz} layers; per layer ${perLayer.join(' ')}`,
    );
    // Nothing was written beside the copied volume: no save was asked for.
    assert.ok(!existsSync(join(workspace, '10301_faz.seg.nii.gz')));

    // Bad input (issue 4, item 9): closing the editor during a propagation ends it cleanly.
    // The worker goes with the webview; nothing half-done reaches the document or the disk,
    // and the file reopens with a working tracker.
    await frame.getByTestId('propagate').click();
    await waitForTracking(page, frame, 'a running propagation', (s) => s.busy, 60_000);
    await runCommand('View: Revert and Close Editor');
    await page
      .locator(`.tabs-container .tab[data-resource-name="${FAZ_VOLUME}"]`)
      .waitFor({ state: 'detached', timeout: 20_000 });
    assert.ok(!existsSync(join(workspace, '10301_faz.seg.nii.gz')), 'nothing was saved');
    const again = await openVolume(FAZ_VOLUME);
    const reopened = await waitForTracking(page, again, 'the model again', (s) => s.model !== null);
    assert.deepEqual(reopened.errors, []);
    assert.equal(reopened.busy, false);
    assert.deepEqual(reopened.objects, [], 'the reverted document has no objects');
  });
});
