/**
 * The tracking toolbar row's styles, adopted as a constructable stylesheet like styles.css (the
 * CSP needs no inline styles). A TS string, not a .css import, so that every tsconfig that
 * reaches the webview through type imports (tests, bench) compiles without the css loader's
 * module declaration.
 */
export const TRACKING_STYLES = `.toolbar.tracking {
  border-top: none;
}

.toolbar.tracking vscode-toolbar-button[disabled] {
  opacity: 0.4;
  pointer-events: none;
}

.toolbar.tracking vscode-textfield.object-name {
  width: 110px;
}

.toolbar.tracking input.opacity {
  width: 80px;
  accent-color: var(--vscode-button-background, #0078d4);
}

.toolbar.tracking .progress vscode-progress-bar {
  width: 120px;
}

.toolbar.tracking .progress vscode-progress-bar[hidden] {
  display: none;
}

/* Wraps instead of cutting the sentence off ("WebGPU found no G…", issue 16, item 11). */
.toolbar.tracking [data-testid='tracking-status'] {
  white-space: normal;
  flex: 1 1 8em;
  min-width: 8em;
}

/* Click / Scribble / Box / Lasso (promptShapeTool.ts): a segmented choice. */
.toolbar.tracking .prompt-shapes {
  display: inline-flex;
  gap: 0;
}

.toolbar.tracking .prompt-shapes button {
  font: inherit;
  color: var(--vscode-foreground);
  background: transparent;
  border: 1px solid var(--vscode-panel-border, #555);
  padding: 1px 6px;
  cursor: pointer;
}

.toolbar.tracking .prompt-shapes button[aria-checked='true'] {
  background: var(--vscode-button-background, #0078d4);
  color: var(--vscode-button-foreground, #fff);
}
`;
