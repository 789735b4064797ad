/**
 * End to end, issue 6: in code-server, the sparse-annotation loop on a synthetic volume. Paint
 * the vessel region on three layers with real pointer drags (and mark a vessel-free layer as an
 * annotated negative), save, train the region model a few steps on the CPU as a VS Code task,
 * predict, take the most doubtful layer into the annotation and correct it with the brush, then
 * finish with the synthetic en-face vessel mask (a 0/255 PNG) and compare the written
 * `<name>.vessels.nii.gz` with the generator's 3D vessel instances. Finally the finished folder
 * trains with `python -m samocta2 train` as it is.
 *
 * Ground truth for a layer's region: the generator's vessel voxels on that layer, dilated by
 * 3 px (the same definition as trainer/tests/sparse_helpers.py), painted with a radius-3 brush
 * along every fourth row, as a person would paint it: roughly, a little wider.
 *
 * Needs: npm run build && npm run package, scripts/setup-code-server.sh, and the trainer's venv
 * (.venv with torch and monai).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { encodePng } from '../../src/core/image/png';
import { readNifti } from '../../src/core/nifti/readNifti';
import { writeNifti } from '../../src/core/nifti/writeNifti';
import { nonBlankLayers, screenBlankLayers } from '../../src/core/sparse/screenBlankLayers';
import { generateSyntheticOcta } from '../../src/core/synth/generateSyntheticOcta';
import type { Volume } from '../../src/core/volume/volume';
import type { BrushSnapshot } from '../../src/webview/brush/brushSnapshot';
import { chooseOption, typeInto } from '../support/vscodeElements';
import { contentFrame, dice, type HookWindow, until } from './editorFrame';
import { type CodeServer, REPO_ROOT, assertPrerequisites } from './codeServer';
import { type Browser, quickOpen } from './workbench';
import { TRACKING_SETTINGS, closeEditorWorkbench, openEditorWorkbench } from './editorWorkbench';

const PYTHON = join(REPO_ROOT, '.venv/bin/python');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');
const DIMS: [number, number, number] = [96, 96, 48];
const VOLUME = 'sparse-7.nii.gz';
const VESSELS = 'sparse-7.vessels.nii.gz';
const ENFACE = 'sparse-7-enface-rv.png';
/** Region painted on these layers (the vessels of this volume lie on layers 8–17). */
const PAINTED = [10, 12, 15];
/**
 * Layers with signal but no vessels (projection tails under the vessels): annotated as "no
 * vessels visible here", the negatives a person meets among the sampled layers.
 */
const NEGATIVES = [21, 25];
/** The editor preset's model learns slowly from scratch: 100 CPU steps take 2–4 min here. */
const TRAIN_STEPS = 100;
const BRUSH = 3;

const plane = DIMS[0] * DIMS[1];
let truth: Uint8Array;
let synthVolume: Volume;
let enface: Uint8Array;
let work: string;
let workspace: string;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

/** Layer k of the ground truth region: vessels of the layer dilated by 3 px (square). */
function regionTruth(k: number): Uint8Array {
  const [w, h] = DIMS;
  const out = new Uint8Array(plane);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (truth[k * plane + y * w + x] === 0) continue;
      for (let dy = -3; dy <= 3; dy++) {
        for (let dx = -3; dx <= 3; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx >= 0 && yy >= 0 && xx < w && yy < h) out[yy * w + xx] = 1;
        }
      }
    }
  }
  return out;
}

async function brush(frame: Frame): Promise<BrushSnapshot> {
  return frame.evaluate(() => (window as HookWindow).__samOcta2Test!.brush());
}

async function status(frame: Frame): Promise<{ task: string; phase: string; text: string }> {
  const s = frame.getByTestId('sparse-status');
  return {
    task: (await s.getAttribute('data-task')) ?? '',
    phase: (await s.getAttribute('data-phase')) ?? '',
    text: await s.innerText(),
  };
}

async function waitForTask(frame: Frame, task: string, timeout: number): Promise<string> {
  const s = await until(
    page,
    `the ${task} task`,
    () => status(frame),
    (v) => v.task === task && v.phase !== 'running',
    timeout,
  );
  assert.equal(s.phase, 'done', s.text);
  return s.text;
}

async function goToLayer(frame: Frame, layer: number): Promise<void> {
  await frame.locator('.layer-slider').fill(String(layer));
  await frame.locator(`.app[data-layer="${layer}"]`).waitFor({ timeout: 10_000 });
}

/**
 * Paints `region` on the shown layer with drags of the brush along every fourth row: each run
 * of region pixels on such a row is one stroke from its first to its last pixel.
 */
async function paintRegion(frame: Frame, region: Uint8Array): Promise<number> {
  const box = await frame.locator('.viewport').boundingBox();
  assert.ok(box);
  const toScreen = async (x: number, y: number) => {
    const p = await frame.evaluate(
      ([px, py]) => (window as HookWindow).__samOcta2Test!.imageToViewport(px!, py!),
      [x + 0.5, y + 0.5],
    );
    assert.ok(p, 'the layer view maps image points to the screen');
    return { x: box.x + p.x, y: box.y + p.y };
  };
  let strokes = 0;
  const [w, h] = DIMS;
  for (let y = 1; y < h; y += 4) {
    // Rows y-1..y+2 are covered by this stroke's disc (radius 3); take a run where any is in.
    const row = (x: number) =>
      [y - 1, y, y + 1, y + 2].some((r) => r < h && region[r * w + x] === 1);
    for (let x = 0; x < w; x++) {
      if (!row(x)) continue;
      let end = x;
      while (end + 1 < w && row(end + 1)) end++;
      const a = await toScreen(x, y);
      const b = await toScreen(end, y);
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(b.x, b.y, { steps: Math.max(2, Math.ceil((end - x) / 3)) });
      await page.mouse.up();
      strokes++;
      x = end;
    }
  }
  return strokes;
}

describe('sparse annotation in code-server', { timeout: 1_200_000 }, () => {
  before(async () => {
    assertPrerequisites([[PYTHON, 'python3.11 -m venv .venv (see trainer/README.md)']]);
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'sam-octa2-e2e-sparse-'));
    workspace = join(work, 'octa');
    mkdirSync(workspace);
    const synth = generateSyntheticOcta({ seed: 7, size: DIMS, slab: [0.2, 0.8] });
    truth = Uint8Array.from(synth.vesselInstances.data, (v) => (v > 0 ? 1 : 0));
    synthVolume = synth.volume;
    enface = Uint8Array.from(synth.enfaceRv.data, (v) => (v > 0 ? 255 : 0));
    writeFileSync(join(workspace, VOLUME), writeNifti(synth.volume, { gzip: true }));
    // 0/255, as en-face masks usually come: the finish step must binarize before labelling.
    writeFileSync(
      join(workspace, ENFACE),
      encodePng({ width: DIMS[0], height: DIMS[1], channels: 1, data: enface }),
    );
    // Machine-overridable settings: code-server (a remote) ignores them in the user's settings.
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'samOcta2.pythonPath': PYTHON }),
    );
    // Two shared cores: one torch thread per trainer process waits less than two.
    process.env.OMP_NUM_THREADS = '1';
    ({ server, browser, page } = await openEditorWorkbench({
      workspace,
      logFile: join(SHOTS, 'code-server-sparse.log'),
      userSettings: TRACKING_SETTINGS,
      testHook: true,
    }));
  });

  after(async () => {
    if (page)
      await page.screenshot({ path: join(SHOTS, 'sparse-last.png') }).catch(() => undefined);
    await closeEditorWorkbench({ browser, server }, work);
  });

  test('paint, train, predict, review, correct, finish; the labels match the synthetic vessels', async () => {
    await quickOpen(page, VOLUME);
    const frame = await contentFrame(page);
    await frame.locator('.app[data-loaded="true"]').waitFor({ timeout: 60_000 });
    await until(
      page,
      'the regions',
      () => brush(frame),
      (b) => b.regionsLoaded,
    );

    // The panel is closed until asked for (issue 16, item 4).
    await frame.locator('.sparse-panel > summary').click();
    // Screen: the panel lists the non-blank layers (the same measure as core's screening).
    const expectedNonBlank = nonBlankLayers(screenBlankLayers(synthVolume, 2));
    const nonBlankText = await until(
      page,
      'the screening',
      () => frame.getByTestId('sparse-nonblank').innerText(),
      (t) => /non-blank/.test(t),
    );
    assert.match(nonBlankText, new RegExp(`^${expectedNonBlank.length} of 48 layers non-blank`));
    for (const layer of [...PAINTED, ...NEGATIVES]) {
      assert.ok(expectedNonBlank.includes(layer), `layer ${layer} is non-blank`);
    }

    // Sample: 3 layers, seed 5; the viewer steps to the first and on.
    await typeInto(frame.getByTestId('sparse-count'), '3');
    await typeInto(frame.getByTestId('sparse-seed'), '5');
    await frame.getByTestId('sparse-sample').click();
    await until(
      page,
      'the sample',
      () => frame.getByTestId('sparse-sampled').innerText(),
      (t) => t.startsWith('1/3'),
    );
    await frame.getByTestId('sparse-next').click();
    await until(
      page,
      'the next sampled layer',
      () => frame.getByTestId('sparse-sampled').innerText(),
      (t) => t.startsWith('2/3'),
    );

    // Paint the region on three layers with the brush (target: vessel region).
    await frame.getByTestId('tool-paint').click();
    await frame.getByTestId('brush-radius').fill(String(BRUSH));
    for (const layer of PAINTED) {
      await goToLayer(frame, layer);
      const strokes = await paintRegion(frame, regionTruth(layer));
      const b = await until(
        page,
        `the strokes on layer ${layer}`,
        () => brush(frame),
        (s) => s.annotatedLayers.includes(layer) && (s.regionLayers[layer] ?? 0) > 0,
      );
      const painted = await frame.evaluate(
        (l) => (window as HookWindow).__samOcta2Test!.regionMask(l),
        layer,
      );
      console.log(
        `layer ${layer}: ${strokes} strokes, ${b.regionLayers[layer]} region px, Dice with the ` +
          `true region ${dice(painted ?? [], regionTruth(layer)).toFixed(3)}`,
      );
    }
    for (const layer of NEGATIVES) {
      await goToLayer(frame, layer);
      await frame.getByTestId('sparse-mark').click();
      await until(
        page,
        `negative layer ${layer}`,
        () => brush(frame),
        (s) => s.annotatedLayers.includes(layer),
      );
    }
    await page.screenshot({ path: join(SHOTS, 'sparse-painted.png') });

    // Save: the trainer reads the saved annotation.
    await page.keyboard.press('Control+s');
    await page
      .locator(`.tabs-container .tab.active:not(.dirty)[data-resource-name="${VOLUME}"]`)
      .waitFor({ timeout: 30_000 });
    const sidecar = JSON.parse(readFileSync(join(workspace, 'sparse-7.regions.json'), 'utf8'));
    assert.deepEqual(sidecar.layers, [...PAINTED, ...NEGATIVES]);

    // Train on the CPU, then predict every non-blank layer.
    await typeInto(frame.getByTestId('sparse-steps'), String(TRAIN_STEPS));
    await chooseOption(frame.getByTestId('sparse-device'), 'CPU');
    await frame.getByTestId('sparse-train').click();
    console.log(await waitForTask(frame, 'train', 900_000));
    assert.ok(existsSync(join(workspace, 'region-runs/run-001/checkpoint.pt')));
    await frame.getByTestId('sparse-predict').click();
    console.log(await waitForTask(frame, 'predict', 600_000));
    const predicted = Number(
      await until(
        page,
        'the prediction in the panel',
        () => frame.getByTestId('sparse-panel').getAttribute('data-predicted'),
        (v) => Number(v) > 0,
      ),
    );
    assert.equal(predicted, expectedNonBlank.length);

    // Review: the most doubtful layer; accept its prediction, then correct it with the brush.
    await frame.getByTestId('sparse-review-next').click();
    const reviewed = await until(
      page,
      'the review step',
      () => frame.evaluate(() => (window as HookWindow).__samOcta2Test!.state().layer),
      (l) => !PAINTED.includes(l) && !NEGATIVES.includes(l),
    );
    console.log(`most doubtful: ${await frame.getByTestId('sparse-review').innerText()}`);
    await frame.getByTestId('sparse-accept').click();
    await until(
      page,
      'the accepted layer',
      () => brush(frame),
      (s) => s.annotatedLayers.includes(reviewed),
    );
    await frame.getByTestId('brush-clear-layer').click();
    await until(
      page,
      'the cleared layer',
      () => brush(frame),
      (s) => (s.regionLayers[reviewed] ?? 0) === 0,
    );
    const correction = regionTruth(reviewed);
    if (correction.some((v) => v === 1)) await paintRegion(frame, correction);
    await until(
      page,
      'the corrected layer',
      () => brush(frame),
      (s) =>
        s.annotatedLayers.includes(reviewed) &&
        (s.regionLayers[reviewed] ?? 0) > 0 === correction.some((v) => v === 1),
    );
    await page.screenshot({ path: join(SHOTS, 'sparse-reviewed.png') });

    // Finish with the en-face vessel mask.
    await typeInto(frame.getByTestId('sparse-enface'), ENFACE);
    await frame.getByTestId('sparse-finish').click();
    console.log(await waitForTask(frame, 'finish', 60_000));
    const written = readNifti(readFileSync(join(workspace, VESSELS))).volume;
    assert.equal(written.type, 'uint16');
    assert.deepEqual(written.dims, DIMS);

    // Compare with the generator's vessels, and with what trivial regions would give.
    const score = dice(written.data, truth);
    const enfaceOn = (layers: readonly number[]) => {
      const out = new Uint8Array(truth.length);
      for (const k of layers)
        for (let p = 0; p < plane; p++) out[k * plane + p] = enface[p] ? 1 : 0;
      return out;
    };
    const allRegion = dice(enfaceOn(expectedNonBlank), truth);
    const annotatedOnly = new Uint8Array(truth.length);
    for (const k of [...PAINTED, reviewed]) {
      const region = regionTruth(k);
      for (let p = 0; p < plane; p++) annotatedOnly[k * plane + p] = enface[p] && region[p] ? 1 : 0;
    }
    const annotatedDice = dice(annotatedOnly, truth);
    const ceiling = new Uint8Array(truth.length);
    for (let k = 0; k < DIMS[2]; k++) {
      const region = regionTruth(k);
      for (let p = 0; p < plane; p++) ceiling[k * plane + p] = enface[p] && region[p] ? 1 : 0;
    }
    const ceilingDice = dice(ceiling, truth);
    console.log(
      `vessels.nii.gz vs synthetic vessels: Dice ${score.toFixed(3)}; baselines: empty 0, ` +
        `en-face RV on every non-blank layer ${allRegion.toFixed(3)}, true regions on the ` +
        `annotated layers only ${annotatedDice.toFixed(3)}; true regions on every layer ` +
        `(the best this construction can do) ${ceilingDice.toFixed(3)}`,
    );

    // The finished folder trains in "Fine-tune SAM-OCTA2" without conversion.
    const train = spawnSync(
      PYTHON,
      [
        '-m',
        'samocta2',
        'train',
        '--size',
        'nano',
        '--data',
        workspace,
        '--target',
        'rv',
        '--steps',
        '2',
        '--device',
        'cpu',
        '--out',
        join(work, 'finetune-run'),
      ],
      { encoding: 'utf8', timeout: 600_000 },
    );
    assert.equal(train.status, 0, `${train.stdout}\n${train.stderr}`);
    assert.match(train.stdout, /"event": "done"/);

    // Without a region model the best guess is the en-face RV on every non-blank layer
    // (allRegion). The loop must remove a good part of those wrong-layer voxels: at least a
    // third more overlap than that baseline (with 100 steps from scratch it does not yet tell
    // vessels from their projection tails, so it stays far below the true-region ceiling).
    assert.ok(
      score > 1.33 * allRegion,
      `Dice ${score.toFixed(3)} is not well above the all-region baseline ${allRegion.toFixed(3)}`,
    );
  });
});
