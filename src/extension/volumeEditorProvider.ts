/**
 * The `samOcta2.volume` custom editor for .nii and .nii.gz files: opens VolumeDocuments, gives
 * each editor its webview HTML and a VolumeEditorSession, and forwards settings changes.
 * Read-only for now; issue 4 turns it into a CustomEditorProvider with a label volume.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { LayerStatusBar } from './layerStatusBar';
import { SETTINGS_SECTION, readEditorSettings } from './settings';
import { VolumeDocument } from './volumeDocument';
import { VolumeEditorSession } from './volumeEditorSession';
import { buildWebviewHtml } from './webviewHtml';

export const VOLUME_VIEW_TYPE = 'samOcta2.volume';

/**
 * Keep hidden volume editors alive. Re-showing a discarded webview would mean re-sending up to
 * 2 GB of voxels, rebuilding the 3D texture and (issue 4) reloading the SAM 2 sessions and their
 * embedding cache: seconds on every tab switch. A hidden webview's memory is the price. The
 * webview still saves its view state (getState/setState) and the host still answers every
 * `ready`, which covers webviews that do reload (window reload, "Reload Webviews").
 */
export const RETAIN_CONTEXT_WHEN_HIDDEN = true;

export class VolumeEditorProvider
  implements vscode.CustomReadonlyEditorProvider<VolumeDocument>, vscode.Disposable
{
  private readonly sessions = new Set<VolumeEditorSession>();

  static register(
    context: vscode.ExtensionContext,
    log: vscode.LogOutputChannel,
    statusBar: LayerStatusBar,
  ): vscode.Disposable {
    const provider = new VolumeEditorProvider(context.extensionUri, log, statusBar);
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(VOLUME_VIEW_TYPE, provider, {
        webviewOptions: { retainContextWhenHidden: RETAIN_CONTEXT_WHEN_HIDDEN },
        supportsMultipleEditorsPerDocument: true,
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTINGS_SECTION)) provider.broadcastSettings();
      }),
      provider,
    );
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly statusBar: LayerStatusBar,
  ) {}

  /** Called by VS Code when a volume file is opened in this editor for the first time. */
  async openCustomDocument(
    uri: vscode.Uri,
    openContext: vscode.CustomDocumentOpenContext,
    _token: vscode.CancellationToken,
  ): Promise<VolumeDocument> {
    this.log.info(`open ${uri.toString(true)}`);
    return VolumeDocument.create(uri, openContext.backupId, vscode.workspace.fs);
  }

  /** Called by VS Code for each editor (tab) that shows the document. */
  async resolveCustomEditor(
    document: VolumeDocument,
    panel: vscode.WebviewPanel,
    _token: vscode.CancellationToken,
  ): Promise<void> {
    const distUri = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const mediaUri = vscode.Uri.joinPath(this.extensionUri, 'media');
    const modelsUri = vscode.Uri.joinPath(this.extensionUri, 'models');
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [distUri, mediaUri, modelsUri],
    };
    const asWebview = (uri: vscode.Uri): string => panel.webview.asWebviewUri(uri).toString();
    panel.webview.html = buildWebviewHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asWebview(vscode.Uri.joinPath(distUri, 'main.js')),
      styleUris: [asWebview(vscode.Uri.joinPath(distUri, 'codicon.css'))],
      assetBaseUris: { mediaUri: asWebview(mediaUri), modelsUri: asWebview(modelsUri) },
      title: document.fileName,
    });

    const session = new VolumeEditorSession(document, panel, {
      log: this.log,
      statusBar: this.statusBar,
      settings: () => readEditorSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION)),
    });
    this.sessions.add(session);
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      session.dispose();
    });
    // Read while the webview boots; the session sends the result when the webview is ready.
    document.load().catch(() => undefined);
  }

  private broadcastSettings(): void {
    const settings = readEditorSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION));
    this.log.info(`settings changed: ${JSON.stringify(settings)}`);
    for (const session of this.sessions) session.settingsChanged(settings);
  }

  dispose(): void {
    for (const session of this.sessions) session.dispose();
    this.sessions.clear();
  }
}
