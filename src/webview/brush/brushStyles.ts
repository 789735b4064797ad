/**
 * The brush toolbar row's styles, a constructable stylesheet like TRACKING_STYLES (the CSP
 * needs no inline styles; a TS string compiles in every tsconfig that reaches the webview).
 */
export const BRUSH_STYLES = `.toolbar.brush {
  border-top: none;
}

.toolbar.brush input.radius {
  width: 90px;
  accent-color: var(--vscode-button-background, #0078d4);
}

.toolbar.brush [data-testid='brush-radius-text'] {
  min-width: 40px;
}

/* The status shrinks (ellipsis) rather than wrapping the row: the viewport keeps its height. */
.toolbar.brush [data-testid='brush-status'] {
  flex: 1 1 0;
  min-width: 0;
  text-align: right;
  overflow: hidden;
  text-overflow: ellipsis;
}

.viewport.brush-tool {
  cursor: crosshair;
}
`;
