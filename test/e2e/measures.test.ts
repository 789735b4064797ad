/**
 * End to end, issue 19: in code-server, track the synthetic FAZ over a range of layers, open the
 * Measures panel, read the FAZ area it shows, and "Export Measures…" through the command
 * palette and VS Code's save dialog; the CSV must hold the shown value with the units in its
 * header, and the JSON the model and the click that made the mask. The panel (sector grid on)
 * is saved as a screenshot; with UPDATE_README_SHOT=1 also as the README's media/measures-panel.png.
 *
 * Needs: npm run build && npm run package, and scripts/setup-code-server.sh.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { writeNifti } from '../../src/core/nifti/writeNifti';
import { generateSyntheticOcta } from '../../src/core/synth/generateSyntheticOcta';
import type { MeasuresSnapshot } from '../../src/webview/measures/measuresController';
import { contentFrame, type HookWindow, until, waitForTracking } from './editorFrame';
import { fazTarget, type Target } from './syntheticTargets';
import { type CodeServer, REPO_ROOT, assertPrerequisites } from './codeServer';
import { type Browser, quickOpen, runPaletteCommand, waitForNotification } from './workbench';
import { TRACKING_SETTINGS, closeEditorWorkbench, openEditorWorkbench } from './editorWorkbench';

const SHOTS = join(REPO_ROOT, 'test-results/e2e');
/** The README's picture of the panel. */
const README_SHOT = join(REPO_ROOT, 'media', 'measures-panel.png');
/** The tracking e2e's scene (layers 240-319 of a 96×96×640 synthetic volume): its FAZ. */
const GENERATED: [number, number, number] = [96, 96, 640];
const WINDOW: [number, number] = [240, 319];
const DIMS: [number, number, number] = [96, 96, WINDOW[1] - WINDOW[0] + 1];
const VOLUME = 'measure-7.nii.gz';
/** Layers each side of the clicked one to track: enough for a depth plot, quick on a CPU. */
const TRACK_HALF_RANGE = 8;

let work: string;
let workspace: string;
let faz: Target;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

function measures(frame: Frame): Promise<MeasuresSnapshot> {
  return frame.evaluate(() => (window as HookWindow).__samOcta2Test!.measures());
}

async function fill(frame: Frame, testid: string, value: string): Promise<void> {
  await frame.evaluate(
    ([id, v]) => {
      const field = document.querySelector<HTMLElement & { value: string }>(
        `[data-testid="${id}"]`,
      )!;
      field.value = v!;
      field.dispatchEvent(new Event('change'));
    },
    [testid, value],
  );
}

describe('measures in code-server', { timeout: 600_000 }, () => {
  before(async () => {
    assertPrerequisites();
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'sam-octa2-e2e-measures-'));
    workspace = join(work, 'octa');
    mkdirSync(workspace);
    const synth = generateSyntheticOcta({ seed: 7, size: GENERATED, layers: WINDOW });
    writeFileSync(join(workspace, VOLUME), writeNifti(synth.volume, { gzip: true }));
    faz = fazTarget(synth.faz3d.data as Uint8Array, DIMS);
    ({ server, browser, page } = await openEditorWorkbench({
      workspace,
      logFile: join(SHOTS, 'code-server-measures.log'),
      userSettings: TRACKING_SETTINGS,
      testHook: true,
    }));
  });

  after(async () => {
    await closeEditorWorkbench({ browser, server }, work);
  });

  test('track the FAZ, read its area in the Measures panel, export CSV and JSON', async () => {
    await quickOpen(page, VOLUME);
    const frame = await contentFrame(page);
    await frame.locator('.app[data-loaded="true"]').waitFor({ timeout: 60_000 });
    await waitForTracking(page, frame, 'the nano model', (s) => s.model !== null);

    // A FAZ object, clicked on its largest layer and propagated over a few layers each side.
    await frame.getByTestId('object-add').click();
    await fill(frame, 'object-kind', 'faz');
    await frame.locator('.layer-slider').fill(String(faz.layer));
    await frame.locator(`.app[data-layer="${faz.layer}"]`).waitFor({ timeout: 10_000 });
    const p = await frame.evaluate(
      ([a, b]) => (window as HookWindow).__samOcta2Test!.imageToViewport(a!, b!),
      [faz.x + 0.5, faz.y + 0.5],
    );
    const box = await frame.locator('.viewport').boundingBox();
    assert.ok(p && box);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await waitForTracking(page, frame, 'the click mask', (s) => s.lastClickMs !== null);
    await fill(frame, 'track-from', String(faz.layer - TRACK_HALF_RANGE));
    await fill(frame, 'track-to', String(faz.layer + TRACK_HALF_RANGE));
    await frame.getByTestId('propagate').click();
    const tracked = await waitForTracking(
      page,
      frame,
      'the propagation',
      (s) => !s.busy && s.lastTrack !== null,
      300_000,
    );
    assert.deepEqual(tracked.errors, []);
    const layers = Object.values(tracked.objects[0]?.layers ?? {}).filter((a) => a > 0);
    assert.ok(layers.length >= 3, `masks on ${layers.length} layers`);

    // The panel measures when opened; the FAZ area on the projection is a value in mm².
    await frame.getByTestId('measures').click();
    await until(
      page,
      'the measures',
      () => measures(frame),
      (m) => m.state === 'ready',
      60_000,
    );
    const shown = await frame
      .locator(
        '[data-testid="measures-range"] tr[data-level="faz-projection"] td[data-column="area_mm2"]',
      )
      .innerText();
    const area = Number(shown);
    // The synthetic FAZ is a few tenths of a mm² (docs/synthetic-octa.md); a tracked mask may be
    // off, but not by an order of magnitude.
    assert.ok(area > 0.02 && area < 2, `FAZ area ${shown} mm²`);
    console.log(`Measures panel: FAZ area on the projection ${shown} mm²`);
    await frame.getByTestId('measures-grid').click();
    await until(
      page,
      'the grid',
      () => measures(frame),
      (m) => m.grid,
    );
    // The sparse-annotation panel folded away, for a picture of the measures and the image.
    await frame.locator('[data-testid="sparse-panel"] > summary').click();
    await page.screenshot({ path: join(SHOTS, 'measures-panel.png') });
    if (process.env.UPDATE_README_SHOT === '1') {
      // The README's picture: the editor only. Retaken on request, so a test run leaves the
      // checkout as it was.
      const editor = await page.locator('.editor-instance').first().boundingBox();
      await page.screenshot({ path: README_SHOT, ...(editor ? { clip: editor } : {}) });
    }

    // Export through the palette and VS Code's own save dialog (the simple dialog in the web:
    // a path field holding the default name beside the volume).
    await runPaletteCommand(page, 'SAM-OCTA2: Export Measures…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await until(
      page,
      'the default export name',
      () => input.inputValue(),
      (v) => v.endsWith('measure-7.measures.csv'),
      10_000,
    );
    await page.keyboard.press('Enter');
    await waitForNotification(page, /wrote measure-7\.measures\.csv and measure-7\.measures\.json/);
    const csvPath = join(workspace, 'measure-7.measures.csv');
    const jsonPath = join(workspace, 'measure-7.measures.json');
    assert.ok(existsSync(csvPath) && existsSync(jsonPath));
    const [header, ...lines] = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
    const columns = header!.split(',');
    for (const unit of ['area_mm2', 'perimeter_mm', 'depth_extent_um', 'vad_pct'])
      assert.ok(columns.includes(unit), `${unit} in the CSV header`);
    const row = lines
      .map((l) => l.split(','))
      .find((c) => c[columns.indexOf('level')] === 'faz-projection');
    assert.ok(row, 'a faz-projection row');
    assert.equal(row[columns.indexOf('volume')], VOLUME);
    const exported = Number(row[columns.indexOf('area_mm2')]);
    assert.ok(Math.abs(exported / area - 1) < 1e-3, `CSV ${exported} vs panel ${area}`);
    const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
    assert.equal(json.format, 'samocta2-measures');
    assert.equal(json.volumes[0].model, 'samocta2-nano');
    assert.equal(json.volumes[0].segmentation, 'measure-7.seg.nii.gz');
    const clicked = json.volumes[0].objects[0].prompts[0];
    assert.deepEqual(
      [clicked.layer, clicked.points[0].x, clicked.points[0].y],
      [faz.layer, faz.x, faz.y],
    );
  });
});
