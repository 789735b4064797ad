/**
 * Issue 16: in VS Code the layer and view keys are keybindings of commands whose `editorKey`
 * messages the webview applies; it then leaves those keys alone (init's hostKeys), so a press
 * counts once, and it ignores the commands while a text field has the focus.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  type HarnessWindow,
  openPatternVolume,
  send,
  TEST_SETTINGS,
  webviewFixture,
} from './harness';

const web = webviewFixture();

it('layer and view commands from the host step once; the keys themselves do not; text fields keep theirs', async () => {
  const errors: string[] = [];
  const { page, vol } = await openPatternVolume(web, errors, 'keys');
  // window.postMessage delivers on a later task: one round trip later the message is handled.
  const settle = () => page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  await send(page, { type: 'init', settings: TEST_SETTINGS, hostKeys: true });
  await settle();
  const state = () =>
    page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.state());
  const start = (await state()).layer;

  await page.locator('.viewport').focus();
  await page.keyboard.press('ArrowDown');
  await settle();
  assert.equal((await state()).layer, start, 'the key is the keybinding’s, not the webview’s');
  await send(page, { type: 'editorKey', key: { layer: 'next' } });
  await settle();
  assert.equal((await state()).layer, start + 1);
  await send(page, { type: 'editorKey', key: { layer: 'last' } });
  await settle();
  assert.equal((await state()).layer, vol.header.dims[2] - 1);
  await send(page, { type: 'editorKey', key: { view: 'projection' } });
  await settle();
  assert.equal((await state()).view, 'projection');
  await send(page, { type: 'editorKey', key: { view: 'layer' } });
  await settle();
  assert.equal((await state()).view, 'layer');

  // Typing in a field: the bound key arrives as a command too, and is not a layer step.
  const field = page.locator('vscode-textfield').first();
  await field.focus();
  await send(page, { type: 'editorKey', key: { layer: 'first' } });
  await settle();
  assert.equal((await state()).layer, vol.header.dims[2] - 1, 'ignored while typing');
  assert.deepEqual(errors, []);
});
