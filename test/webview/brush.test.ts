/**
 * The brush tools in the built webview, in headless Chromium (issue 6): real pointer strokes in
 * the Paint, Erase and Fill tools and Clear layer on the vessel region, radius by keys, one
 * `regionEdit` per stroke, only the shown layer changed, no point prompts while painting, the
 * hatched overlay drawn, undo/redo (Ctrl+Z / Ctrl+Shift+Z through the stub's edit stack) back
 * to every earlier state, a stroke on a tracked object as one 'brush' TrackingEdit, and a
 * stroke on the projection view as the en-face RV (`enfaceRvEdit`), undone the same way.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type HarnessWindow,
  loadVolume,
  openEditor,
  openPatternVolume,
  posted,
  ROOT,
  webviewFixture,
} from './harness';
import { patternVolume } from './testVolumes';

const SHOTS = join(ROOT, 'test-results', 'webview');
const DIMS: [number, number, number] = [32, 24, 40];
const [W, H] = DIMS;

const testHook = (page: Page) => ({
  brush: () => page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.brush()),
  region: (layer: number) =>
    page.evaluate(
      (l) => (window as unknown as HarnessWindow).__samOcta2Test!.regionMask(l),
      layer,
    ) as Promise<number[]>,
  tracking: () =>
    page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.tracking()),
  objectMask: (id: number, layer: number) =>
    page.evaluate(
      ([o, l]) => (window as unknown as HarnessWindow).__samOcta2Test!.mask(o!, l!),
      [id, layer],
    ),
});

/** Page coordinates of the centre of layer pixel (x, y). */
async function at(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(
    ([px, py]) =>
      (window as unknown as HarnessWindow).__samOcta2Test!.imageToViewport(px! + 0.5, py! + 0.5),
    [x, y],
  );
  const box = (await page.locator('.viewport').boundingBox())!;
  return { x: box.x + p!.x, y: box.y + p!.y };
}

/** A left-button drag through the pixels, with pointer moves in between. */
async function drag(page: Page, points: readonly [number, number][]): Promise<void> {
  const first = await at(page, ...points[0]!);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const q = await at(page, ...p);
    await page.mouse.move(q.x, q.y, { steps: 3 });
  }
  await page.mouse.up();
}

/** 1 where the pixel centre lies within r of the segment a–b (the core brush's rule). */
function capsule(a: [number, number], b: [number, number], r: number): number[] {
  const out: number[] = [];
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len2 = dx * dx + dy * dy;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t =
        len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
      const ex = x - (a[0] + t * dx);
      const ey = y - (a[1] + t * dy);
      out.push(ex * ex + ey * ey <= r * r ? 1 : 0);
    }
  }
  return out;
}

const ones = (mask: number[]): number => mask.reduce((a, b) => a + b, 0);

describe('brush tools', () => {
  const web = webviewFixture();

  it('paints, erases, fills and clears the region on the shown layer, each undoable', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'brush-region', DIMS);
    // The host's (empty) annotation, as VolumeEditorSession sends it after the segmentation.
    await page.evaluate(
      (count) =>
        (window as unknown as HarnessWindow).__harness.send({
          type: 'regions',
          axis: 2,
          layers: [],
          mask: Uint32Array.of(count).buffer,
        }),
      DIMS[0] * DIMS[1] * DIMS[2],
    );
    const h = testHook(page);
    await page.waitForFunction(
      () => (window as unknown as HarnessWindow).__samOcta2Test!.brush().regionsLoaded,
    );
    const layer = DIMS[2] >> 1; // the editor opens on the middle layer
    assert.equal(
      await page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.state().layer),
      layer,
    );

    await page.getByTestId('tool-paint').click();
    await page.locator('.viewport').focus();
    assert.equal((await h.brush()).radius, 6);
    await page.keyboard.press(']');
    assert.equal((await h.brush()).radius, 7);
    for (let n = 0; n < 5; n++) await page.keyboard.press('[');
    assert.equal((await h.brush()).radius, 2);
    assert.equal(await page.getByTestId('brush-radius-text').innerText(), '2 px');

    const grey = await renderedAt(page, 5, 3);
    await drag(page, [
      [5, 5],
      [10, 5],
      [15, 5],
    ]);
    const painted = await h.region(layer);
    assert.deepEqual(painted, capsule([5, 5], [15, 5], 2), 'the stroke, radius 2');
    let snap = await h.brush();
    assert.deepEqual(snap.regionLayers, { [layer]: ones(painted) }, 'the shown layer only');
    assert.deepEqual(snap.annotatedLayers, [layer]);
    assert.equal(snap.edits, 1);
    const regionEdits = (await posted(page)).filter((m) => m.type === 'regionEdit');
    assert.equal(regionEdits.length, 1, 'one edit per stroke');
    assert.equal(regionEdits[0]!.label, `Paint region on layer ${layer}`);
    assert.equal((await h.tracking()).objects.length, 0, 'no point prompt while painting');
    // A right click in the paint tool is no negative prompt either.
    const r = await at(page, 25, 20);
    await page.mouse.click(r.x, r.y, { button: 'right' });
    assert.equal((await posted(page)).filter((m) => m.type === 'edit').length, 0);
    // The region is drawn: its rim is cyan, where the layer alone is grey.
    const tinted = await renderedAt(page, 5, 3);
    assert.ok(Math.abs(grey[0] - grey[2]) < 8, `grey before (${grey})`);
    assert.ok(tinted[2] - tinted[0] > 100, `cyan rim after (${tinted})`);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'brush-region.png') });

    await page.getByTestId('tool-erase').click();
    await page.locator('.viewport').focus();
    await page.keyboard.press('[');
    await drag(page, [
      [10, 5],
      [10, 5],
    ]);
    const erased = await h.region(layer);
    const hole = capsule([10, 5], [10, 5], 1);
    assert.deepEqual(
      erased,
      painted.map((v, n) => (hole[n] ? 0 : v)),
      'erased a radius-1 disk',
    );

    await page.getByTestId('tool-fill').click();
    const inHole = await at(page, 10, 5);
    await page.mouse.click(inHole.x, inHole.y);
    const filled = await h.region(layer);
    assert.deepEqual(filled, painted, 'the fill closes the enclosed hole exactly');

    await page.getByTestId('brush-clear-layer').click();
    assert.equal(ones(await h.region(layer)), 0);
    snap = await h.brush();
    assert.equal(snap.edits, 4);
    assert.deepEqual(snap.annotatedLayers, [layer], 'a cleared layer stays annotated');
    assert.equal((await posted(page)).filter((m) => m.type === 'regionEdit').length, 4);

    // Undo steps back through every state; redo forward again.
    await page.locator('.viewport').focus();
    const states = [painted, erased, filled, new Array(W * H).fill(0)];
    for (let n = states.length - 2; n >= 0; n--) {
      await page.keyboard.press('Control+z');
      await waitRegion(page, layer, states[n]!);
    }
    await page.keyboard.press('Control+z');
    await waitRegion(page, layer, new Array(W * H).fill(0));
    assert.deepEqual((await h.brush()).annotatedLayers, []);
    for (const state of states) {
      await page.keyboard.press('Control+Shift+z');
      await waitRegion(page, layer, state);
    }
    assert.deepEqual((await h.brush()).annotatedLayers, [layer]);
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('keeps the brush tool and radius when the tab is hidden and shown again', async () => {
    const errors: string[] = [];
    const page = await openEditor(web.browser, web.harness, errors);
    const h = testHook(page);
    const vol = patternVolume(DIMS);
    await loadVolume(page, web.harness, 'brush-restore', vol.header, vol.bytes);
    await page.getByTestId('tool-erase').click();
    await page.locator('.viewport').focus();
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    assert.deepEqual([(await h.brush()).tool, (await h.brush()).radius], ['erase', 8]);
    await page.waitForTimeout(400); // the view state is saved 200 ms after the last change

    // Re-showing a webview restarts the page; it reads back what it saved with setState.
    await page.reload();
    await page.waitForFunction(() =>
      (window as unknown as HarnessWindow).__harness.posted.some((m) => m.type === 'ready'),
    );
    await loadVolume(page, web.harness, 'brush-restore', vol.header, vol.bytes);
    const restored = await h.brush();
    assert.deepEqual([restored.tool, restored.radius], ['erase', 8]);
    assert.equal(await page.getByTestId('brush-radius-text').innerText(), '8 px');
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('paints a tracked object as one brush edit that undoes', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'brush-object', DIMS);
    const h = testHook(page);
    // In the Prompt tool (the default) a click is a point prompt: it makes object 1.
    const click = await at(page, 20, 15);
    await page.mouse.click(click.x, click.y);
    await page.waitForFunction(
      () => (window as unknown as HarnessWindow).__samOcta2Test!.tracking().objects.length === 1,
    );
    assert.equal((await h.tracking()).objects[0]!.prompts, 1);
    // The new object is picked (the tracking row's one picker): the brush paints it.
    await page.getByTestId('tool-paint').click();
    assert.equal((await h.brush()).target, 1);
    await drag(page, [
      [3, 3],
      [8, 3],
    ]);
    assert.deepEqual(await h.objectMask(1, 20), capsule([3, 3], [8, 3], 6));
    const edits = (await posted(page)).filter((m) => m.type === 'edit');
    assert.deepEqual(
      edits.map((m) => (m.edit as { kind: string }).kind),
      ['prompt', 'brush'],
      'the click that made Object 1 records it',
    );
    assert.equal((edits[1]!.edit as { label: string }).label, 'Paint Object 1 on layer 20');
    assert.equal((await h.brush()).regionLayers[20], undefined, 'the region is untouched');

    await page.locator('.viewport').focus();
    await page.keyboard.press('Control+z');
    await page.waitForFunction(
      () => (window as unknown as HarnessWindow).__samOcta2Test!.mask(1, 20) === null,
    );
    await page.keyboard.press('Control+Shift+z');
    await page.waitForFunction(
      () => (window as unknown as HarnessWindow).__samOcta2Test!.mask(1, 20) !== null,
    );
    assert.deepEqual(await h.objectMask(1, 20), capsule([3, 3], [8, 3], 6));
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });

  it('paints the en-face RV on the projection view, as one undoable stroke', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'brush-enface', DIMS);
    // The host's (empty) annotations, as VolumeEditorSession sends them after the segmentation.
    await page.evaluate(
      ([count, plane]) => {
        const h = (window as unknown as HarnessWindow).__harness;
        h.send({ type: 'regions', axis: 2, layers: [], mask: Uint32Array.of(count!).buffer });
        h.send({ type: 'enfaceRv', mask: Uint32Array.of(plane!).buffer });
      },
      [DIMS[0] * DIMS[1] * DIMS[2], W * H],
    );
    const h = testHook(page);
    await page.click('vscode-toolbar-button[data-view="projection"]');
    await page.getByTestId('tool-paint').click();
    await page.locator('.viewport').focus();
    for (let n = 0; n < 3; n++) await page.keyboard.press('['); // radius 6 → 3
    assert.equal((await h.brush()).radius, 3);
    const grey = await renderedAt(page, 15, 9); // on the disk's rim, drawn nearly opaque
    await drag(page, [
      [12, 9],
      [12, 9],
    ]);
    const disk = capsule([12, 9], [12, 9], 3);
    const expected = [...disk.keys()].filter((p) => disk[p] === 1);
    let snap = await h.brush();
    assert.deepEqual(snap.enfaceRv, expected, 'exactly the brushed disk');
    assert.deepEqual(snap.regionLayers, {}, 'no layer region changed');
    const strokes = (await posted(page)).filter((m) => m.type === 'enfaceRvEdit');
    assert.equal(strokes.length, 1, 'one edit per stroke');
    assert.equal(strokes[0]!.label, 'Paint en-face RV');
    assert.equal((await posted(page)).filter((m) => m.type === 'regionEdit').length, 0);
    // The en-face RV is drawn on the projection: its rim is magenta, where the projection is grey.
    const drawn = await renderedAt(page, 15, 9);
    assert.ok(Math.abs(grey[0]! - grey[1]!) < 8, `grey before (${grey})`);
    assert.ok(drawn[0]! - drawn[1]! > 100, `magenta rim after (${drawn})`);

    await page.locator('.viewport').focus();
    await page.keyboard.press('Control+z');
    await page.waitForFunction(
      () => (window as unknown as HarnessWindow).__samOcta2Test!.brush().enfaceRv.length === 0,
    );
    await page.keyboard.press('Control+Shift+z');
    await page.waitForFunction(
      (n) => (window as unknown as HarnessWindow).__samOcta2Test!.brush().enfaceRv.length === n,
      expected.length,
    );
    snap = await h.brush();
    assert.deepEqual(snap.enfaceRv, expected, 'redo brings it back');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'brush-enface-rv.png') });
    assert.deepEqual(errors, [], 'no console errors');
    await page.close();
  });
});

async function waitRegion(page: Page, layer: number, expected: number[]): Promise<void> {
  await page.waitForFunction(
    ([l, want]) => {
      const got = (window as unknown as HarnessWindow).__samOcta2Test!.regionMask(l as number);
      return got !== null && got.join('') === (want as number[]).join('');
    },
    [layer, expected] as const,
  );
}

async function renderedAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const hook = (window as unknown as HarnessWindow).__samOcta2Test!;
      const p = hook.imageToViewport(px! + 0.5, py! + 0.5)!;
      return hook.renderedPixel(p.x, p.y);
    },
    [x, y],
  );
}
