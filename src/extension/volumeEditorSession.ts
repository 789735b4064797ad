/**
 * One webview showing one VolumeDocument: answers the webview's `ready` with the settings and
 * the volume, relays progress, turns load failures into `loadError`, and mirrors the webview's
 * `status` into the status bar. A failure here stays in this editor: it is shown in the webview
 * and logged, never thrown into VS Code.
 */
import * as vscode from 'vscode';
import type {
  EditorSettings,
  FromWebviewMessage,
  ToWebviewMessage,
} from '../protocol/editorMessages';
import type { LayerStatusBar } from './layerStatusBar';
import type { VolumeDocument } from './volumeDocument';
import { SUPPORTED_FILES, VolumeLoadError } from './volumeLoadError';

export interface SessionContext {
  readonly log: vscode.LogOutputChannel;
  readonly statusBar: LayerStatusBar;
  readonly settings: () => EditorSettings;
}

export class VolumeEditorSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Counts `ready`s, so a slow load answers only the webview instance that asked for it. */
  private generation = 0;

  constructor(
    private readonly document: VolumeDocument,
    private readonly panel: vscode.WebviewPanel,
    private readonly context: SessionContext,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      panel.onDidChangeViewState(() => {
        if (!panel.active) context.statusBar.hide(this);
      }),
    );
  }

  /** Sends new settings after the user changed `samOcta2.*`. */
  settingsChanged(settings: EditorSettings): void {
    this.post({ type: 'settingsChanged', settings });
  }

  private onMessage(message: unknown): void {
    if (!isFromWebviewMessage(message)) {
      this.context.log.warn(`${this.document.fileName}: ignored an unknown webview message`);
      return;
    }
    switch (message.type) {
      case 'ready':
        void this.sendVolume();
        return;
      case 'status':
        if (this.panel.active) this.context.statusBar.show(this, message);
        return;
      case 'showError':
        void vscode.window.showErrorMessage(`SAM-OCTA2: ${message.message}`);
        return;
    }
  }

  /** Answers every `ready`: a reloaded webview has lost everything but its saved view state. */
  private async sendVolume(): Promise<void> {
    const generation = ++this.generation;
    const current = (): boolean => !this.disposed && generation === this.generation;
    this.post({ type: 'init', settings: this.context.settings() });

    const progress = this.document.onDidProgress((p) => {
      if (current()) this.post({ type: 'loadProgress', fraction: p.fraction, stage: p.stage });
    });
    const last = this.document.progress;
    if (last) this.post({ type: 'loadProgress', fraction: last.fraction, stage: last.stage });
    try {
      const started = Date.now();
      const loaded = await this.document.load();
      if (!current()) return;
      this.post({ type: 'volumeHeader', header: loaded.header });
      this.post({ type: 'volumeData', buffer: loaded.buffer });
      const { dims, type } = loaded.header;
      this.context.log.info(
        `${this.document.fileName}: sent ${dims.join('×')} ${type} ` +
          `(${loaded.buffer.byteLength} bytes) in ${Date.now() - started} ms` +
          (loaded.description ? `; description: ${loaded.description}` : ''),
      );
    } catch (error) {
      if (!current()) return;
      const loadError =
        error instanceof VolumeLoadError
          ? error
          : new VolumeLoadError(
              `${this.document.fileName} could not be opened: ${String(error)}`,
              SUPPORTED_FILES,
            );
      this.context.log.error(`${this.document.fileName}: ${loadError.message}`);
      this.post({ type: 'loadError', message: loadError.message, supported: loadError.supported });
    } finally {
      progress.dispose();
    }
  }

  private post(message: ToWebviewMessage): void {
    if (this.disposed) return;
    this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.context.log.warn(`${this.document.fileName}: postMessage failed: ${String(error)}`);
    });
  }

  dispose(): void {
    this.disposed = true;
    this.context.statusBar.hide(this);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

const FROM_WEBVIEW_TYPES: ReadonlySet<string> = new Set<FromWebviewMessage['type']>([
  'ready',
  'status',
  'showError',
]);

export function isFromWebviewMessage(value: unknown): value is FromWebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !FROM_WEBVIEW_TYPES.has(type)) return false;
  if (type === 'status') {
    const { layer, layerCount, view } = value as Record<string, unknown>;
    return (
      typeof layer === 'number' &&
      typeof layerCount === 'number' &&
      (view === 'layer' || view === '3d' || view === 'projection')
    );
  }
  if (type === 'showError') return typeof (value as { message?: unknown }).message === 'string';
  return true;
}
