/**
 * A dataset layer list item from the host (sparseListItem, docs/sparse-annotation.md §6) steps
 * the viewer to its layer, whether it arrives before the volume is in or after, and shows where
 * in the list the user is; an item along another axis than the shown one does not step.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openEditor, send, type HarnessWindow, TEST_SETTINGS, webviewFixture } from './harness';
import { patternVolume } from './testVolumes';

const web = webviewFixture();

it('a list item steps to its layer and shows the list line; another axis does not step', async () => {
  const errors: string[] = [];
  const page = await openEditor(web.browser, web.harness, errors);
  const vol = patternVolume();
  const settle = () => page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  const state = () =>
    page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.state());
  const line = page.locator('.sparse-list-line');
  // As the host sends them: the item right after the volume, before the webview has it in.
  const url = web.harness.addVolume('list', vol.bytes);
  await send(page, { type: 'init', settings: TEST_SETTINGS });
  await send(page, { type: 'volumeHeader', header: vol.header });
  await send(page, { type: 'sparseListItem', axis: 2, layer: 3, text: 'To-do list: item 1 of 2' });
  await page.evaluate((u) => (window as unknown as HarnessWindow).__harness.pushVolume(u), url);
  await page.waitForFunction(
    () => (window as unknown as HarnessWindow).__samOcta2Test?.state().loaded,
  );
  await settle();
  assert.equal((await state()).layer, 3);
  assert.equal(await line.textContent(), 'To-do list: item 1 of 2');
  assert.ok(await line.isVisible());

  await send(page, { type: 'sparseListItem', axis: 2, layer: 1, text: 'To-do list: item 2 of 2' });
  await settle();
  assert.equal((await state()).layer, 1);

  await send(page, { type: 'sparseListItem', axis: 0, layer: 2, text: 'Review list: item 1 of 1' });
  await settle();
  assert.equal((await state()).layer, 1, 'not stepped along the wrong axis');
  assert.match((await line.textContent()) ?? '', /listed along i: switch the depth axis/);
  assert.deepEqual(errors, []);
});
