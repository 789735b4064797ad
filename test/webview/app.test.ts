/**
 * The built webview bundle in headless Chromium, in a page with VS Code's HTML, CSP and a stub
 * of the webview API: what the user sees is asserted on rendered pixels (screenshots).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type Browser,
  ensureBuilt,
  type Harness,
  type HarnessWindow,
  launchBrowser,
  loadVolume,
  openEditor,
  openPatternVolume,
  posted,
  ROOT,
  send,
  startHarness,
  TEST_SETTINGS,
} from './harness';
import { decodePng, pixelAt, type Rgba } from './png';
import { patternVolume, tubesVolume } from './testVolumes';

const SHOTS = join(ROOT, 'test-results', 'webview');
/** Exact windows (0–100 %) make grey = value; allow for rounding only. */
const EXACT = { ...TEST_SETTINGS, windowPercentiles: [0, 100] as const };

let browser: Browser;
let harness: Harness;

before(async () => {
  ensureBuilt();
  mkdirSync(SHOTS, { recursive: true });
  harness = await startHarness();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

async function shot(page: Page, name: string): Promise<Rgba> {
  const png = await page.locator('.viewport').screenshot();
  writeFileSync(join(SHOTS, `${name}.png`), png);
  return decodePng(png);
}

async function fullShot(page: Page, name: string): Promise<void> {
  writeFileSync(join(SHOTS, `${name}.png`), await page.screenshot());
}

function hook(page: Page) {
  return {
    state: () => page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.state()),
    toViewport: (x: number, y: number) =>
      page.evaluate(
        ([a, b]) => (window as unknown as HarnessWindow).__samOcta2Test!.imageToViewport(a, b),
        [x, y] as const,
      ),
  };
}

/** Samples spread over a w×h image, corners included. */
function samples(w: number, h: number): [number, number][] {
  const xs = [0, 1, Math.floor(w / 3), Math.floor(w / 2), w - 2, w - 1];
  const ys = [0, Math.floor(h / 4), Math.floor(h / 2), h - 1];
  return xs.flatMap((x) => ys.map((y): [number, number] => [x, y]));
}

/** Asserts that the rendered image shows expected(x, y) as grey at every sample pixel. */
async function assertImage(
  page: Page,
  img: Rgba,
  w: number,
  h: number,
  expected: (x: number, y: number) => number,
  label: string,
): Promise<void> {
  const h_ = hook(page);
  for (const [x, y] of samples(w, h)) {
    const p = await h_.toViewport(x + 0.5, y + 0.5);
    assert.ok(p, 'image view placement');
    const [r, g, b] = pixelAt(img, p.x, p.y);
    const want = expected(x, y);
    assert.ok(
      Math.abs(r - want) <= 1 && r === g && g === b,
      `${label}: pixel (${x}, ${y}) shows rgb(${r}, ${g}, ${b}), expected grey ${want}`,
    );
  }
}

async function statusMessages(page: Page) {
  return (await posted(page)).filter((m) => m.type === 'status');
}

const viewButton = (view: string) => `vscode-toolbar-button[data-view="${view}"]`;

async function setSelect(page: Page, testid: string, value: string): Promise<void> {
  await page.evaluate(
    ([id, v]) => {
      const s = document.querySelector(`[data-testid="${id}"]`) as HTMLElement & { value: string };
      s.value = v;
      s.dispatchEvent(new Event('change', { bubbles: true }));
    },
    [testid, value] as const,
  );
}

async function waitForStill(page: Page): Promise<void> {
  // The 3D view draws a full-quality frame 150 ms after the last interaction.
  await page.waitForTimeout(500);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
}

describe('volume editor webview', () => {
  it('shows the layer at the right place, steps with keys, reads out values, keeps state', async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors);
    const vol = patternVolume();
    const [nx, ny, nz] = vol.header.dims;
    await loadVolume(page, harness, 'pattern-layer', vol.header, vol.bytes, EXACT);
    const h = hook(page);
    let state = await h.state();
    assert.equal(state.view, 'layer');
    assert.equal(state.depthAxis, 2, 'auto depth axis is the longest, k');
    assert.equal(state.layerCount, nz);
    assert.equal(state.layer, nz >> 1, 'opens on the middle layer');
    assert.deepEqual(state.window, { min: 0, max: 255 });

    const expectLayer = async (k: number, name: string) => {
      const img = await shot(page, name);
      await assertImage(page, img, nx, ny, (x, y) => vol.value(x, y, k), `layer ${k}`);
      assert.match(
        await page.locator('[data-testid="status"]').innerText(),
        new RegExp(`^Layer ${k} \\(0–${nz - 1}\\) · depth ${(k * 0.005).toFixed(3)} mm`),
      );
      const last = (await statusMessages(page)).at(-1);
      assert.deepEqual(last, { type: 'status', layer: k, layerCount: nz, view: 'layer' });
    };
    await expectLayer(20, 'layer-view');
    await fullShot(page, 'layer-view-editor');

    await page.locator('.viewport').focus();
    await page.keyboard.press('ArrowDown');
    await expectLayer(21, 'layer-view-step-down');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('ArrowUp');
    await expectLayer(19, 'layer-view-step-up');
    await page.keyboard.press('Home');
    await expectLayer(0, 'layer-view-home');
    await page.keyboard.press('End');
    await expectLayer(nz - 1, 'layer-view-end');

    // The readout names the voxel under the cursor and its value.
    const p = await h.toViewport(5.5, 7.5);
    const box = (await page.locator('.viewport').boundingBox())!;
    await page.mouse.move(box.x + p!.x, box.y + p!.y);
    assert.equal(
      await page.locator('[data-testid="readout"]').innerText(),
      `(i, j, k) = (5, 7, ${nz - 1}) · value ${vol.value(5, 7, nz - 1)}`,
    );

    // Wheel zoom keeps the pixel under the cursor in place.
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(100);
    const q = await h.toViewport(5.5, 7.5);
    assert.ok(Math.abs(q!.x - p!.x) < 1 && Math.abs(q!.y - p!.y) < 1, 'zoom centred on the cursor');
    const zoomed = await shot(page, 'layer-view-zoomed');
    const [r] = pixelAt(zoomed, q!.x, q!.y);
    assert.ok(Math.abs(r - vol.value(5, 7, nz - 1)) <= 1, 'zoomed pixel value');

    // Hiding and re-showing the tab: the page restarts, the host re-sends, the layer stays.
    await page.waitForTimeout(300);
    await page.reload();
    await page.waitForFunction(() =>
      (window as unknown as HarnessWindow).__harness.posted.some((m) => m.type === 'ready'),
    );
    await loadVolume(page, harness, 'pattern-layer', vol.header, vol.bytes, EXACT);
    state = await h.state();
    assert.equal(state.layer, nz - 1, 'layer restored from getState');
    assert.deepEqual(errors, [], 'no console errors (CSP violations included)');
    await page.close();
  });

  it('renders the 3D view, which changes when rotated', async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors);
    const vol = tubesVolume();
    await loadVolume(page, harness, 'tubes-3d', vol.header, vol.bytes);
    await page.click(viewButton('3d'));
    await page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.textureReady());
    const state = await hook(page).state();
    assert.equal(state.view, '3d');
    assert.deepEqual(state.texture, { dims: [64, 56, 96], downsampled: false });
    assert.equal((await statusMessages(page)).at(-1)?.view, '3d');
    await waitForStill(page);
    const before = await shot(page, '3d-mip');
    await fullShot(page, '3d-mip-editor');
    const bright = countPixels(before, (r) => r > 120);
    assert.ok(
      bright > before.width * before.height * 0.01,
      `3D view not blank (${bright} bright pixels)`,
    );

    const box = (await page.locator('.viewport').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let n = 1; n <= 8; n++) await page.mouse.move(cx + n * 18, cy + n * 4);
    await page.mouse.up();
    await waitForStill(page);
    const rotated = await shot(page, '3d-mip-rotated');
    const changed = countDiff(before, rotated, 40);
    assert.ok(changed > before.width * before.height * 0.005, `rotation changed ${changed} pixels`);

    await setSelect(page, 'render-mode', 'alpha');
    await waitForStill(page);
    const alpha = await shot(page, '3d-alpha');
    assert.ok(countPixels(alpha, (r) => r > 80) > 500, '3D compositing not blank');

    // Depth exaggeration (issue 16, item 11) stretches the box: the picture changes.
    await setSelect(page, 'depth-scale', '5');
    await waitForStill(page);
    const stretched = await shot(page, '3d-alpha-depth-x5');
    const moved = countDiff(alpha, stretched, 40);
    assert.ok(moved > alpha.width * alpha.height * 0.005, `depth ×5 changed ${moved} pixels`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows the max projection of a chosen depth range', async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors);
    const vol = patternVolume();
    const [nx, ny] = vol.header.dims;
    await loadVolume(page, harness, 'pattern-projection', vol.header, vol.bytes, EXACT);
    await page.click(viewButton('projection'));
    await page.fill('[data-testid="range-from"] input', '5');
    await page.fill('[data-testid="range-to"] input', '12');
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => {
      const s = (window as unknown as HarnessWindow).__samOcta2Test!.state();
      return s.range?.[0] === 5 && s.range?.[1] === 12;
    });
    const max = (x: number, y: number) => {
      let m = -Infinity;
      for (let k = 5; k <= 12; k++) m = Math.max(m, vol.value(x, y, k));
      return m;
    };
    let lo = Infinity;
    let hi = -Infinity;
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        lo = Math.min(lo, max(x, y));
        hi = Math.max(hi, max(x, y));
      }
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    const img = await shot(page, 'projection-max');
    await fullShot(page, 'projection-editor');
    await assertImage(
      page,
      img,
      nx,
      ny,
      (x, y) => Math.round(((max(x, y) - lo) * 255) / (hi - lo)),
      'max projection 5–12',
    );
    // The readout says the value is the projection's over those layers, not one layer's.
    const centre = await hook(page).toViewport(3.5, 2.5);
    const box = (await page.locator('.viewport').boundingBox())!;
    await page.mouse.move(box.x + centre!.x, box.y + centre!.y);
    await page.waitForFunction(
      () => !!document.querySelector('[data-testid="readout"]')?.textContent,
    );
    assert.equal(
      await page.locator('[data-testid="readout"]').textContent(),
      `(x, y) = (3, 2) · max of layers 5–12: ${max(3, 2)}`,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('switches the depth axis, keeps anisotropic pixels and shows header notices', async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors);
    const vol = patternVolume();
    const [nx, ny, nz] = vol.header.dims;
    const header = { ...vol.header, notices: ['4D file: showing volume 1 of 3.'] };
    await loadVolume(page, harness, 'pattern-axis', header, vol.bytes, EXACT);
    assert.equal(
      await page.locator('[data-notice="header-0"]').innerText(),
      '4D file: showing volume 1 of 3.',
    );
    await setSelect(page, 'depth-axis', 'i');
    const state = await hook(page).state();
    assert.equal(state.depthAxis, 0);
    const axisShown = await page.evaluate(
      () =>
        (document.querySelector('[data-testid="depth-axis"]') as HTMLElement & { value: string })
          .value,
    );
    assert.equal(axisShown, 'i', 'the dropdown shows the chosen axis');
    assert.equal(state.layerCount, nx);
    assert.equal(state.layer, nx >> 1);
    // Depth i: layer pixel (x, y) is voxel (layer, j = x, k = y); k pixels are half as tall.
    const img = await shot(page, 'layer-view-axis-i');
    await assertImage(page, img, ny, nz, (x, y) => vol.value(nx >> 1, x, y), 'depth axis i');
    const a = (await hook(page).toViewport(0, 0))!;
    const b = (await hook(page).toViewport(ny, nz))!;
    const shown = (b.y - a.y) / (b.x - a.x);
    assert.ok(Math.abs(shown - (nz * 0.005) / (ny * 0.01)) < 1e-6, `aspect ${shown}`);
    assert.deepEqual((await statusMessages(page)).at(-1), {
      type: 'status',
      layer: nx >> 1,
      layerCount: nx,
      view: 'layer',
    });

    // A window typed into the toolbar: 0..127.5 doubles every grey level (saturating at 255).
    await page.fill('[data-testid="window-max"] input', '127.5');
    await page.keyboard.press('Tab');
    await page.waitForFunction(
      () => (window as unknown as HarnessWindow).__samOcta2Test!.state().window?.max === 127.5,
    );
    const doubled = await shot(page, 'layer-view-window');
    await assertImage(
      page,
      doubled,
      ny,
      nz,
      (x, y) => Math.min(255, Math.round(vol.value(nx >> 1, x, y) * 2)),
      'window 0..127.5',
    );

    // The editor shrinks: the view re-fits and still shows each pixel where the mapping says.
    await page.setViewportSize({ width: 640, height: 420 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    const small = await shot(page, 'layer-view-resized');
    await fullShot(page, 'layer-view-resized-editor');
    assert.ok(small.width <= 640 && small.height < 420, `viewport ${small.width}×${small.height}`);
    await assertImage(
      page,
      small,
      ny,
      nz,
      (x, y) => Math.min(255, Math.round(vol.value(nx >> 1, x, y) * 2)),
      'after resize',
    );

    // The wand restores the automatic window.
    await page.click('[data-testid="window-auto"]');
    assert.deepEqual((await hook(page).state()).window, { min: 0, max: 255 });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('downsamples the 3D texture beyond the budget, with a notice', async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors);
    const vol = tubesVolume();
    const settings = { ...TEST_SETTINGS, max3dTextureMB: 0.1 };
    await loadVolume(page, harness, 'tubes-small-budget', vol.header, vol.bytes, settings);
    await page.click(viewButton('3d'));
    await page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.textureReady());
    const state = await hook(page).state();
    assert.deepEqual(state.texture, { dims: [32, 28, 48], downsampled: true });
    assert.match(
      await page.locator('[data-notice="3d-downsampled"]').innerText(),
      /downsampled 2× to 32×28×48/,
    );
    await waitForStill(page);
    const img = await shot(page, '3d-downsampled');
    assert.ok(countPixels(img, (r) => r > 120) > 1000, 'downsampled 3D view not blank');
    await fullShot(page, '3d-downsampled-editor');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows progress while loading, then a load error with what is supported', async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors);
    await send(page, { type: 'init', settings: TEST_SETTINGS });
    await send(page, { type: 'loadProgress', fraction: 0.4, stage: 'Decompressing… 40 %' });
    assert.equal(
      await page.locator('[data-testid="loading-stage"]').innerText(),
      'Decompressing… 40 %',
    );
    await fullShot(page, 'loading');
    await send(page, {
      type: 'loadError',
      message: 'bad.nii: not a NIfTI file (magic "abc").',
      supported: 'Supported: NIfTI-1 and NIfTI-2, .nii or .nii.gz.',
    });
    const panel = page.locator('.overlay.error');
    await panel.waitFor({ state: 'visible' });
    assert.equal(
      await page.locator('[data-testid="error-message"]').innerText(),
      'bad.nii: not a NIfTI file (magic "abc").',
    );
    assert.match(
      await page.locator('[data-testid="error-supported"]').innerText(),
      /NIfTI-1 and NIfTI-2/,
    );
    const state = await hook(page).state();
    assert.equal(state.error, 'bad.nii: not a NIfTI file (magic "abc").');
    await fullShot(page, 'load-error');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows the first layer while the rest loads (progressive opening), then the whole volume', async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors);
    const vol = patternVolume();
    const [nx, ny, nz] = vol.header.dims;
    await send(page, { type: 'init', settings: EXACT });
    await send(page, { type: 'loadProgress', fraction: 0.2, stage: 'Reading and decompressing' });
    const first = Array.from(vol.bytes.subarray(0, nx * ny));
    await page.evaluate(
      ({ header, values }) =>
        (window as unknown as HarnessWindow).__harness.send({
          type: 'volumePreview',
          header,
          layers: 1,
          buffer: Uint8Array.from(values).buffer,
        }),
      { header: vol.header, values: first },
    );
    await page.waitForFunction(() => document.querySelector('.app')!.getAttribute('data-preview'));
    assert.equal(await page.locator('.app').getAttribute('data-loaded'), 'false');
    assert.match(
      (await page.locator('[data-testid="loading"]').getAttribute('data-caption')) ?? '',
      new RegExp(`^Layer 0 \\(0–${nz - 1}\\): the rest is loading`),
    );
    // Layer 0 on screen, windowed over itself: its darkest voxel black, its brightest white.
    const img = await shot(page, 'progressive-preview');
    const darkest = first.indexOf(Math.min(...first));
    const brightest = first.indexOf(Math.max(...first));
    const h = hook(page);
    for (const [at, want] of [
      [darkest, 0],
      [brightest, 255],
    ] as const) {
      const p = await h.toViewport((at % nx) + 0.5, Math.floor(at / nx) + 0.5);
      assert.ok(p, 'preview placement');
      assert.deepEqual(pixelAt(img, p.x, p.y).slice(0, 3), [want, want, want], `voxel ${at}`);
    }
    await fullShot(page, 'progressive-preview-editor');
    // The whole volume replaces it and opens as before (middle layer).
    await loadVolume(page, harness, 'pattern-progressive', vol.header, vol.bytes, EXACT);
    assert.equal(await page.locator('.app').getAttribute('data-preview'), null);
    assert.equal((await h.state()).layer, nz >> 1);
    assert.ok(await page.locator('[data-testid="loading"]').isHidden());
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('without WebGL2, draws layers on a 2D canvas and explains the 3D workaround', async () => {
    const noGl = await launchBrowser(['--disable-webgl2', '--disable-webgl']);
    try {
      const errors: string[] = [];
      const page = await openEditor(noGl, harness, errors);
      const vol = patternVolume();
      const [nx, ny, nz] = vol.header.dims;
      await loadVolume(page, harness, 'pattern-nogl', vol.header, vol.bytes, EXACT);
      const state = await hook(page).state();
      assert.equal(state.webgl, false);
      const img = await shot(page, 'no-webgl-layer');
      await assertImage(page, img, nx, ny, (x, y) => vol.value(x, y, nz >> 1), '2D canvas layer');
      await page.click(viewButton('3d'));
      const message = page.locator('.overlay.message');
      await message.waitFor({ state: 'visible' });
      assert.match(await message.innerText(), /"enable-unsafe-swiftshader": true/);
      await fullShot(page, 'no-webgl-3d-message');
      assert.deepEqual(errors, []);
    } finally {
      await noGl.close();
    }
  });

  it('follows changed settings: window percentiles and depth axis', async () => {
    const errors: string[] = [];
    const { page, vol } = await openPatternVolume({ browser, harness }, errors, 'pattern-settings');
    const before = (await hook(page).state()).window!;
    assert.ok(before.min > 0 && before.max < 255, `1–99.5 % window ${JSON.stringify(before)}`);
    await send(page, { type: 'settingsChanged', settings: EXACT });
    assert.deepEqual((await hook(page).state()).window, { min: 0, max: 255 });
    await send(page, { type: 'settingsChanged', settings: { ...EXACT, depthAxis: 1 } });
    const after = await hook(page).state();
    assert.equal(after.depthAxis, 1);
    assert.equal(after.layerCount, vol.header.dims[1]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("needs no 'unsafe-inline' styles in its CSP", async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors, 'dark', true);
    const csp = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    assert.ok(csp && !csp.includes('unsafe-inline'), csp ?? 'no CSP');
    const vol = tubesVolume();
    await loadVolume(page, harness, 'tubes-strict', vol.header, vol.bytes);
    await page.click(viewButton('3d'));
    await page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.textureReady());
    await waitForStill(page);
    await page.click(viewButton('projection'));
    await fullShot(page, 'strict-csp-projection');
    assert.deepEqual(errors, [], 'no CSP violations');
    await page.close();
  });

  it('follows a light theme', async () => {
    const errors: string[] = [];
    const page = await openEditor(browser, harness, errors, 'light');
    const vol = tubesVolume();
    await loadVolume(page, harness, 'tubes-light', vol.header, vol.bytes);
    const img = await shot(page, 'layer-view-light');
    await fullShot(page, 'layer-view-light-editor');
    assert.deepEqual(
      pixelAt(img, 2, 2).slice(0, 3),
      [255, 255, 255],
      'editor background around the image',
    );
    assert.deepEqual(errors, []);
    await page.close();
  });
});

function countPixels(img: Rgba, test: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    if (test(img.data[4 * p], img.data[4 * p + 1], img.data[4 * p + 2])) n++;
  }
  return n;
}

function countDiff(a: Rgba, b: Rgba, threshold: number): number {
  let n = 0;
  for (let p = 0; p < a.width * a.height * 4; p += 4) {
    if (Math.abs(a.data[p] - b.data[p]) > threshold) n++;
  }
  return n;
}
