/**
 * One notion of "what I am editing" (issue 16, item 5), shown in one place: the tracking row's
 * picker lists the vessel region and the objects; the brush paints what it shows, clicks and
 * propagation act on it, and while the vessel region is picked the row says what that is in
 * words (not only in a tooltip). The brush row has no picker of its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chooseOption } from '../support/vscodeElements';
import { type HarnessWindow, openPatternVolume, sendEmptyRegions, webviewFixture } from './harness';

const DIMS: [number, number, number] = [32, 24, 40];

async function editing(page: Page): Promise<{ brush: unknown; tracking: number | null }> {
  return page.evaluate(() => {
    const t = (window as unknown as HarnessWindow).__samOcta2Test!;
    return { brush: t.brush().target, tracking: t.tracking().selected };
  });
}

async function until(page: Page, brush: unknown, tracking: number | null): Promise<void> {
  await page.waitForFunction(
    ([b, s]) => {
      const t = (window as unknown as HarnessWindow).__samOcta2Test!;
      return t.brush().target === b && t.tracking().selected === s;
    },
    [brush, tracking] as const,
  );
}

describe('what I am editing', () => {
  const web = webviewFixture();

  it('one picker: the brush, clicks and tracking follow it', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'editing-target', DIMS);
    await sendEmptyRegions(page, DIMS);
    assert.deepEqual(await editing(page), { brush: 'region', tracking: null });
    const pickers = await page.evaluate(() =>
      Array.from(document.querySelectorAll('vscode-single-select'))
        .filter((s) => s.textContent?.includes('Vessel region'))
        .map((s) => s.getAttribute('data-testid')),
    );
    assert.deepEqual(pickers, ['object-select'], 'one picker of what is edited');
    assert.equal(await page.getByTestId('brush-target').count(), 0);
    const picker = page.getByTestId('object-select');
    const hint = page.getByTestId('editing-hint');
    assert.ok(await hint.isVisible(), 'the vessel region is explained on the row');
    assert.match(await hint.innerText(), /where vessels lie on each layer/);

    // A new object is picked: the brush paints it, and the explanation goes.
    await page.getByTestId('object-add').click();
    await until(page, 1, 1);
    assert.equal(await hint.isVisible(), false);
    await page.getByTestId('object-add').click();
    await until(page, 2, 2);
    await chooseOption(picker, '● Object 1');
    await until(page, 1, 1);

    // The vessel region: no object is selected, so the object's controls rest.
    await chooseOption(picker, '▨ Vessel region');
    await until(page, 'region', null);
    assert.ok(await hint.isVisible());
    assert.equal(await page.getByTestId('object-name').getAttribute('disabled'), '');
    assert.equal(await page.getByTestId('object-delete').getAttribute('disabled'), '');

    await chooseOption(picker, '● Object 2');
    await until(page, 2, 2);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
