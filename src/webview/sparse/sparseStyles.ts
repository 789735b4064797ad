/** The sparse panel's styles (a constructable stylesheet: the CSP allows no inline styles). The
 * controls are vscode-elements, themed by VS Code's variables; only sizes and layout are set here. */
export const SPARSE_STYLES = `
.sparse-panel { border-bottom: 1px solid var(--vscode-panel-border, #444); padding: 2px 6px;
  font-size: 12px; color: var(--vscode-foreground); }
/* A closed <details> hides its content with content-visibility, which leaves the dropdown's
   options rendered but skipped: vscode-single-select reads their labels (innerText) as '' then
   and keeps them empty after the panel opens. Hidden with display: none instead, an option is
   not rendered at all and its innerText is its text. */
.sparse-panel::details-content { content-visibility: visible; }
.sparse-panel:not([open]) > .rows { display: none; }
.sparse-panel summary { cursor: pointer; user-select: none; padding: 2px 0; }
.sparse-panel .rows { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; padding: 2px 0 4px; }
.sparse-panel .group { display: flex; gap: 5px; align-items: center; flex-wrap: wrap; }
.sparse-panel .step { font-weight: 600; opacity: 0.85; }
.sparse-panel label { display: inline-flex; gap: 4px; align-items: center; }
.sparse-panel vscode-textfield.number { width: 5.5em; }
.sparse-panel vscode-textfield.path { width: 18em; }
.sparse-panel vscode-single-select.device { width: 8.5em; }
.sparse-panel input[type=range] { accent-color: var(--vscode-button-background, #0078d4); }
.sparse-panel .value { opacity: 0.9; max-width: 28em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sparse-panel .status { opacity: 0.9; }
.sparse-panel .status[data-phase=failed] { color: var(--vscode-errorForeground); }
.sparse-panel vscode-progress-bar { width: 8em; }
.sparse-panel vscode-progress-bar[hidden] { display: none; }
`;
