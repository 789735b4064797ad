/**
 * The viewer's benchmark: opening a 400×400×640 uint8 .nii.gz (host-side read, gunzip and parse
 * in Node with the extension's loadVolume; its preview of the first layer on screen while the
 * rest decompresses; transfer into the page; the whole volume shown; 3D texture built; first 3D
 * frame) and layer-step latency in headless Chromium with the built bundle.
 * Baselines from the same run: a bare zlib gunzip of the file, and a bare canvas putImageData
 * of a 400×400 layer.
 */
import { createReadStream, mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadVolume, type VolumePreview } from '../src/extension/volumeLoader';
import {
  ensureBuilt,
  launchBrowser,
  openEditor,
  ROOT,
  send,
  startHarness,
  TEST_SETTINGS,
  type HarnessWindow,
} from '../test/webview/harness';
import { percentile, type BenchGoal, type BenchRow, type BenchSuite } from './benchTable';
import { benchVolumePath } from './benchVolume';

const STEPS = 100;
const suite = 'viewer';
const GUNZIP = 'baseline: gunzip';
const PUT_MEDIAN = 'baseline: putImageData, median';
const PUT_P95 = 'baseline: putImageData, p95';

export const viewerSuite: BenchSuite = {
  name: suite,
  async run(): Promise<BenchRow[]> {
    ensureBuilt();
    const file = benchVolumePath(ROOT);
    const rows: BenchRow[] = [];
    const add = (name: string, value: number, baseline?: string, note?: string, goal?: BenchGoal) =>
      rows.push({ suite, name, value, unit: 'ms', baseline, note, goal });

    // Host side, as src/extension does it: read in pieces, each gunzipped on the thread pool
    // as it arrives (the first layer handed out as soon as it is decompressed), parse.
    const t0 = performance.now();
    let preview: { at: number; value: VolumePreview } | undefined;
    const loaded = await loadVolume(
      {
        fileName: 'bench.nii.gz',
        size: async () => (await stat(file)).size,
        read: async () => new Uint8Array(await readFile(file)),
        // As the editor reads a local file: in pieces, gunzipped as they arrive.
        readPieces: () => createReadStream(file, { highWaterMark: 1024 * 1024 }),
      },
      undefined,
      (value) => (preview = { at: performance.now() - t0, value }),
    );
    const hostMs = performance.now() - t0;
    if (!preview) throw new Error('loadVolume handed out no preview of the first layer.');
    const compressed = await readFile(file);
    const g0 = performance.now();
    gunzipSync(compressed);
    const gunzipMs = performance.now() - g0;
    add(GUNZIP, gunzipMs, undefined, `${(compressed.length / 2 ** 20).toFixed(1)} MB .nii.gz`);
    add('host: read + gunzip to the first layer', preview.at, GUNZIP);
    add('host: read + gunzip + parse', hostMs, GUNZIP);

    const { volume, header } = loaded;
    const voxels = new Uint8Array(loaded.buffer);

    const harness = await startHarness();
    const browser = await launchBrowser();
    try {
      const errors: string[] = [];
      const page = await openEditor(browser, harness, errors);
      const url = harness.addVolume('bench', voxels);
      const previewUrl = harness.addVolume('preview', new Uint8Array(preview.value.buffer));
      await send(page, { type: 'init', settings: TEST_SETTINGS });
      // The preview, as the host posts it while the rest decompresses.
      const previewShown = await page.evaluate(
        async ({ u, header, layers }) => {
          const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
          const a = performance.now();
          const buffer = await (await fetch(u)).arrayBuffer();
          const root = document.querySelector('.app') as HTMLElement;
          window.postMessage({ type: 'volumePreview', header, layers, buffer }, '*', [buffer]);
          for (let n = 0; root.dataset.preview !== 'true'; n++) {
            if (n > 600) throw new Error('The preview was not shown.');
            await frame();
          }
          await frame();
          return performance.now() - a;
        },
        { u: previewUrl, header: preview.value.header, layers: preview.value.layers },
      );
      add('page: preview transfer + first layer shown', previewShown);
      add('open → first layer shown', preview.at + previewShown, GUNZIP, 'progressive', {
        of: 'ratio',
        atMost: 0.3,
        source: 'issue 17 item 3',
      });
      await send(page, { type: 'volumeHeader', header });
      const open = await page.evaluate(async (u) => {
        const w = window as unknown as HarnessWindow;
        const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
        const a = performance.now();
        const buffer = await (await fetch(u)).arrayBuffer();
        const b = performance.now();
        const root = document.querySelector('.app') as HTMLElement;
        const loaded = new Promise<void>((resolve) => {
          const mo = new MutationObserver(() => {
            if (root.dataset.loaded === 'true') {
              mo.disconnect();
              resolve();
            }
          });
          mo.observe(root, { attributes: true });
        });
        window.postMessage({ type: 'volumeData', buffer }, '*', [buffer]);
        await loaded;
        await frame();
        const c = performance.now();
        await w.__samOcta2Test!.textureReady();
        const d = performance.now();
        (document.querySelector('vscode-toolbar-button[data-view="3d"]') as HTMLElement).click();
        const e = performance.now();
        return { transfer: b - a, firstLayer: c - b, texture: d - c, first3d: e - d };
      }, url);
      add('page: transfer (fetch, 100 MB)', open.transfer);
      add('page: whole volume shown', open.firstLayer);
      add('open → whole volume shown', hostMs + open.transfer + open.firstLayer, GUNZIP);
      add('page: 3D texture built, upload issued', open.texture);
      add(
        'open → 3D texture ready',
        hostMs + open.transfer + open.firstLayer + open.texture,
        GUNZIP,
      );
      add('page: first 3D frame', open.first3d);

      await page.click('vscode-toolbar-button[data-view="layer"]');
      const steps = await page.evaluate(async (n) => {
        const w = window as unknown as HarnessWindow;
        const hook = w.__samOcta2Test!;
        const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
        const vp = (document.querySelector('.viewport') as HTMLElement).getBoundingClientRect();
        const step: number[] = [];
        for (let i = 0; i < n; i++) {
          const a = performance.now();
          document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
          hook.renderedPixel(vp.width / 2, vp.height / 2);
          step.push(performance.now() - a);
          await frame();
        }
        // Baseline: the least a page can do to show a new 400×400 grey layer.
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 400;
        document.body.append(canvas);
        const ctx = canvas.getContext('2d')!;
        const src = new Uint8Array(400 * 400 * 8);
        for (let p = 0; p < src.length; p++) src[p] = (p * 2654435761) >>> 24;
        const base: number[] = [];
        for (let i = 0; i < n; i++) {
          const a = performance.now();
          const img = ctx.createImageData(400, 400);
          const off = (i % 8) * 160000;
          for (let p = 0; p < 160000; p++) {
            const v = src[off + p];
            img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v;
            img.data[4 * p + 3] = 255;
          }
          ctx.putImageData(img, 0, 0);
          ctx.getImageData(0, 0, 1, 1);
          base.push(performance.now() - a);
          await frame();
        }
        canvas.remove();
        return { step, base, layer: hook.state().layer };
      }, STEPS);
      add(PUT_MEDIAN, percentile(steps.base, 50));
      add(PUT_P95, percentile(steps.base, 95));
      add(
        `layer step, median of ${STEPS}`,
        percentile(steps.step, 50),
        PUT_MEDIAN,
        'key → pixels read back',
      );
      add(`layer step, p95 of ${STEPS}`, percentile(steps.step, 95), PUT_P95);
      // Pictures of the benchmark volume, for people (not measured).
      const shots = join(__dirname, 'results');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'viewer-layer.png') });
      await page.click('vscode-toolbar-button[data-view="3d"]');
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(shots, 'viewer-3d.png') });
      await page.click('vscode-toolbar-button[data-view="projection"]');
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(shots, 'viewer-projection.png') });
      if (errors.length) throw new Error(`The page logged errors: ${errors.join('; ')}`);
      if (steps.layer !== (volume.dims[2] >> 1) + STEPS)
        throw new Error(`Layer steps were lost (at ${steps.layer}).`);
    } finally {
      await browser.close();
      await harness.close();
    }
    return rows;
  },
};
