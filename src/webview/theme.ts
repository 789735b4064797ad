/**
 * Canvas colours from VS Code's theme variables. VS Code swaps the variables and the body's
 * `vscode-light` / `vscode-dark` / `vscode-high-contrast` class when the theme changes; the
 * canvases are then redrawn with the new colours.
 */
export interface CanvasColors {
  /** Around the image in the layer and projection views. */
  readonly imageBackground: string;
  /** Behind the volume rendering: always dark, since the rendering is bright on black. */
  readonly volumeBackground: string;
}

export function readCanvasColors(): CanvasColors {
  const style = getComputedStyle(document.body);
  const editor = style.getPropertyValue('--vscode-editor-background').trim() || '#1e1e1e';
  const classes = document.body.classList;
  const dark = !classes.contains('vscode-light') && !classes.contains('vscode-high-contrast-light');
  return { imageBackground: editor, volumeBackground: dark ? editor : '#1e1e1e' };
}

export function onThemeChange(callback: () => void): void {
  const observer = new MutationObserver(callback);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
