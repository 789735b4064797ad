/**
 * Drawn prompts (issue 20) without a model (each is an edit of its own; masks need a model and
 * are tested end to end in test/e2e/promptShapes.test.ts): the prompt cursor draws a scribble
 * while S is held and a box while B is held; the Scribble tool draws with a mouse drag, Alt+drag
 * moves the shape and Alt+click deletes it; Shift makes a scribble negative; the Lasso tool
 * draws an outline. Each is one edit whose after-state holds the shape.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { PromptShape } from '../../src/core/tracker/promptShapes';
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
  after: { prompts: { layer: number; points: unknown[]; shapes?: PromptShape[] }[] } | null;
}

/** Page coordinates of an image pixel's centre on the layer view. */
async function screenOf(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(
    ([a, b]) => (window as unknown as HarnessWindow).__samOcta2Test!.imageToViewport(a!, b!),
    [x + 0.5, y + 0.5],
  );
  const box = (await page.locator('.viewport').boundingBox())!;
  assert.ok(p);
  return { x: box.x + p.x, y: box.y + p.y };
}

async function drag(page: Page, path: [number, number][], alt = false): Promise<void> {
  const points = await Promise.all(path.map(([x, y]) => screenOf(page, x, y)));
  if (alt) await page.keyboard.down('Alt');
  await page.mouse.move(points[0]!.x, points[0]!.y);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(p.x, p.y, { steps: 3 });
  await page.mouse.up();
  if (alt) await page.keyboard.up('Alt');
}

describe('drawn prompts', () => {
  const web = webviewFixture();

  it('the prompt cursor draws a scribble (S held) and a box (B held)', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'cursor-shapes', DIMS);
    const layer = await shownLayer(page);
    await page.locator('.viewport').focus();
    await page.keyboard.press('p'); // the cross at (16, 12)
    await page.keyboard.down('s');
    for (let n = 0; n < 3; n++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.up('s');
    let list = await postedEdits<EditPosted>(page, 1);
    assert.equal(list[0]!.label, `Add Object 1: Scribble on layer ${layer}`);
    assert.deepEqual(list[0]!.after!.prompts, [
      {
        layer,
        points: [],
        shapes: [
          {
            kind: 'scribble',
            positive: true,
            path: [
              { x: 16, y: 12 },
              { x: 17, y: 12 },
              { x: 18, y: 12 },
              { x: 19, y: 12 },
              { x: 19, y: 13 },
            ],
          },
        ],
      },
    ]);
    await page.keyboard.down('b');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.up('b');
    list = await postedEdits<EditPosted>(page, 2);
    assert.equal(list[1]!.label, `Box on layer ${layer}`);
    assert.deepEqual(list[1]!.after!.prompts[0]!.shapes![1], {
      kind: 'box',
      from: { x: 19, y: 13 },
      to: { x: 18, y: 23 },
    });
    assert.equal(await shownLayer(page), layer, 'the arrows drew; the layer stayed');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the Scribble tool draws with a drag; Alt+drag moves it, Alt+click deletes it', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'mouse-shapes', DIMS);
    const layer = await shownLayer(page);
    await page.getByTestId('prompt-scribble').click();
    assert.equal(await page.getByTestId('prompt-scribble').getAttribute('aria-checked'), 'true');
    await drag(page, [
      [4, 4],
      [10, 6],
      [20, 8],
    ]);
    let list = await postedEdits<EditPosted>(page, 1);
    const drawn = list[0]!.after!.prompts[0]!.shapes![0]!;
    assert.equal(drawn.kind, 'scribble');
    if (drawn.kind !== 'scribble') return;
    assert.deepEqual(drawn.path[0], { x: 4, y: 4 });
    assert.deepEqual(drawn.path[drawn.path.length - 1], { x: 20, y: 8 });

    // Alt+drag from a point on the stroke moves it by the drag (3 right, 5 down).
    await drag(
      page,
      [
        [10, 6],
        [13, 11],
      ],
      true,
    );
    list = await postedEdits<EditPosted>(page, 2);
    assert.equal(list[1]!.label, `Move scribble on layer ${layer}`);
    const moved = list[1]!.after!.prompts[0]!.shapes![0]!;
    assert.ok(moved.kind === 'scribble');
    assert.deepEqual(moved.path[0], { x: 7, y: 9 });

    // Alt+click on it deletes it; the layer is left without prompts.
    await drag(page, [[7, 9]], true);
    list = await postedEdits<EditPosted>(page, 3);
    assert.equal(list[2]!.label, `Delete scribble on layer ${layer}`);
    assert.deepEqual(list[2]!.after!.prompts, []);

    // Shift makes a scribble negative; the Lasso tool closes a drawn outline.
    await page.keyboard.down('Shift');
    await drag(page, [
      [2, 20],
      [12, 20],
    ]);
    await page.keyboard.up('Shift');
    await page.getByTestId('prompt-lasso').click();
    await drag(page, [
      [20, 4],
      [28, 4],
      [28, 14],
      [20, 14],
    ]);
    list = await postedEdits<EditPosted>(page, 5);
    assert.equal(list[3]!.label, `Negative scribble on layer ${layer}`);
    const [negative, lasso] = list[4]!.after!.prompts[0]!.shapes!;
    assert.ok(negative!.kind === 'scribble' && !negative!.positive);
    assert.equal(lasso!.kind, 'lasso');
    assert.equal(list[4]!.label, `Lasso on layer ${layer}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
