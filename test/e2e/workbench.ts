/**
 * Playwright helpers for code-server's workbench: a headless Debian Chromium, Quick Open, the
 * volume editor's webview (two iframes deep) and the status bar.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type FrameLocator, type Page, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'sam-octa2-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A browser whose frames all switch on the webview's test hook before their scripts run. */
export async function launchBrowserWithTestHook(): Promise<Browser> {
  const browser = await launchBrowser();
  await browser.context.addInitScript(() => {
    (window as { __samOcta2EnableTestHook?: boolean }).__samOcta2EnableTestHook = true;
  });
  return browser;
}

export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer lists the workspace once the file service is up: a sign the workbench settled.
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ timeout: 60_000 });
}

/**
 * Opens a workspace file by name with Quick Open (Ctrl+P) and waits until its tab is active.
 * Retries: the first Quick Open can race the workbench, and the result list re-sorts while
 * results stream in (a click can land on a neighbour such as synth-7.rv2d.nii.gz).
 */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const exactLabel = new RegExp(`^${escapeRegExp(fileName)}$`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      await widget.locator('input').waitFor({ state: 'visible', timeout: 5_000 });
      await widget.locator('input').fill(fileName);
      const row = widget
        .locator('.monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: exactLabel }) })
        .first();
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await page.waitForTimeout(300 * (attempt + 1)); // let the list settle
      await row.click();
      await widget.waitFor({ state: 'hidden', timeout: 5_000 });
      await page
        .locator(`.tabs-container .tab.active[data-resource-name="${fileName}"]`)
        .waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`Quick Open could not open ${fileName}: ${String(lastError)}`);
}

/** The active volume editor's content: VS Code's webview iframe, then the content iframe. */
export function activeWebview(page: Page): FrameLocator {
  return page
    .locator('iframe.webview.ready:visible')
    .last()
    .contentFrame()
    .frameLocator('iframe#active-frame');
}

/** The text of our status bar item ("Layer 12 (0–47) · layer view"), or '' when hidden. */
export async function layerStatusText(page: Page): Promise<string> {
  const item = page.locator('.statusbar-item', { hasText: /Layer \d+ \(0–\d+\)/ });
  if ((await item.count()) === 0) return '';
  return (await item.first().innerText()).trim();
}

/** The file name of the active editor tab (VS Code's tab label may split off the extension). */
export async function activeTabResource(page: Page): Promise<string | null> {
  return page.locator('.tabs-container .tab.active').first().getAttribute('data-resource-name');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The rows the quick input shows now, for an assertion's message. */
export async function quickInputRows(page: Page): Promise<string> {
  const rows = await page
    .locator('.quick-input-widget .monaco-list-row')
    .allInnerTexts()
    .catch(() => []);
  return rows.map((row) => row.replace(/\s+/g, ' ').trim()).join(' | ') || '(none)';
}

/**
 * Runs a command by its palette title (F1, type, Enter). Retries: right after the workbench
 * opens, the palette can take a while to list extension commands.
 */
export async function runPaletteCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`);
      await row.waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300); // the list settles (recently used entries move)
      await row.click();
      await input.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(
    `the command palette did not offer "${title}" (rows: ${await quickInputRows(page)}): ${String(lastError)}`,
  );
}

/**
 * Runs a palette command that opens a quick pick, and picks the row holding `item`. Retries the
 * command: a quick pick closes when focus moves, and a webview reloading its model can take the
 * focus just after the pick opened (its rows then stay in the DOM, hidden).
 */
export async function pickFromPalette(page: Page, title: string, item: string): Promise<void> {
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: item }).first();
  for (let attempt = 0; ; attempt++) {
    await runPaletteCommand(page, title);
    const shown = await row.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt === 2) {
      throw new Error(`"${title}" did not offer ${item}; rows: ${await quickInputRows(page)}`);
    }
  }
  await row.click();
}

/** A notification toast whose text matches (progress notifications included). */
export function notificationToast(page: Page, text: string | RegExp) {
  return page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
}

/** Waits for a toast matching `text` and returns its whole text. */
export async function waitForNotification(
  page: Page,
  text: string | RegExp,
  timeout = 60_000,
): Promise<string> {
  const toast = notificationToast(page, text);
  await toast.waitFor({ state: 'visible', timeout });
  // textContent: innerText leaves out a message VS Code has collapsed or elided.
  return ((await toast.textContent()) ?? '').trim();
}

/** Presses a button (e.g. "Cancel", "Show Report") on the toast matching `text`. */
export async function clickNotificationButton(
  page: Page,
  text: string | RegExp,
  button: string,
): Promise<void> {
  const toast = notificationToast(page, text);
  await toast.hover();
  await toast.getByRole('button', { name: button, exact: true }).click();
}

/**
 * Answers the guided setup's steps as a user would: each step is recognised by its prompt or
 * placeholder, answered by typing (and, for a pick, filtering) and Enter, until the input closes.
 */
export async function answerGuidedSetup(
  page: Page,
  answers: [RegExp, string][],
): Promise<string[]> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input').first();
  const seen: string[] = [];
  for (let round = 0; round < 20; round++) {
    const visible = await widget
      .waitFor({ state: 'visible', timeout: 15_000 })
      .then(() => true)
      .catch(() => false);
    if (!visible) return seen;
    await page.waitForTimeout(300); // the step's title and items settle
    const text = `${await widget.innerText()} ${(await input.getAttribute('placeholder')) ?? ''}`;
    const answer = answers.find(([pattern]) => pattern.test(text));
    assert.ok(answer, `an unexpected setup step: ${text}`);
    seen.push(answer[0].source);
    await input.fill(answer[1]);
    await page.waitForTimeout(600); // validation (folder checks) runs as the text changes
    await page.keyboard.press('Enter');
    // The next step replaces the text; a rejected answer keeps it and shows why.
    const moved = await page
      .waitForFunction(
        ([before]) => {
          const w = document.querySelector('.quick-input-widget') as HTMLElement | null;
          if (!w || w.style.display === 'none' || w.offsetParent === null) return true;
          const i = w.querySelector('input.input') as HTMLInputElement | null;
          return `${w.innerText} ${i?.placeholder ?? ''}` !== before;
        },
        [text],
        { timeout: 20_000 },
      )
      .then(() => true)
      .catch(() => false);
    assert.ok(moved, `the setup did not accept "${answer[1]}": ${await widget.innerText()}`);
    if (answer === answers.at(-1)) return seen;
  }
  return seen;
}

/**
 * Records every file a webview asked for and did not get (an HTTP status of 400 or more, or a
 * request that failed) and every "Failed to load resource" it logged, from the moment it is
 * called (issue 16, item 11: 404s in the webview console). The workbench's own requests (the
 * extension gallery, unreachable offline) are not the extension's and are left out.
 */
export function recordWebviewLoadFailures(page: Page): string[] {
  const failures: string[] = [];
  const fromWebview = (url: string, frameUrl: string): boolean =>
    /vscode-resource|vscode-cdn\.net|\/webview\//.test(url) ||
    frameUrl.includes('/webview/browser/pre/');
  page.on('response', (r) => {
    if (r.status() >= 400 && fromWebview(r.url(), r.frame().url()))
      failures.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    if (fromWebview(r.url(), r.frame().url()))
      failures.push(`failed ${r.url()}: ${r.failure()?.errorText ?? ''}`);
  });
  page.on('console', (m) => {
    const at = m.location().url;
    if (/Failed to load resource/.test(m.text()) && fromWebview(at, at))
      failures.push(`console: ${m.text()} (${at})`);
  });
  return failures;
}
