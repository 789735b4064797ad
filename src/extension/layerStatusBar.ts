/**
 * The status bar entry "Layer 12 (0–639)" for the active volume editor. It mirrors the webview's
 * `status` messages, so users see where they are from anywhere in the window, and the end-to-end
 * tests can observe the webview from the workbench.
 */
import * as vscode from 'vscode';
import { layerPosition } from '../core/volume/layerNumbers';
import type { StatusMessage, ViewKind } from '../protocol/editorMessages';

const VIEW_NAMES: Readonly<Record<ViewKind, string>> = {
  layer: 'layer view',
  '3d': '3D view',
  projection: 'projection view',
};

export function layerStatusText(status: StatusMessage): string {
  return `$(layers) ${layerPosition(status.layer, status.layerCount)} · ${VIEW_NAMES[status.view]}`;
}

export class LayerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'samOcta2.layer',
    vscode.StatusBarAlignment.Right,
    100,
  );
  /** Which editor the item currently speaks for. */
  private owner: object | undefined;

  constructor() {
    this.item.name = 'SAM-OCTA2 Layer';
    this.item.tooltip = 'SAM-OCTA2: current en-face layer of the active volume';
  }

  show(owner: object, status: StatusMessage): void {
    this.owner = owner;
    this.item.text = layerStatusText(status);
    this.item.show();
  }

  /** Hides the item if `owner` is the editor it shows. */
  hide(owner: object): void {
    if (this.owner !== owner) return;
    this.owner = undefined;
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
