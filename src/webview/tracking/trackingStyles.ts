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

/* Says what the vessel region is while it is picked (issue 16, item 5); wraps to keep the row short. */
.toolbar.tracking .hint {
  white-space: normal;
  max-width: 24em;
  font-style: italic;
}

/* Wraps instead of cutting the sentence off ("WebGPU found no G…", issue 16, item 11). */
.toolbar.tracking [data-testid='tracking-status'] {
  white-space: normal;
  flex: 1 1 8em;
  min-width: 8em;
}

/* Click / Scribble / Box / Lasso (promptShapeTool.ts): one choice of four toolbar buttons. */
.toolbar.tracking .prompt-shapes {
  display: inline-flex;
  gap: 2px;
}
`;
