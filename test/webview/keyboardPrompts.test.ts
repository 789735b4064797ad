/**
 * Point prompts from the keyboard (issue 16, item 7), without a model (a prompt is an edit of
 * its own; masks need a model and are tested in tracking.test.ts): P shows the cross at the
 * image centre, the arrows move it (Shift: 10 px) instead of stepping layers, Enter and
 * Shift+Enter place a positive and a negative point there, Delete removes the nearest, Esc hides
 * the cross and the arrows step layers again. A native SELECT keeps its arrow keys. Every
 * dropdown has an accessible name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type HarnessWindow,
  openPatternVolume,
  postedEdits,
  shownLayer,
  webviewFixture,
} from './harness';

const DIMS: [number, number, number] = [32, 24, 40];

interface EditPosted {
  label: string;
  before: unknown;
  after: { prompts: { layer: number; points: { x: number; y: number; positive: boolean }[] }[] };
}

/** The cross's image pixel, read from what it says, and whether it is drawn on that pixel. */
async function cursorAt(page: Page): Promise<[number, number]> {
  const cursor = page.getByTestId('prompt-cursor');
  const m = /at x (\d+), y (\d+)/.exec((await cursor.getAttribute('aria-label')) ?? '');
  assert.ok(m, 'the cursor says where it is');
  const [x, y] = [Number(m[1]), Number(m[2])];
  const expected = await page.evaluate(
    ([a, b]) => (window as unknown as HarnessWindow).__samOcta2Test!.imageToViewport(a!, b!),
    [x + 0.5, y + 0.5],
  );
  const box = (await cursor.boundingBox())!;
  const viewport = (await page.locator('.viewport').boundingBox())!;
  assert.ok(Math.abs(box.x + box.width / 2 - viewport.x - expected!.x) <= 1, 'drawn on x');
  assert.ok(Math.abs(box.y + box.height / 2 - viewport.y - expected!.y) <= 1, 'drawn on y');
  return [x, y];
}

describe('keyboard prompts', () => {
  const web = webviewFixture();

  it('places, moves and deletes point prompts from the keyboard', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'keyboard-prompts', DIMS);
    const layer = await shownLayer(page);
    const cursor = page.getByTestId('prompt-cursor');
    await page.locator('.viewport').focus();
    assert.equal(await cursor.isVisible(), false);
    await page.keyboard.press('p');
    assert.ok(await cursor.isVisible());
    assert.deepEqual(await cursorAt(page), [16, 12], 'starts at the image centre');

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    assert.deepEqual(await cursorAt(page), [18, 22]);
    assert.equal(await shownLayer(page), layer, 'the arrows move the cross, not the layer');
    await page.keyboard.press('Shift+ArrowDown');
    assert.deepEqual(await cursorAt(page), [18, 23], 'stays on the image');

    await page.keyboard.press('Enter');
    // The click makes Object 1, and records it with its first point: one undo takes both.
    let list = await postedEdits<EditPosted>(page, 1);
    assert.equal(list[0]!.label, `Add Object 1: Positive point on layer ${layer}`);
    assert.equal(list[0]!.before, null, 'undo removes the object');
    for (let n = 0; n < 4; n++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Shift+Enter');
    list = await postedEdits<EditPosted>(page, 2);
    assert.equal(list[1]!.label, `Negative point on layer ${layer}`);
    assert.deepEqual(list[1]!.after.prompts, [
      {
        layer,
        points: [
          { x: 18, y: 23, positive: true },
          { x: 14, y: 23, positive: false },
        ],
      },
    ]);

    // Nearest to (17, 23): the positive point.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Delete');
    list = await postedEdits<EditPosted>(page, 3);
    assert.equal(list[2]!.label, `Remove point on layer ${layer}`);
    assert.deepEqual(list[2]!.after.prompts, [
      { layer, points: [{ x: 14, y: 23, positive: false }] },
    ]);

    await page.keyboard.press('Escape');
    assert.equal(await cursor.isVisible(), false);
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(
      (k) => (window as unknown as HarnessWindow).__samOcta2Test!.state().layer === k,
      layer + 1,
    );

    // A dropdown (the sparse panel's device) keeps its arrows: they are not layer steps.
    await page.locator('.sparse-panel > summary').click();
    await page.getByTestId('sparse-device').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('p');
    assert.equal(await shownLayer(page), layer + 1);
    assert.equal(await cursor.isVisible(), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('names every dropdown and field for assistive technology', async () => {
    const { page } = await openPatternVolume(web, [], 'dropdown-names', DIMS);
    // A vscode-single-select's or vscode-textfield's focus lands on the combobox or input in its
    // shadow root: that one must be named (an aria-label on the host names nothing a screen
    // reader reaches).
    const unnamed = await page.evaluate(() =>
      Array.from(document.querySelectorAll('vscode-single-select, vscode-textfield, select'))
        .filter((s) => {
          const control = s.shadowRoot?.querySelector('[role="combobox"], input') ?? s;
          return !control.getAttribute('aria-label')?.trim() && !s.closest('label');
        })
        .map((s) => s.getAttribute('data-testid') ?? s.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);
    await page.close();
  });
});
