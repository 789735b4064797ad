/**
 * The start every code-server e2e shares: code-server on a workspace with the packaged extension,
 * and a headless browser on its workbench (with the webview's test hook when the test reads the
 * editor's state).
 */
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { type CodeServer, startCodeServer, VSIX } from './codeServer';
import { type Browser, launchBrowser, launchBrowserWithTestHook, openWorkbench } from './workbench';

/** No secondary side bar over the editor (code-server opens one by default). */
export const WORKBENCH_SETTINGS = { 'workbench.secondarySideBar.defaultVisibility': 'hidden' };
/** Tests that track: depth along k, and saves by hand (VS Code for the web saves after a delay). */
export const TRACKING_SETTINGS = {
  ...WORKBENCH_SETTINGS,
  'samOcta2.depthAxis': 'k',
  'files.autoSave': 'off',
};

export interface EditorWorkbench {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
}

export async function openEditorWorkbench(options: {
  readonly workspace: string;
  readonly logFile: string;
  readonly userSettings: Record<string, unknown>;
  readonly testHook: boolean;
  /** The .vsix to install; default the universal one (a platform one has the host engine). */
  readonly vsix?: string;
}): Promise<EditorWorkbench> {
  const { workspace, logFile, userSettings, testHook, vsix = VSIX } = options;
  const server = await startCodeServer({ workspace, vsix, logFile, userSettings });
  const browser = await (testHook ? launchBrowserWithTestHook() : launchBrowser());
  await openWorkbench(browser.page, server.url);
  return { server, browser, page: browser.page };
}

/** Ends what openEditorWorkbench started (whichever parts did start) and removes the test's folder. */
export async function closeEditorWorkbench(
  bench: { readonly browser?: Browser; readonly server?: CodeServer },
  work?: string,
): Promise<void> {
  await bench.browser?.close();
  await bench.server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}
