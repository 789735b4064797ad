/** The sparse panel's styles (a constructable stylesheet: the CSP allows no inline styles). */
export const SPARSE_STYLES = `
.sparse-panel { border-bottom: 1px solid var(--vscode-panel-border, #444); padding: 2px 6px;
  font-size: 12px; color: var(--vscode-foreground); }
.sparse-panel summary { cursor: pointer; user-select: none; padding: 2px 0; }
.sparse-panel .rows { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; padding: 2px 0 4px; }
.sparse-panel .group { display: flex; gap: 5px; align-items: center; flex-wrap: wrap; }
.sparse-panel .step { font-weight: 600; opacity: 0.85; }
.sparse-panel input[type=number] { width: 5em; }
.sparse-panel input.path { width: 18em; }
.sparse-panel input, .sparse-panel select, .sparse-panel button {
  font: inherit; color: var(--vscode-input-foreground); background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, #555); border-radius: 2px; padding: 1px 4px; }
.sparse-panel button { color: var(--vscode-button-secondaryForeground);
  background: var(--vscode-button-secondaryBackground); cursor: pointer; }
.sparse-panel button:disabled { opacity: 0.5; cursor: default; }
.sparse-panel .value { opacity: 0.9; max-width: 28em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sparse-panel .status { opacity: 0.9; }
.sparse-panel .status[data-phase=failed] { color: var(--vscode-errorForeground); }
.sparse-panel progress { width: 8em; }
`;
