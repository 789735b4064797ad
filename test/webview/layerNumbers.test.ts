/**
 * One layer-number convention (issue 16, item 3): with the editor on one layer, every place that
 * shows or sends a layer number (footer status, slider, value readout's k, brush status, the
 * status message the host's status bar shows, the sparse panel's Mark message and button, the
 * range fields' ranges) names the same number. A place that
 * counts differently (the old "Layer k+1 / n" footer) fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type HarnessWindow,
  openPatternVolume,
  posted,
  sendEmptyRegions,
  webviewFixture,
} from './harness';

// Depth (k) the longest axis, so that the automatic depth axis is k.
const DIMS: [number, number, number] = [16, 12, 20];
const LAST = DIMS[2] - 1;

describe('layer numbers', () => {
  const web = webviewFixture();

  it('every place names the shown layer by the same number, with its range', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'layer-numbers', DIMS);
    await sendEmptyRegions(page, DIMS);
    // End, then up three: index LAST - 3, whatever the editor opened on.
    await page.locator('.viewport').focus();
    await page.keyboard.press('End');
    for (let n = 0; n < 3; n++) await page.keyboard.press('ArrowUp');
    const layer = LAST - 3;
    await page.waitForFunction(
      (k) => (window as unknown as HarnessWindow).__samOcta2Test!.state().layer === k,
      layer,
    );
    await page.waitForFunction(
      (k) =>
        document.querySelector('[data-testid="status"]')?.textContent?.startsWith(`Layer ${k} `),
      layer,
    );

    const found = new Map<string, number>();
    const number = (place: string, text: string, pattern: RegExp): void => {
      const m = pattern.exec(text);
      assert.ok(m, `${place}: '${text}' does not match ${pattern}`);
      found.set(place, Number(m[1]));
    };
    const status = (await page.getByTestId('status').textContent()) ?? '';
    number('footer status', status, new RegExp(`^Layer (\\d+) \\(0–${LAST}\\) · depth`));
    const slider = page.locator('.layer-slider');
    number('slider value', await slider.inputValue(), /^(\d+)$/);
    number(
      'slider value text',
      (await slider.getAttribute('aria-valuetext')) ?? '',
      /^Layer (\d+) /,
    );

    const box = (await page.locator('.viewport').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(
      () => !!document.querySelector('[data-testid="readout"]')?.textContent,
    );
    const readout = (await page.getByTestId('readout').textContent()) ?? '';
    number('value readout k', readout, /^\(i, j, k\) = \(\d+, \d+, (\d+)\)/);

    await page.waitForFunction(
      () => !!document.querySelector('[data-testid="brush-status"]')?.textContent,
    );
    number(
      'brush status',
      (await page.getByTestId('brush-status').textContent()) ?? '',
      /^Layer (\d+) /,
    );

    const statusMessage = (await posted(page)).filter((m) => m.type === 'status').at(-1);
    found.set('status message to the host', statusMessage?.layer as number);
    await page.locator('.sparse-panel > summary').click();
    await page.getByTestId('sparse-mark').click();
    const mark = (await posted(page)).filter((m) => m.type === 'sparseMark').at(-1);
    found.set('sparse Mark message', mark?.layer as number);
    // The host marks it annotated: the panel's button names the layer it marked.
    await page.evaluate(
      ([count, k]) =>
        (window as unknown as HarnessWindow).__harness.send({
          type: 'regions',
          axis: 2,
          layers: [k!],
          mask: Uint32Array.of(count!).buffer,
        }),
      [DIMS[0] * DIMS[1] * DIMS[2], layer],
    );
    const marked = page.locator('[data-testid="sparse-mark"][data-annotated="true"]');
    await marked.waitFor();
    number(
      'sparse panel Mark button',
      (await marked.textContent()) ?? '',
      /^Layer (\d+) annotated ✓$/,
    );

    assert.equal(await page.locator('.app').getAttribute('data-error'), null, 'no load error');
    for (const [place, value] of found) assert.equal(value, layer, `${place} says ${value}`);
    // The fields where layers are typed say the same range.
    for (const id of ['range-from', 'range-to', 'track-from', 'track-to']) {
      const title = (await page.getByTestId(id).getAttribute('title')) ?? '';
      assert.ok(title.includes(`0–${LAST}`), `${id}: '${title}'`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
});
