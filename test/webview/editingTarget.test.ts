/**
 * One notion of "what I am editing" (issue 16, item 5): the object selected in the tracking row
 * is the brush's target, and picking an object as the brush's target selects it for tracking;
 * the vessel region stays a choice of its own, named in words in the dropdown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type HarnessWindow,
  loadVolume,
  openEditor,
  sendEmptyRegions,
  webviewFixture,
} from './harness';
import { patternVolume } from './testVolumes';

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

  it('the tracking selection and the brush target are one choice', async () => {
    const errors: string[] = [];
    const page = await openEditor(web.browser, web.harness, errors);
    const vol = patternVolume(DIMS);
    await loadVolume(page, web.harness, 'editing-target', vol.header, vol.bytes);
    await sendEmptyRegions(page, DIMS);
    assert.deepEqual(await editing(page), { brush: 'region', tracking: null });
    const options = await page
      .getByTestId('brush-target')
      .evaluate((s) => Array.from(s.querySelectorAll('vscode-option')).map((o) => o.textContent));
    assert.match(options[0] ?? '', /^▨ Vessel region \(where vessels lie/);

    // A new object is selected for tracking, and the brush paints it.
    await page.getByTestId('object-add').click();
    await until(page, 1, 1);
    await page.getByTestId('object-add').click();
    await until(page, 2, 2);

    // The brush's dropdown picks object 1: the tracking row follows.
    await page.getByTestId('brush-target').evaluate((s) => {
      (s as HTMLSelectElement).value = '1';
      s.dispatchEvent(new Event('change'));
    });
    await until(page, 1, 1);
    // The vessel region is the brush's own label: the tracking selection stays.
    await page.getByTestId('brush-target').evaluate((s) => {
      (s as HTMLSelectElement).value = 'region';
      s.dispatchEvent(new Event('change'));
    });
    await until(page, 'region', 1);
    // Selecting in the tracking row makes it the brush's target again.
    await page.getByTestId('object-select').evaluate((s) => {
      (s as HTMLSelectElement).value = '2';
      s.dispatchEvent(new Event('change'));
    });
    await until(page, 2, 2);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
