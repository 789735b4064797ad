/** The Measures panel's styles (a constructable stylesheet: the CSP allows no inline styles). */
export const MEASURES_STYLES = `
.measures-panel { font-size: 12px; color: var(--vscode-foreground);
  border-top: 1px solid var(--vscode-editorGroup-border, #80808059); }
.measures-panel[hidden] { display: none; }
.measures-panel .heading { font-weight: 600; text-transform: uppercase; font-size: 11px; }
.measures-panel .description { opacity: 0.75; }
.measures-panel vscode-single-select { width: 16em; }
.measures-panel .bar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; padding: 4px 6px; }
.measures-panel .status { opacity: 0.85; }
.measures-panel .status[data-state=failed] { color: var(--vscode-errorForeground); }
.measures-panel .body { display: flex; flex-wrap: wrap; gap: 8px 18px; padding: 0 6px 6px;
  max-height: 30vh; overflow: auto; align-items: flex-start; }
.measures-panel section { min-width: 0; }
.measures-panel h4 { margin: 4px 0 2px; font-size: 11px; font-weight: 600; text-transform: uppercase;
  opacity: 0.8; }
.measures-panel table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-bottom: 4px; }
.measures-panel caption { text-align: left; opacity: 0.8; font-style: italic; padding-top: 2px; }
.measures-panel th, .measures-panel td { padding: 1px 6px; text-align: right; white-space: nowrap;
  border-bottom: 1px solid var(--vscode-panel-border, #444); }
.measures-panel th { font-weight: 600; opacity: 0.85; }
.measures-panel td[data-column=object], .measures-panel td[data-column=sector],
.measures-panel td[data-column=level] { text-align: left; }
.measures-panel .empty { opacity: 0.7; font-style: italic; }
.measures-panel svg { display: block; }
.measures-panel svg .line { fill: none; stroke: var(--vscode-charts-blue, #3794ff); stroke-width: 1.5; }
.measures-panel svg .dot { fill: var(--vscode-charts-blue, #3794ff); }
.measures-panel svg .axis { fill: none; stroke: var(--vscode-foreground); stroke-opacity: 0.4; }
.measures-panel svg .marker { fill: none; stroke: var(--vscode-charts-orange, #d18616); stroke-dasharray: 3 2; }
.measures-panel svg text { fill: var(--vscode-foreground); font-size: 10px; opacity: 0.85; }
.measures-panel ul.notices { margin: 2px 0; padding-left: 16px; opacity: 0.85; max-width: 60em; }
`;
