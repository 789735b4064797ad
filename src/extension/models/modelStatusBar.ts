/**
 * The status bar entry for the tracking model of the active volume editor: "$(hubot)
 * samocta2-nano · wasm", from the webview's `trackingStatus`. Clicking it runs
 * `samOcta2.selectModel`.
 */
import * as vscode from 'vscode';
import type { TrackingStatusMessage } from '../../protocol/editorMessages';

export const SELECT_MODEL_COMMAND = 'samOcta2.selectModel';

export function modelStatusText(status: TrackingStatusMessage): string {
  const model = status.model ?? 'no model';
  const backend = status.backend ? ` · ${status.backend}` : '';
  return `$(hubot) ${model}${backend}`;
}

export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'samOcta2.model',
    vscode.StatusBarAlignment.Right,
    99,
  );
  private owner: object | undefined;

  constructor() {
    this.item.name = 'SAM-OCTA2 Model';
    this.item.command = SELECT_MODEL_COMMAND;
    this.item.tooltip = 'SAM-OCTA2: tracking model and backend; click to pick another model';
  }

  show(owner: object, status: TrackingStatusMessage): void {
    this.owner = owner;
    this.item.text = modelStatusText(status);
    this.item.tooltip = status.note ?? 'SAM-OCTA2: tracking model and backend; click to pick';
    this.item.show();
  }

  hide(owner: object): void {
    if (this.owner !== owner) return;
    this.owner = undefined;
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
