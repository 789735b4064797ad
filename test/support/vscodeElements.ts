/**
 * Drives @vscode-elements controls as a user does, for the webview and code-server tests:
 * Playwright's fill and selectOption take only native controls, and setting `value` with a
 * synthetic change event would pass even when the control no longer works by hand.
 */
import type { Locator } from 'playwright-core';

/** Opens a vscode-single-select and clicks the option labelled `label` in its list. */
export async function chooseOption(select: Locator, label: string): Promise<void> {
  await select.click();
  await select.getByRole('option', { name: label, exact: true }).click();
}

/** Types `text` into a vscode-textfield (its input, in the shadow root) and leaves the field, so
 * that its change event fires as it does when a user tabs away. */
export async function typeInto(field: Locator, text: string): Promise<void> {
  const input = field.locator('input');
  await input.fill(text);
  await input.blur();
}
