/**
 * Serves the built webview (dist/webview) in a page shaped like VS Code's: the host's own HTML
 * and CSP (src/extension/webviewHtml.ts), a stub of the webview API (stub.js), and VS Code theme
 * variables. Volumes registered with the server are fetched by the page and posted to the
 * webview as transferred ArrayBuffers. Used by the webview tests and by `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildWebviewHtml } from '../../src/extension/webviewHtml';
import { patternVolume, type TestVolume } from './testVolumes';
import type {
  EditorSettings,
  ToWebviewMessage,
  VolumeHeaderInfo,
} from '../../src/protocol/editorMessages';

export const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'webview');
const HERE = __dirname;
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export const TEST_SETTINGS: EditorSettings = {
  depthAxis: 'auto',
  windowPercentiles: [1, 99.5],
  max3dTextureMB: 256,
  embeddingCacheMiB: 512,
};

/** Builds the bundle when it is missing (a fresh clone); otherwise tests the existing build. */
export function ensureBuilt(): void {
  if (!existsSync(join(DIST, 'main.js'))) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  }
}

export interface Harness {
  readonly url: string;
  /** Makes `bytes` fetchable by the page; returns its URL. */
  addVolume(name: string, bytes: Uint8Array): string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const volumes = new Map<string, Uint8Array>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const query = new URL(req.url ?? '/', origin).searchParams;
    const theme = query.get('theme') === 'light' ? 'light' : 'dark';
    if (path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end(pageHtml(origin, theme, query.get('strictStyles') === '1'));
      return;
    }
    let file: string | null = null;
    if (path.startsWith('/dist/webview/')) file = join(DIST, normalize(path.slice(14)));
    if (path.startsWith('/harness/')) file = join(HERE, normalize(path.slice(9)));
    if (path.startsWith('/volumes/')) {
      const bytes = volumes.get(path.slice(9));
      if (bytes) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(bytes);
        return;
      }
    }
    if (file && !file.includes('..') && existsSync(file)) {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    addVolume(name, bytes) {
      volumes.set(name, bytes);
      return `/volumes/${name}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** strictStyles: the host's CSP without 'unsafe-inline' styles, to check the webview needs none. */
function pageHtml(origin: string, theme: 'dark' | 'light', strictStyles: boolean): string {
  const nonce = randomBytes(16).toString('base64');
  const html = buildWebviewHtml({
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/dist/webview/main.js`,
    styleUris: [`${origin}/dist/webview/codicon.css`],
    assetBaseUris: {},
    title: 'SAM-OCTA2 webview test',
  });
  const policy = strictStyles ? html.replace(` 'unsafe-inline'`, '') : html;
  // VS Code adds the theme class to <body> and the variables to <html>; the stub must run first.
  return policy
    .replace(
      '</head>',
      `    <link rel="stylesheet" href="${origin}/harness/theme-${theme}.css" />\n` +
        `    <script src="${origin}/harness/stub.js"></script>\n  </head>`,
    )
    .replace('<body', `<body class="vscode-${theme}"`);
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium through playwright-core, launched as RECIPES.md says. */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'sam-octa2-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1000, height: 680 },
    deviceScaleFactor: 1,
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
  // tsx compiles test code with esbuild's keepNames, which wraps named local functions in
  // `__name(…)`; functions handed to page.evaluate then need that helper in the page too.
  await context.addInitScript({ content: 'window.__name = (f) => f;' });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One harness and one browser for the tests of the enclosing describe block (or file): started
 * before them, closed after them. Read `harness` and `browser` inside the tests. */
export function webviewFixture(): { readonly harness: Harness; readonly browser: Browser } {
  const fixture = {} as { harness: Harness; browser: Browser };
  before(async () => {
    ensureBuilt();
    fixture.harness = await startHarness();
    fixture.browser = await launchBrowser();
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.harness?.close();
  });
  return fixture;
}

/** The host's empty vessel-region annotation of a `dims` volume, as VolumeEditorSession sends it
 * after the segmentation; waits until the brush has it. (The buffer is made in the page:
 * evaluate's arguments travel as JSON.) */
export async function sendEmptyRegions(
  page: Page,
  dims: readonly [number, number, number],
): Promise<void> {
  await page.evaluate(
    (count) =>
      (window as unknown as HarnessWindow).__harness.send({
        type: 'regions',
        axis: 2,
        layers: [],
        mask: Uint32Array.of(count).buffer,
      }),
    dims[0] * dims[1] * dims[2],
  );
  await page.waitForFunction(
    () => (window as unknown as HarnessWindow).__samOcta2Test!.brush().regionsLoaded,
  );
}

/** Opens the page and collects console errors (CSP violations included) into `errors`. */
export async function openEditor(
  browser: Browser,
  harness: Harness,
  errors: string[],
  theme: 'dark' | 'light' = 'dark',
  strictStyles = false,
): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${harness.url}?theme=${theme}&strictStyles=${strictStyles ? 1 : 0}`);
  await waitForPosted(page, 'ready');
  return page;
}

/** The layer the editor shows. */
export const shownLayer = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as HarnessWindow).__samOcta2Test!.state().layer);

/** Waits until the page has posted `count` undoable edits, and returns their `edit`s. */
export async function postedEdits<Edit>(page: Page, count: number): Promise<Edit[]> {
  await page.waitForFunction(
    (n) =>
      (window as unknown as HarnessWindow).__harness.posted.filter((m) => m.type === 'edit')
        .length === n,
    count,
  );
  return (await posted(page)).filter((m) => m.type === 'edit').map((m) => m.edit as Edit);
}

/** Opens the page (as `openEditor`) on a pattern volume (testVolumes.ts) loaded as `name`. */
export async function openPatternVolume(
  web: { readonly browser: Browser; readonly harness: Harness },
  errors: string[],
  name: string,
  dims?: [number, number, number],
): Promise<{ page: Page; vol: TestVolume }> {
  const { browser, harness } = web;
  const page = await openEditor(browser, harness, errors);
  const vol = patternVolume(dims);
  await loadVolume(page, harness, name, vol.header, vol.bytes);
  return { page, vol };
}

export async function send(page: Page, message: ToWebviewMessage): Promise<void> {
  await page.evaluate((m) => (window as unknown as HarnessWindow).__harness.send(m), message);
}

/** init + header + voxels, as the host sends them; waits until the first layer is shown. */
export async function loadVolume(
  page: Page,
  harness: Harness,
  name: string,
  header: VolumeHeaderInfo,
  bytes: Uint8Array,
  settings: EditorSettings = TEST_SETTINGS,
): Promise<void> {
  const url = harness.addVolume(name, bytes);
  await send(page, { type: 'init', settings });
  await send(page, { type: 'volumeHeader', header });
  await page.evaluate((u) => (window as unknown as HarnessWindow).__harness.pushVolume(u), url);
  await page.waitForFunction(
    () => (window as unknown as HarnessWindow).__samOcta2Test?.state().loaded,
  );
}

export interface PostedMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

export async function posted(page: Page): Promise<PostedMessage[]> {
  return page.evaluate(() => (window as unknown as HarnessWindow).__harness.posted);
}

export async function waitForPosted(page: Page, type: string): Promise<void> {
  await page.waitForFunction(
    (t) => (window as unknown as HarnessWindow).__harness.posted.some((m) => m.type === t),
    type,
  );
}

/** The page's globals, as the test sees them (the hook's types come from src/webview/testHook). */
export interface HarnessWindow {
  __harness: {
    posted: PostedMessage[];
    /** Region strokes as posted (labelEditCodec bytes), issue 6. */
    regionEdits: ArrayBuffer[];
    send(m: ToWebviewMessage): void;
    pushVolume(url: string): Promise<void>;
  };
  __samOcta2Test?: import('../../src/webview/testHook').SamOcta2TestHook;
}
