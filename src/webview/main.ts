/**
 * Entry of the volume editor's webview (bundled to dist/webview/main.js, an ES module). The host
 * page holds only the codicon stylesheet link and this script; everything else is built here.
 */
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { App } from './app';
import { buildLayout } from './layout';
import styles from './styles.css';
import { installTestHook } from './testHook';
import type { ViewState } from './viewState';
import { connectToHost } from './vscodeApi';

function adoptStyles(): void {
  // A constructable stylesheet needs no 'unsafe-inline' in the CSP, unlike a <style> element.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(styles);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** <vscode-icon> and the toolbar buttons find the codicon font through this id. */
function tagCodiconLink(): void {
  if (document.getElementById('vscode-codicon-stylesheet')) return;
  const link = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].find((l) =>
    /codicon[^/]*\.css(\?|$)/.test(l.href),
  );
  if (link) link.id = 'vscode-codicon-stylesheet';
}

function start(): void {
  adoptStyles();
  tagCodiconLink();
  const layout = buildLayout(document.body);
  const app = new App(layout, connectToHost<ViewState>());
  installTestHook(app);
}

start();
