/**
 * Point prompts and SAM 2 tracking in the built webview, in headless Chromium: a synthetic OCTA
 * volume, a nano model bundle handed over as the host would (`modelFiles`), a click on a
 * synthetic vessel, propagation through the layers in the tracker worker, undo/redo through the
 * stub's edit stack, and the masks in the layer, projection and 3D views. Run twice: with WebGPU
 * (SwiftShader's adapter behind --enable-unsafe-webgpu) and without (the WASM fallback).
 *
 * The bundle is the trainer's parity bundle (random weights, object-score bias raised so the
 * object is present on most layers): mask quality means nothing, so this asserts the pipeline.
 * When the trained models/samocta2-nano exists, the WASM run also switches to it and tracks the
 * synthetic FAZ, compared with the ground truth (Dice).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { generateSyntheticOcta } from '../../src/core/synth/generateSyntheticOcta';
import type { Volume } from '../../src/core/volume/volume';
import type { VolumeHeaderInfo } from '../../src/protocol/editorMessages';
import { ensureParityBundle, loadVectors } from '../fixtures/parityVectors';
import {
  ensureBuilt,
  launchBrowser,
  loadVolume,
  openEditor,
  posted,
  ROOT,
  type Browser,
  type Harness,
  type HarnessWindow,
  startHarness,
} from './harness';

const SHOTS = join(ROOT, 'test-results', 'webview');
const DIMS: [number, number, number] = [96, 96, 48];
const TRAINED = join(ROOT, 'models', 'samocta2-nano');
/**
 * The trained bundle's FAZ Dice here must reach half of what the trainer's own evaluation on its
 * synthetic test volumes recorded in the manifest (`metrics['synth-faz']`): the protocols differ
 * (one click and a whole-stack propagation here, the paper's 4-frame sequences there), so equality
 * is not expected, but a broken pipeline (transposed prompts, wrong axis, flipped or misplaced
 * masks, a bad window) falls to about 0. The FAZ, a large blob, is used rather than a vessel:
 * its Dice is high and steady, so a broken pipeline shows plainly (vessels are the e2e test's).
 */
const TRAINED_FAZ_SHARE = 0.5;

interface Scene {
  header: VolumeHeaderInfo;
  bytes: Uint8Array;
  /** The clicked layer and pixel, inside the largest vessel instance. */
  layer: number;
  x: number;
  y: number;
  /** The instance's mask on a layer (rows x cols = j x i). */
  truth(layer: number): Uint8Array;
  /** The layer with the largest FAZ, a pixel at its centre, its layers, and the FAZ per layer. */
  faz: {
    layer: number;
    x: number;
    y: number;
    from: number;
    to: number;
    truth(layer: number): Uint8Array;
  };
}

function syntheticScene(): Scene {
  const synth = generateSyntheticOcta({ seed: 7, size: DIMS, slab: [0.2, 0.8] });
  const v: Volume = synth.volume;
  const labels = synth.vesselInstances.data as Uint16Array;
  const [nx, ny] = DIMS;
  const plane = nx * ny;
  // The instance and layer with the largest cross-section: the clearest target.
  const counts = new Map<string, number>();
  for (let n = 0; n < labels.length; n++) {
    const id = labels[n] ?? 0;
    if (id === 0) continue;
    const key = `${id}:${Math.floor(n / plane)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  assert.ok(best, 'the synthetic volume has vessels');
  const [id, layer] = best[0].split(':').map(Number) as [number, number];
  // The instance pixel closest to the centroid of its cross-section.
  let sx = 0;
  let sy = 0;
  let count = 0;
  for (let p = 0; p < plane; p++) {
    if (labels[layer * plane + p] !== id) continue;
    sx += p % nx;
    sy += Math.floor(p / nx);
    count++;
  }
  let pick = { x: 0, y: 0, d: Infinity };
  for (let p = 0; p < plane; p++) {
    if (labels[layer * plane + p] !== id) continue;
    const x = p % nx;
    const y = Math.floor(p / nx);
    const d = Math.hypot(x - sx / count, y - sy / count);
    if (d < pick.d) pick = { x, y, d };
  }
  const bytes = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength).slice();
  const faz = synth.faz3d.data as Uint8Array;
  const fazArea = (l: number): number =>
    faz.subarray(l * plane, (l + 1) * plane).reduce((a, b) => a + b, 0);
  let fazLayer = 0;
  for (let l = 1; l < DIMS[2]; l++) if (fazArea(l) > fazArea(fazLayer)) fazLayer = l;
  const fazLayers = [...Array(DIMS[2]).keys()].filter((l) => fazArea(l) > 0);
  let fx = 0;
  let fy = 0;
  for (let p = 0; p < plane; p++) {
    if (!faz[fazLayer * plane + p]) continue;
    fx += p % nx;
    fy += Math.floor(p / nx);
  }
  const fazPick = { x: Math.round(fx / fazArea(fazLayer)), y: Math.round(fy / fazArea(fazLayer)) };
  assert.equal(faz[fazLayer * plane + fazPick.x + nx * fazPick.y], 1, 'the FAZ centre is inside');
  return {
    header: {
      fileName: 'synthetic-tracking.nii.gz',
      dims: DIMS,
      spacingMm: v.spacingMm,
      affine: v.affine,
      type: v.type,
      notices: [],
      niftiVersion: 1,
    },
    bytes,
    layer,
    x: pick.x,
    y: pick.y,
    truth: (l) =>
      Uint8Array.from(labels.subarray(l * plane, (l + 1) * plane), (v) => (v === id ? 1 : 0)),
    faz: {
      layer: fazLayer,
      ...fazPick,
      from: fazLayers[0] ?? fazLayer,
      to: fazLayers.at(-1) ?? fazLayer,
      truth: (l) => faz.slice(l * plane, (l + 1) * plane),
    },
  };
}

/** Sets the selected object's kind in the tracking panel, as a user picks it. */
async function setSelectedKind(page: Page, value: 'vessel' | 'faz'): Promise<void> {
  await page.evaluate((v) => {
    const kind = document.querySelector<HTMLElement & { value: string }>(
      '[data-testid="object-kind"]',
    )!;
    kind.value = v;
    kind.dispatchEvent(new Event('change'));
  }, value);
}

/** The trained bundle's FAZ Dice from its manifest, or null when there is no trained bundle. */
function trainedFazDice(): number | null {
  const file = join(TRAINED, 'manifest.json');
  if (!existsSync(file)) return null;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    metrics?: Record<string, { sequence?: { dice?: number }[] }>;
  };
  return manifest.metrics?.['synth-faz']?.sequence?.[0]?.dice ?? null;
}

function hook(page: Page) {
  // Functions handed to page.evaluate run in the page: each names the hook itself.
  return {
    tracking: () =>
      page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.tracking()),
    mask: (id: number, layer: number) =>
      page.evaluate(([i, l]) => (window as unknown as HarnessWindow).__samOcta2Test!.mask(i, l), [
        id,
        layer,
      ] as const),
    toViewport: (x: number, y: number) =>
      page.evaluate(
        ([a, b]) => (window as unknown as HarnessWindow).__samOcta2Test!.imageToViewport(a, b),
        [x, y] as const,
      ),
  };
}

/** Sends the bundle's files as the host does: one `modelFiles` message, buffers transferred. */
async function sendModel(
  page: Page,
  harness: Harness,
  dir: string,
  name: string,
  key: string,
): Promise<void> {
  const names = readdirSync(dir).filter((f) => f === 'manifest.json' || f.endsWith('.onnx'));
  const urls = names.map((n) => [n, harness.addVolume(`${key}-${n}`, readFileSync(join(dir, n)))]);
  await page.evaluate(
    async ([list, name]) => {
      const files: Record<string, ArrayBuffer> = {};
      for (const [name, url] of list) files[name] = await (await fetch(url)).arrayBuffer();
      window.postMessage({ type: 'modelFiles', id: name, name, files }, '*', Object.values(files));
    },
    [urls, name] as const,
  );
}

const scene = syntheticScene();
const parityBundle = ensureParityBundle(loadVectors().graphSha256);
const trainedDice = trainedFazDice();

/**
 * WebGPU here is SwiftShader on shared CPU cores, tens of seconds per layer: that run tracks the
 * clicked layer's neighbours only (a range of ±1), the WASM run the whole stack.
 */
for (const run of [
  { name: 'webgpu', args: ['--enable-unsafe-webgpu'], reach: 1 },
  { name: 'wasm', args: ['--disable-features=WebGPU'], reach: null },
] as const) {
  describe(`tracking in the webview (${run.name})`, () => {
    let browser: Browser;
    let harness: Harness;
    let page: Page;
    const errors: string[] = [];

    before(async () => {
      ensureBuilt();
      mkdirSync(SHOTS, { recursive: true });
      harness = await startHarness();
      browser = await launchBrowser(run.args);
      page = await openEditor(browser, harness, errors);
      await loadVolume(page, harness, `${run.name}.nii`, scene.header, scene.bytes);
      await page.locator('.layer-slider').fill(String(scene.layer));
      await sendModel(page, harness, parityBundle, 'test-bundle', 'model');
      await page.waitForFunction(
        () => {
          const s = (window as unknown as HarnessWindow).__samOcta2Test!.tracking();
          return s.model !== null || s.errors.length > 0;
        },
        undefined,
        { timeout: 120_000 },
      );
    });

    after(async () => {
      await browser?.close();
      await harness?.close();
    });

    it('loads the bundle in the worker and reports model and backend', async () => {
      const s = await hook(page).tracking();
      assert.deepEqual(s.errors, []);
      assert.equal(s.model, 'test-bundle');
      assert.equal(s.backend, run.name);
      const status = await page.getByTestId('tracking-status').textContent();
      assert.match(status ?? '', run.name === 'webgpu' ? /WebGPU/ : /WASM/);
      const sent = (await posted(page)).filter((m) => m.type === 'trackingStatus');
      assert.equal(sent.at(-1)?.backend, run.name);
    });

    it(
      'a click on a vessel gives a mask on that layer and an undoable edit',
      { timeout: 180_000 },
      async () => {
        const h = hook(page);
        const p = await h.toViewport(scene.x + 0.5, scene.y + 0.5);
        assert.ok(p);
        const box = await page.locator('.viewport').boundingBox();
        assert.ok(box);
        await page.mouse.click(box.x + p.x, box.y + p.y);
        await page.waitForFunction(
          () =>
            (window as unknown as HarnessWindow).__samOcta2Test!.tracking().lastClickMs !== null,
          undefined,
          { timeout: 150_000 },
        );
        const s = await h.tracking();
        assert.equal(s.objects.length, 1);
        assert.equal(s.objects[0]?.prompts, 1);
        const edits = (await posted(page)).filter((m) => m.type === 'edit');
        assert.deepEqual(
          edits.map((m) => (m.edit as { kind: string }).kind),
          ['prompt'],
        );
        // A Shift-click is a negative point; the layer's features are cached: decoder only.
        const q = await h.toViewport(2.5, 2.5);
        assert.ok(q);
        await page.keyboard.down('Shift');
        await page.mouse.click(box.x + q.x, box.y + q.y);
        await page.keyboard.up('Shift');
        await page.waitForFunction(
          () =>
            (window as unknown as HarnessWindow).__harness.posted.filter((m) => m.type === 'edit')
              .length === 2,
          undefined,
          { timeout: 60_000 },
        );
        const again = await h.tracking();
        assert.equal(again.objects[0]?.prompts, 2);
        const last = (await posted(page)).filter((m) => m.type === 'edit').at(-1);
        assert.match((last?.edit as { label: string }).label, /^Negative point on layer/);
        console.log(
          `[${run.name}] click → mask: first ${s.lastClickMs?.toFixed(0)} ms (encoder + decoder), ` +
            `second ${again.lastClickMs?.toFixed(0)} ms (decoder, features cached)`,
        );
      },
    );

    it(
      'propagation puts masks on the neighbouring layers, off the UI thread',
      { timeout: 400_000 },
      async () => {
        const h = hook(page);
        if (run.reach !== null) {
          await page
            .locator('[data-testid="track-from"] input')
            .fill(String(scene.layer - run.reach));
          await page
            .locator('[data-testid="track-to"] input')
            .fill(String(scene.layer + run.reach));
        }
        // Tracked as a FAZ: the parity model's masks are random, and a vessel's tracked layers
        // would mostly be emptied by the visibility gate (src/core/tracker/visibilityGate.ts;
        // its own tests), which would hide the pipeline this test is about.
        await setSelectedKind(page, 'faz');
        // The page keeps answering while the worker runs: count animation frames during the job.
        await page.getByTestId('propagate').click();
        const frames = await page.evaluate(async () => {
          const t = (window as unknown as HarnessWindow).__samOcta2Test!;
          let n = 0;
          while (t.tracking().busy || t.tracking().lastTrack === null) {
            await new Promise((r) => requestAnimationFrame(r));
            n++;
          }
          return n;
        });
        const s = await h.tracking();
        assert.deepEqual(s.errors, []);
        const track = s.lastTrack;
        assert.ok(track && !track.cancelled);
        // Both passes start on the clicked layer; it counts once (issue 16: "Tracked 11 layers"
        // on a 10-layer stack).
        const reached = run.reach === null ? DIMS[2] : 2 * run.reach + 1;
        assert.equal(track.layers, reached);
        const layers = s.objects[0]?.layers ?? {};
        const withMask = Object.keys(layers).map(Number);
        if (run.reach !== null) {
          // Track first/last count layers as the slider does (issue 16, item 3): masks stay
          // within the typed range; a field counting from 1 would shift them one layer off.
          const [from, to] = [scene.layer - run.reach, scene.layer + run.reach];
          const outside = withMask.filter((l) => l < from || l > to);
          assert.deepEqual(outside, [], `masks outside the typed range ${from}–${to}`);
        }
        const neighbours = [scene.layer - 1, scene.layer + 1].filter((l) => layers[l]);
        assert.ok(neighbours.length > 0, `masks on layers ${withMask.join(',')}`);
        // The parity bundle's raised object score puts the object on most layers.
        assert.ok(withMask.length >= Math.ceil(reached / 2), `masks on ${withMask.length} layers`);
        assert.ok(frames > 2, `the page drew ${frames} frames during propagation`);
        const progress = await page.getByTestId('track-progress').textContent();
        assert.match(progress ?? '', /Tracked \d+ layers · [\d.]+ layers\/s/);
        console.log(
          `[${run.name}] propagation: ${track.layers} layers in ${track.ms.toFixed(0)} ms = ` +
            `${track.layersPerSecond.toFixed(2)} layers/s; masks on ${withMask.length} layers`,
        );
        // The neighbour's mask shows in the object's colour (#ff5a5a at 50 % over grey).
        const shown = neighbours[0] ?? scene.layer;
        await page.locator('.layer-slider').fill(String(shown));
        const mask = (await h.mask(1, shown)) ?? [];
        const at = mask.indexOf(1);
        assert.ok(at >= 0);
        const v = await h.toViewport((at % DIMS[0]) + 0.5, Math.floor(at / DIMS[0]) + 0.5);
        assert.ok(v);
        const rgba = await page.evaluate(
          ([x, y]) => (window as unknown as HarnessWindow).__samOcta2Test!.renderedPixel(x, y),
          [v.x, v.y] as const,
        );
        assert.ok(rgba[0] - rgba[1] > 40, `pixel ${rgba.join(',')} is tinted red`);
        writeFileSync(join(SHOTS, `tracking-${run.name}-layer.png`), await page.screenshot());
      },
    );

    it('undo and redo replay the propagation through the host edit stack', async () => {
      const h = hook(page);
      const layersNow = async () =>
        Object.keys((await h.tracking()).objects[0]?.layers ?? {}).length;
      const tracked = await layersNow();
      await page.locator('.viewport').focus();
      await page.keyboard.press('Control+z');
      await page.waitForFunction((n) => {
        const o = (window as unknown as HarnessWindow).__samOcta2Test!.tracking().objects[0];
        return o !== undefined && Object.keys(o.layers).length < n;
      }, tracked);
      assert.ok((await layersNow()) <= 1, 'only the clicked layer keeps its mask');
      await page.keyboard.press('Control+Shift+z');
      await page.waitForFunction((n) => {
        const o = (window as unknown as HarnessWindow).__samOcta2Test!.tracking().objects[0];
        return o !== undefined && Object.keys(o.layers).length === n;
      }, tracked);
    });

    // WASM only: on SwiftShader a few layers take minutes.
    if (run.reach === null)
      it('cancel stops a propagation cleanly and keeps what was tracked', async () => {
        await page.getByTestId('propagate').click();
        await page.waitForFunction(
          () =>
            /^([3-9]|\d\d+)\/\d+ layers/.test(
              document.querySelector('[data-testid="track-progress"]')?.textContent ?? '',
            ),
          undefined,
          { timeout: 60_000 },
        );
        await page.getByTestId('cancel').click();
        await page.waitForFunction(
          () => !(window as unknown as HarnessWindow).__samOcta2Test!.tracking().busy,
          undefined,
          { timeout: 60_000 },
        );
        const s = await hook(page).tracking();
        assert.equal(s.lastTrack?.cancelled, true);
        assert.ok(
          (s.lastTrack?.layers ?? 99) < DIMS[2],
          `${s.lastTrack?.layers} layers before the stop`,
        );
        assert.match(
          (await page.getByTestId('track-progress').textContent()) ?? '',
          /Cancelled after/,
        );
        const last = (await posted(page)).filter((m) => m.type === 'edit').at(-1);
        assert.equal((last?.edit as { kind: string }).kind, 'propagation');
      });

    // Bad input (issue 4, item 9): a click beside the image is no prompt.
    if (run.reach === null)
      it('a click outside the image adds no prompt and no edit', async () => {
        const h = hook(page);
        const before = await h.tracking();
        const edits = (await posted(page)).filter((m) => m.type === 'edit').length;
        // Left of the image, inside the viewport (the 96-px layer is fitted to the height).
        const p = await h.toViewport(-4.5, DIMS[1] / 2);
        const box = await page.locator('.viewport').boundingBox();
        assert.ok(p && box && p.x > 2, `viewport point ${JSON.stringify(p)}`);
        await page.mouse.click(box.x + p.x, box.y + p.y);
        await page.waitForTimeout(500);
        const after = await h.tracking();
        assert.equal((await posted(page)).filter((m) => m.type === 'edit').length, edits);
        assert.deepEqual(
          after.objects.map((o) => o.prompts),
          before.objects.map((o) => o.prompts),
        );
        assert.deepEqual(after.errors, []);
      });

    // Bad input (issue 4, item 9): a new model while a propagation runs cancels it cleanly.
    if (run.reach === null)
      it('switching the model during a propagation cancels it and loads the new one', async () => {
        const h = hook(page);
        await page.getByTestId('propagate').click();
        await page.waitForFunction(
          () =>
            /^([2-9]|\d\d+)\/\d+ layers/.test(
              document.querySelector('[data-testid="track-progress"]')?.textContent ?? '',
            ),
          undefined,
          { timeout: 60_000 },
        );
        await sendModel(page, harness, parityBundle, 'test-bundle-again', 'model-again');
        await page.waitForFunction(
          () => {
            const t = (window as unknown as HarnessWindow).__samOcta2Test!.tracking();
            return !t.busy && t.model === 'test-bundle-again';
          },
          undefined,
          { timeout: 120_000 },
        );
        const s = await h.tracking();
        assert.deepEqual(s.errors, []);
        assert.equal(s.lastTrack?.cancelled, true);
        assert.ok((s.lastTrack?.layers ?? 99) < DIMS[2], `${s.lastTrack?.layers} layers`);
        // What was tracked before the switch stays one undoable edit.
        const last = (await posted(page)).filter((m) => m.type === 'edit').at(-1);
        assert.equal((last?.edit as { kind: string }).kind, 'propagation');
        // The new model answers a click.
        const clicks = s.lastClickMs;
        const p = await h.toViewport(scene.x + 0.5, scene.y + 0.5);
        const box = await page.locator('.viewport').boundingBox();
        assert.ok(p && box);
        await page.mouse.click(box.x + p.x, box.y + p.y);
        await page.waitForFunction(
          (before) =>
            (window as unknown as HarnessWindow).__samOcta2Test!.tracking().lastClickMs !== before,
          clicks,
          { timeout: 60_000 },
        );
      });

    it('shows the object as a surface in 3D and as a footprint in the projection', async () => {
      await page.locator('[data-view="3d"]').click();
      await page.evaluate(() =>
        (window as unknown as HarnessWindow).__samOcta2Test!.buildSurfaces(),
      );
      const s = await hook(page).tracking();
      assert.equal(s.surfaces.surfaces, 1);
      assert.ok(s.surfaces.triangles > 0);
      await page.waitForTimeout(300);
      writeFileSync(join(SHOTS, `tracking-${run.name}-3d.png`), await page.screenshot());
      await page.locator('[data-view="projection"]').click();
      await page.waitForTimeout(200);
      writeFileSync(join(SHOTS, `tracking-${run.name}-projection.png`), await page.screenshot());
      assert.deepEqual(errors, []);
    });

    // The trained bundle, when there is one: WASM only (SwiftShader would take an hour).
    if (run.reach === null && trainedDice !== null)
      it('with the trained bundle, tracks the synthetic FAZ', { timeout: 400_000 }, async () => {
        const h = hook(page);
        await sendModel(page, harness, TRAINED, 'trained-nano', 'trained');
        await page.waitForFunction(
          () =>
            (window as unknown as HarnessWindow).__samOcta2Test!.tracking().model ===
            'trained-nano',
          undefined,
          { timeout: 120_000 },
        );
        await page.locator('[data-view="layer"]').click();
        await page.getByTestId('object-add').click();
        await setSelectedKind(page, 'faz');
        const id = (await h.tracking()).selected!;
        assert.equal((await h.tracking()).objects.find((o) => o.id === id)?.kind, 'faz');
        await page.locator('.layer-slider').fill(String(scene.faz.layer));
        const p = await h.toViewport(scene.faz.x + 0.5, scene.faz.y + 0.5);
        const box = await page.locator('.viewport').boundingBox();
        assert.ok(p && box);
        const edits = (await posted(page)).filter((m) => m.type === 'edit').length;
        await page.mouse.click(box.x + p.x, box.y + p.y);
        await page.waitForFunction(
          (n) =>
            (window as unknown as HarnessWindow).__harness.posted.filter((m) => m.type === 'edit')
              .length > n,
          edits,
        );
        // As the paper's protocol: a sequence over the layers that hold the target.
        await page.locator('[data-testid="track-from"] input').fill(String(scene.faz.from));
        await page.locator('[data-testid="track-to"] input').fill(String(scene.faz.to));
        await page.getByTestId('propagate').click();
        await page.waitForFunction(
          () => {
            const t = (window as unknown as HarnessWindow).__samOcta2Test!.tracking();
            return (
              !t.busy &&
              /Tracked/.test(
                document.querySelector('[data-testid="track-progress"]')?.textContent ?? '',
              )
            );
          },
          undefined,
          { timeout: 300_000 },
        );
        // Dice over the FAZ's layers: every layer's mask against the FAZ.
        let inter = 0;
        let sum = 0;
        for (let l = scene.faz.from; l <= scene.faz.to; l++) {
          const mask = (await h.mask(id, l)) ?? [];
          const truth = scene.faz.truth(l);
          for (let i = 0; i < truth.length; i++) {
            inter += (mask[i] ?? 0) & (truth[i] ?? 0);
            sum += (mask[i] ?? 0) + (truth[i] ?? 0);
          }
        }
        const d = sum === 0 ? 1 : (2 * inter) / sum;
        console.log(
          `[${run.name}] trained bundle, FAZ on layers ${scene.faz.from}–${scene.faz.to}: ` +
            `Dice ${d.toFixed(3)} ` +
            `(trainer's own synthetic evaluation: ${trainedDice.toFixed(3)})`,
        );
        writeFileSync(join(SHOTS, `tracking-${run.name}-trained-faz.png`), await page.screenshot());
        assert.ok(d >= TRAINED_FAZ_SHARE * trainedDice, `Dice ${d.toFixed(3)}`);
      });

    it('reports a damaged bundle by file name and keeps viewing', async () => {
      // Every file of the bundle, one byte of the mask decoder flipped.
      await page.evaluate(async () => {
        const names = ['manifest.json', 'image_encoder.onnx', 'mask_decoder.onnx'];
        names.push('memory_encoder.onnx', 'memory_attention.onnx');
        const files: Record<string, ArrayBuffer> = {};
        for (const n of names) files[n] = await (await fetch(`/volumes/model-${n}`)).arrayBuffer();
        new Uint8Array(files['mask_decoder.onnx']!)[1000] ^= 0xff;
        window.postMessage({ type: 'modelFiles', id: 'bad', name: 'bad', files }, '*');
      });
      await page.waitForFunction(
        () => (window as unknown as HarnessWindow).__samOcta2Test!.tracking().errors.length > 0,
      );
      const s = await hook(page).tracking();
      assert.match(s.errors[0] ?? '', /Cannot load model bad: mask_decoder\.onnx: sha256 /);
      assert.equal(s.model, null);
      const view = await page.evaluate(() =>
        (window as unknown as HarnessWindow).__samOcta2Test!.state(),
      );
      assert.equal(view.loaded, true);
      assert.equal(view.error, null);
    });
  });
}

/**
 * A WebGPU failure during a job (issue 4, item 3): the worker's WebGPU runs are made to fail
 * through its test seam (`__samOcta2FailWebGpu`, src/webview/tracking/ortWebRuntime.ts) after the
 * bundle opened on WebGPU; the click's job then reopens the bundle on WASM, the status says so,
 * the click is answered, and a propagation after it puts masks on the layers. A fresh page:
 * SwiftShader runs nothing before the failure.
 */
describe('tracking in the webview: WebGPU fails mid-run', () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    ensureBuilt();
    harness = await startHarness();
    browser = await launchBrowser(['--enable-unsafe-webgpu']);
    page = await openEditor(browser, harness, errors);
    await loadVolume(page, harness, 'fallback.nii', scene.header, scene.bytes);
    await page.locator('.layer-slider').fill(String(scene.layer));
    await sendModel(page, harness, parityBundle, 'test-bundle', 'model');
    await page.waitForFunction(
      () => {
        const s = (window as unknown as HarnessWindow).__samOcta2Test!.tracking();
        return s.model !== null || s.errors.length > 0;
      },
      undefined,
      { timeout: 120_000 },
    );
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('falls back to WASM, says so, and masks still come', { timeout: 300_000 }, async () => {
    const h = hook(page);
    assert.equal((await h.tracking()).backend, 'webgpu');
    const worker = page.workers().find((w) => w.url().startsWith('blob:'));
    assert.ok(
      worker,
      `tracker worker among ${page
        .workers()
        .map((w) => w.url())
        .join(', ')}`,
    );
    await worker.evaluate(() => {
      (globalThis as { __samOcta2FailWebGpu?: string }).__samOcta2FailWebGpu =
        'injected GPU device loss';
    });
    const p = await h.toViewport(scene.x + 0.5, scene.y + 0.5);
    const box = await page.locator('.viewport').boundingBox();
    assert.ok(p && box);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await page
      .waitForFunction(
        () => {
          const t = (window as unknown as HarnessWindow).__samOcta2Test!.tracking();
          return t.errors.length > 0 || t.lastClickMs !== null;
        },
        undefined,
        { timeout: 240_000 },
      )
      .catch(async (e: Error) => {
        throw new Error(`${e.message}; tracking ${JSON.stringify(await h.tracking())}`);
      });
    const s = await h.tracking();
    assert.deepEqual(s.errors, []);
    assert.equal(s.backend, 'wasm');
    assert.match(s.note ?? '', /WebGPU failed \(injected GPU device loss\); continuing on WASM/);
    const status = (await page.getByTestId('tracking-status').textContent()) ?? '';
    assert.match(status, /WASM/);
    assert.match(status, /WebGPU failed/);
    assert.equal(s.objects[0]?.prompts, 1, 'the click is a prompt, its mask answered');
    // The job after the fallback runs on WASM: a short propagation puts masks on the layers.
    await page.locator('[data-testid="track-from"] input').fill(String(scene.layer));
    await page.locator('[data-testid="track-to"] input').fill(String(scene.layer + 3));
    await page.getByTestId('propagate').click();
    await page.waitForFunction(
      () => {
        const t = (window as unknown as HarnessWindow).__samOcta2Test!.tracking();
        return t.errors.length > 0 || (!t.busy && t.lastTrack !== null);
      },
      undefined,
      { timeout: 240_000 },
    );
    const tracked = await h.tracking();
    assert.deepEqual(tracked.errors, []);
    assert.equal(tracked.backend, 'wasm');
    assert.equal(tracked.lastTrack?.cancelled, false);
    const withMask = Object.keys(tracked.objects[0]?.layers ?? {}).length;
    assert.ok(withMask >= 2, `masks on ${withMask} layers`);
    const sent = (await posted(page)).filter((m) => m.type === 'trackingStatus');
    assert.equal(sent.at(-1)?.backend, 'wasm');
    assert.deepEqual(errors, []);
  });
});
