/**
 * The Measures panel (issue 19) in the built webview, headless Chromium: objects arrive as the
 * host sends a saved segmentation (a FAZ disc and a vessel tube); opening the panel measures
 * them in the worker, and the panel's values, "Copy as TSV" and the export it hands the host
 * must be the core's own numbers for the same labels (one implementation). Also: the tables
 * follow the layer, the sector grid is drawn on the layer view, and two FAZ objects give a
 * clear message and no export.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { encodeRuns } from '../../src/core/labels/maskRuns';
import { formatMeasures, measuresReport } from '../../src/core/measure/measureExport';
import { measureSegmentedVolume, type MeasuredVolume } from '../../src/core/measure/measureReport';
import type { TrackedObjectState, VolumeHeaderInfo } from '../../src/protocol/editorMessages';
import { ellipseMask, tubeLabels } from '../fixtures/measureShapes';
import {
  type HarnessWindow,
  loadVolume,
  openEditor,
  posted,
  ROOT,
  send,
  webviewFixture,
} from './harness';
import { patternVolume } from './testVolumes';

const SHOTS = join(ROOT, 'test-results', 'webview');
const DIMS: [number, number, number] = [96, 96, 8];
const PIXEL = 3 / 96;
const COUNT = DIMS[0] * DIMS[1] * DIMS[2];

function scene(fazRadius = 14) {
  const volume = patternVolume(DIMS);
  const spacing: [number, number, number] = [PIXEL, PIXEL, 0.003];
  const header: VolumeHeaderInfo = {
    ...volume.header,
    fileName: 'scan.nii.gz',
    spacingMm: spacing,
    affine: [PIXEL, 0, 0, 0, 0, PIXEL, 0, 0, 0, 0, 0.003, 0, 0, 0, 0, 1],
  };
  const labels = tubeLabels(DIMS, (t) => [5 + 85 * t, 20, 3], 2, 1.5, 1);
  const disc = ellipseMask(96, 96, fazRadius, 11, [48, 52]);
  for (let k = 2; k <= 5; k++) disc.forEach((v, p) => v && (labels[p + 96 * 96 * k] = 2));
  const object = (id: number, name: string, kind: 'vessel' | 'faz'): TrackedObjectState => ({
    id,
    name,
    kind,
    color: '#ff0000',
    axis: 2,
    prompts: [{ layer: 3, points: [{ x: 48, y: 52, positive: true }] }],
    masks: encodeRuns(COUNT, (n) => labels[n] === id).buffer as ArrayBuffer,
  });
  const objects = [object(1, 'Artery', 'vessel'), object(2, 'FAZ', 'faz')];
  const expected = measureSegmentedVolume({
    volume: 'scan.nii.gz',
    segmentation: 'scan.seg.nii.gz',
    source: header,
    labels: { dims: DIMS, data: labels },
    axis: 2,
    model: null,
    objects: objects.map(({ masks: _, ...o }) => ({
      ...o,
      prompts: o.prompts.map((p) => ({ layer: p.layer, points: [...p.points] })),
    })),
    faz: 2,
    vessels: [1],
  });
  return { volume, header, objects, expected };
}

/** As the host sends a saved segmentation (page.evaluate cannot carry an ArrayBuffer). */
async function sendObjects(page: Page, objects: TrackedObjectState[]): Promise<void> {
  const plain = objects.map((o) => ({ ...o, masks: Array.from(new Uint32Array(o.masks)) }));
  await page.evaluate((list) => {
    const harness = (window as unknown as HarnessWindow).__harness;
    const objects = list.map((o) => ({ ...o, masks: Uint32Array.from(o.masks).buffer }));
    harness.send({ type: 'segmentation', objects });
  }, plain);
}

const hook = (page: Page) => ({
  measures: () =>
    page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.measures()),
});

async function waitReady(page: Page, state: 'ready' | 'failed' = 'ready'): Promise<void> {
  await page.waitForFunction(
    (s) => (window as unknown as HarnessWindow).__samOcta2Test!.measures().state === s,
    state,
    { timeout: 30_000 },
  );
}

/** The shown cell of `column` in the row of `level` (and `sector`) of a panel section. */
async function cell(page: Page, section: string, level: string, column: string, sector = '') {
  const selector = `[data-testid="${section}"] tr[data-level="${level}"][data-sector="${sector}"] td[data-column="${column}"]`;
  return page.locator(selector).first().innerText();
}

describe('the Measures panel', () => {
  const web = webviewFixture();

  it("shows, copies and exports the core's measures of the objects; the grid is drawn", async () => {
    const errors: string[] = [];
    const page = await openEditor(web.browser, web.harness, errors);
    const { volume, header, objects, expected } = scene();
    await loadVolume(page, web.harness, 'scan', header, volume.bytes);
    await sendObjects(page, objects);
    assert.equal((await hook(page).measures()).state, 'idle', 'nothing measured while closed');

    await page.getByTestId('measures').click();
    await waitReady(page);
    const near = (shown: string, value: number) =>
      assert.ok(Math.abs(Number(shown) / value - 1) < 1e-3, `${shown} vs ${value}`);
    const faz = expected.measures.faz!;
    near(await cell(page, 'measures-range', 'faz-projection', 'area_mm2'), faz.projection.areaMm2);
    near(
      await cell(page, 'measures-range', 'faz-projection', 'circularity'),
      faz.projection.circularity!,
    );
    const tree = expected.measures.trees[0]!;
    near(await cell(page, 'measures-objects', 'vessel-3d', 'length_mm'), tree.centrelineLengthMm);
    assert.equal(await cell(page, 'measures-objects', 'vessel-3d', 'object'), 'Artery');
    // The layer table is the shown layer's (the editor opens on the middle one, 4).
    const layerFaz = faz.layers.find((l) => l.layer === 4)!.shape.areaMm2;
    near(await cell(page, 'measures-layer', 'faz-layer', 'area_mm2'), layerFaz);
    await page.locator('.layer-slider').fill('0');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="measures-layer"] h4')?.textContent === 'Layer 0',
    );
    assert.equal(
      await page
        .locator(
          '[data-testid="measures-layer"] tr[data-level="faz-layer"] td[data-column="area_mm2"]',
        )
        .innerText(),
      '0',
    );
    assert.ok(await page.locator('[data-testid="measures-plot"] svg path.line').count());
    // Lines, not filled shapes (an SVG path fills black unless told not to).
    const fills = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll('[data-testid="measures-plot"] svg path'),
        (p) => getComputedStyle(p).fill,
      ),
    );
    assert.ok(fills.length >= 2 && fills.every((f) => f === 'none'), JSON.stringify(fills));

    // New masks (the host's undo, another editor's edit) are measured again after a moment.
    const bigger = scene(18);
    await sendObjects(page, bigger.objects);
    const grown = bigger.expected.measures.faz!.projection.areaMm2;
    await page.waitForFunction(
      (want) => {
        const shown = document.querySelector(
          '[data-testid="measures-range"] tr[data-level="faz-projection"] td[data-column="area_mm2"]',
        )?.textContent;
        return Math.abs(Number(shown) / want - 1) < 1e-3;
      },
      grown,
      { timeout: 10_000 },
    );
    assert.ok(grown > faz.projection.areaMm2);
    await sendObjects(page, objects);
    await page.waitForFunction(
      (want) => {
        const shown = document.querySelector(
          '[data-testid="measures-range"] tr[data-level="faz-projection"] td[data-column="area_mm2"]',
        )?.textContent;
        return Math.abs(Number(shown) / want - 1) < 1e-3;
      },
      faz.projection.areaMm2,
      { timeout: 10_000 },
    );
    await waitReady(page);

    // Copy as TSV and Export hand the host exactly the core's rows and record.
    await page.getByTestId('measures-copy').click();
    await page.getByTestId('measures-export').click();
    await page.waitForFunction(() =>
      (window as unknown as HarnessWindow).__harness.posted.some(
        (m) => m.type === 'exportMeasures',
      ),
    );
    const messages = await posted(page);
    const copy = messages.find((m) => m.type === 'copyText') as { text: string } | undefined;
    assert.equal(copy?.text, formatMeasures(measuresReport([expected]), 'tsv'));
    const exported = messages.find((m) => m.type === 'exportMeasures') as unknown as {
      measured: MeasuredVolume;
    };
    assert.equal(
      formatMeasures(measuresReport([exported.measured]), 'csv'),
      formatMeasures(measuresReport([expected]), 'csv'),
    );
    assert.equal(exported.measured.objects?.[1]?.prompts[0]?.points[0]?.x, 48);

    // The grid: its line 0.5 mm above the FAZ centroid shows in the grid's yellow.
    await page.getByTestId('measures-grid').click();
    await page.waitForFunction(
      () => (window as unknown as HarnessWindow).__samOcta2Test!.measures().grid,
    );
    const [cx, cy] = expected.measures.grid.centreMm;
    const y = Math.round((cy - 0.5) / PIXEL);
    const x = Math.round(cx / PIXEL);
    const pixels = [];
    for (let dy = -1; dy <= 1; dy++) {
      const p = await page.evaluate(
        ([a, b]) => (window as unknown as HarnessWindow).__samOcta2Test!.imageToViewport(a!, b!),
        [x + 0.5, y + dy + 0.5],
      );
      pixels.push(
        await page.evaluate(
          ([a, b]) => (window as unknown as HarnessWindow).__samOcta2Test!.renderedPixel(a!, b!),
          [p!.x, p!.y],
        ),
      );
    }
    assert.ok(
      pixels.some(([r, g, b]) => r > 200 && g > 170 && b < 140),
      `a grid-yellow pixel on the 1 mm circle: ${JSON.stringify(pixels)}`,
    );
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'measures-panel.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('two FAZ objects: a clear message, and the export says why it did not happen', async () => {
    const errors: string[] = [];
    const page = await openEditor(web.browser, web.harness, errors);
    const { volume, header, objects } = scene();
    await loadVolume(page, web.harness, 'scan', header, volume.bytes);
    const twoFaz = objects.map((o) => ({ ...o, kind: 'faz' as const }));
    await sendObjects(page, twoFaz);
    await page.getByTestId('measures').click();
    await waitReady(page, 'failed');
    const status = await page.getByTestId('measures-status').innerText();
    assert.match(status, /2 objects \(1, 2\) are marked FAZ/);
    assert.equal(await page.getByTestId('measures-export').getAttribute('disabled'), '');
    await send(page, { type: 'requestMeasuresExport' });
    await page.waitForFunction(() =>
      (window as unknown as HarnessWindow).__harness.posted.some((m) => m.type === 'showError'),
    );
    const messages = await posted(page);
    assert.ok(!messages.some((m) => m.type === 'exportMeasures'));
    assert.match(
      String(messages.find((m) => m.type === 'showError')?.message),
      /Measures not exported: .*marked FAZ/,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });
});
