/**
 * The image's share of the editor (issue 16, item 4): at 1000×900 with the default layout the
 * viewport gets at least 75 % of the editor's height; the sparse panel starts closed; folding
 * the tool rows gives the image more; each change goes to the host (which remembers it per
 * workspace) and the layout the host sends with `init` is applied.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { loadVolume, openEditor, posted, send, TEST_SETTINGS, webviewFixture } from './harness';
import { patternVolume } from './testVolumes';

/** The viewport's height over the editor's (the webview's) height. */
async function imageShare(page: Page): Promise<number> {
  return page.evaluate(
    () => document.querySelector('.viewport')!.getBoundingClientRect().height / window.innerHeight,
  );
}

async function layoutsPosted(page: Page): Promise<unknown[]> {
  return (await posted(page)).filter((m) => m.type === 'panelLayout').map((m) => m.panels);
}

describe('panel layout', () => {
  const web = webviewFixture();

  it('gives the image at least 75 % of a 900 px editor by default; folds are remembered', async () => {
    const errors: string[] = [];
    const page = await openEditor(web.browser, web.harness, errors);
    await page.setViewportSize({ width: 1000, height: 900 });
    const vol = patternVolume([32, 24, 40]);
    await loadVolume(page, web.harness, 'panel-layout', vol.header, vol.bytes);

    const sparse = page.getByTestId('sparse-panel');
    assert.equal(await sparse.evaluate((d) => (d as HTMLDetailsElement).open), false);
    assert.ok(await page.getByTestId('object-select').isVisible(), 'the tool rows show');
    const share = await imageShare(page);
    console.log(`image share at 1000×900, defaults: ${(share * 100).toFixed(1)} %`);
    assert.ok(share >= 0.75, `the image has ${(share * 100).toFixed(1)} % of the height`);

    await page.getByTestId('tool-rows-toggle').click();
    assert.equal(await page.getByTestId('object-select').isVisible(), false);
    assert.equal(await page.getByTestId('brush-radius').isVisible(), false);
    const folded = await imageShare(page);
    assert.ok(folded > share + 0.05, `folded: ${folded} vs ${share}`);
    await page.locator('.sparse-panel > summary').click();
    await page.waitForFunction(
      () =>
        (
          window as unknown as { __harness: { posted: { type: string }[] } }
        ).__harness.posted.filter((m) => m.type === 'panelLayout').length === 2,
    );
    assert.deepEqual(await layoutsPosted(page), [
      { toolRows: false, sparsePanel: false },
      { toolRows: false, sparsePanel: true },
    ]);

    // What the host remembered comes back with init (a reopened editor) and is applied as is.
    await send(page, {
      type: 'init',
      settings: TEST_SETTINGS,
      panels: { toolRows: true, sparsePanel: false },
    });
    // The details' toggle event comes a task later: let it run before counting the posts.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    assert.ok(await page.getByTestId('object-select').isVisible());
    assert.equal(await sparse.evaluate((d) => (d as HTMLDetailsElement).open), false);
    assert.equal((await layoutsPosted(page)).length, 2, 'applying is not a change to remember');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
