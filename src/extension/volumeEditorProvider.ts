/**
 * The `samOcta2.volume` custom editor for .nii and .nii.gz files: opens VolumeDocuments, gives
 * each editor its webview HTML and a VolumeEditorSession, forwards settings changes, turns the
 * documents' annotation changes into VS Code undo/redo, and saves, reverts and backs up their
 * annotations. Also owns the model picker (status bar item and `samOcta2.selectModel`).
 */
import * as vscode from 'vscode';
import { registerLayerListNavigator } from './sparse/layerListNavigator';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { registerEditorKeys } from './commands/editorKeys';
import { registerSelectModel } from './commands/selectModel';
import type { LayerStatusBar } from './layerStatusBar';
import { type ModelEntry, listModels, readModelPaths } from './models/modelCatalog';
import { ModelStatusBar } from './models/modelStatusBar';
import { segmentationFileName } from './segmentation/segmentationFiles';
import { SETTINGS_SECTION, readEditorSettings } from './settings';
import { availableHostEngines, hostBinariesFolder } from './tracking/hostEngines';
import { panelLayoutMemory, type PanelLayoutMemory } from './panelLayoutMemory';
import { VolumeDocument } from './volumeDocument';
import { VolumeEditorSession } from './volumeEditorSession';
import { buildWebviewHtml } from './webviewHtml';
import type { EditorSettings } from '../protocol/editorMessages';
import type { HostBackend } from '../protocol/workerMessages';
import { registerExportMeasures } from './measures/registerExportMeasures';

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
  implements vscode.CustomEditorProvider<VolumeDocument>, vscode.Disposable
{
  private readonly sessions = new Set<VolumeEditorSession>();
  private readonly changeEmitter = new vscode.EventEmitter<
    vscode.CustomDocumentEditEvent<VolumeDocument>
  >();
  private readonly modelStatusBar = new ModelStatusBar();
  /** The model picked last in this window; new editors load it. */
  private preferredModel: string | undefined;

  /** Tells VS Code about each edit: marks the document dirty and records undo/redo. */
  readonly onDidChangeCustomDocument = this.changeEmitter.event;

  static register(
    context: vscode.ExtensionContext,
    log: vscode.LogOutputChannel,
    statusBar: LayerStatusBar,
  ): vscode.Disposable {
    const provider = new VolumeEditorProvider(
      context.extensionUri,
      log,
      statusBar,
      panelLayoutMemory(context.workspaceState),
    );
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(VOLUME_VIEW_TYPE, provider, {
        webviewOptions: { retainContextWhenHidden: RETAIN_CONTEXT_WHEN_HIDDEN },
        supportsMultipleEditorsPerDocument: true,
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTINGS_SECTION)) provider.broadcastSettings();
        if (event.affectsConfiguration(`${SETTINGS_SECTION}.modelPaths`)) {
          for (const session of provider.sessions) void session.sendModels();
        }
      }),
      registerExportMeasures(() => [...provider.sessions].find((s) => s.active)),
      registerSelectModel({
        models: () => provider.models(),
        choose: (id) => provider.chooseModel(id),
        chooseEverywhere: (id) => provider.chooseModelEverywhere(id),
      }),
      registerLayerListNavigator(
        (uri) => [...provider.sessions].filter((s) => s.uri.toString() === uri.toString()),
        log,
        VOLUME_VIEW_TYPE,
      ),
      registerEditorKeys((key) => {
        const active = [...provider.sessions].find((s) => s.active);
        active?.sendKey(key);
        return active !== undefined;
      }),
      provider,
    );
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly statusBar: LayerStatusBar,
    private readonly panelLayout: PanelLayoutMemory,
  ) {}

  /** The host engines of this install, looked up once. */
  private hostEngines: HostBackend[] | undefined;

  /** Called by VS Code when a volume file is opened in this editor for the first time. */
  async openCustomDocument(
    uri: vscode.Uri,
    openContext: vscode.CustomDocumentOpenContext,
    _token: vscode.CancellationToken,
  ): Promise<VolumeDocument> {
    this.log.info(`open ${uri.toString(true)}`);
    // A local file is also read in pieces, so its first layer shows before the whole read
    // (issue 17); other schemes (remote, virtual) go through workspace.fs in one read.
    const pieces =
      uri.scheme === 'file'
        ? () => createReadStream(uri.fsPath, { highWaterMark: 1024 * 1024 })
        : undefined;
    const document = await VolumeDocument.create(
      uri,
      openContext.backupId,
      vscode.workspace.fs,
      pieces,
    );
    // One registration for every annotation layer: each change knows its own undo and redo.
    const changes = document.onDidChange((change) =>
      this.changeEmitter.fire({
        document,
        label: change.label,
        undo: () => change.undo(),
        redo: () => change.redo(),
      }),
    );
    document.onDidDispose(() => changes.dispose());
    return document;
  }

  /** Called by VS Code on Save: `<volume>.seg.nii.gz` + sidecar beside the volume. */
  async saveCustomDocument(
    document: VolumeDocument,
    _token: vscode.CancellationToken,
  ): Promise<void> {
    await document.save(confirmOverwrite);
    this.log.info(`saved ${document.segmentation.defaultUri.toString(true)}`);
  }

  /**
   * Called by VS Code on Save As, which then shows `destination` in this editor. A
   * `.seg.nii.gz` destination gets the labels (and its sidecar). Any other name (the dialog
   * proposes the volume's own) is the document's new home: the volume is copied there and its
   * segmentation saved beside it, so the editor VS Code opens next shows both.
   */
  async saveCustomDocumentAs(
    document: VolumeDocument,
    destination: vscode.Uri,
    _token: vscode.CancellationToken,
  ): Promise<void> {
    const name = destination.path.slice(destination.path.lastIndexOf('/') + 1);
    if (/\.seg\.nii\.gz$/i.test(name)) {
      await document.save(confirmOverwrite, destination);
      this.log.info(`saved ${destination.toString(true)}`);
      return;
    }
    if (destination.toString() !== document.uri.toString()) {
      await vscode.workspace.fs.copy(document.uri, destination, { overwrite: true });
    }
    const target = vscode.Uri.joinPath(destination, '..', segmentationFileName(name));
    await document.save(confirmOverwrite, target, destination);
    this.log.info(`saved ${destination.toString(true)} and ${target.toString(true)}`);
  }

  /** Called by VS Code on Revert File: the saved segmentation replaces the edits. */
  async revertCustomDocument(
    document: VolumeDocument,
    _token: vscode.CancellationToken,
  ): Promise<void> {
    await document.revert();
  }

  /** Called by VS Code for hot exit and periodically while dirty. */
  backupCustomDocument(
    document: VolumeDocument,
    context: vscode.CustomDocumentBackupContext,
    _token: vscode.CancellationToken,
  ): Promise<vscode.CustomDocumentBackup> {
    return document.backup(context.destination);
  }

  /** Bundles shipped in `models/` and in the `samOcta2.modelPaths` folders. */
  models(): Promise<ModelEntry[]> {
    const paths = readModelPaths(
      vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>('modelPaths'),
    );
    return listModels(
      vscode.workspace.fs,
      vscode.Uri.joinPath(this.extensionUri, 'models'),
      paths,
      (message) => this.log.warn(message),
    );
  }

  private async chooseModel(id: string): Promise<void> {
    this.preferredModel = id;
    const active = [...this.sessions].find((s) => s.active);
    // Re-picking the running model would reload it and cancel a propagation for nothing.
    // (chooseModelEverywhere always reloads: a fine-tune run may have rewritten the bundle.)
    if (!active || active.runsModel(id)) return;
    await active.sendModels(id);
  }

  private async chooseModelEverywhere(id: string): Promise<void> {
    this.preferredModel = id;
    await Promise.all([...this.sessions].map((s) => s.sendModels(id)));
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
      settings: () => this.settings(),
      hostBinaries: hostBinariesFolder(this.extensionUri.fsPath),
      modelStatusBar: this.modelStatusBar,
      models: () => this.models(),
      preferredModel: () => this.preferredModel,
      panelLayout: this.panelLayout,
    });
    this.sessions.add(session);
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      session.dispose();
    });
    // Read while the webview boots; the session sends the result when the webview is ready.
    document.load().catch(() => undefined);
  }

  /** The settings, with the host engines this install has (issue 17). */
  private settings(): EditorSettings {
    this.hostEngines ??= availableHostEngines(this.extensionUri.fsPath);
    return {
      ...readEditorSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION)),
      hostEngines: this.hostEngines,
    };
  }

  private broadcastSettings(): void {
    const settings = this.settings();
    this.log.info(`settings changed: ${JSON.stringify(settings)}`);
    for (const session of this.sessions) session.settingsChanged(settings);
  }

  dispose(): void {
    for (const session of this.sessions) session.dispose();
    this.sessions.clear();
    this.changeEmitter.dispose();
    this.modelStatusBar.dispose();
  }
}

async function confirmOverwrite(uri: vscode.Uri, problem: string): Promise<boolean> {
  const replace = 'Replace';
  const answer = await vscode.window.showWarningMessage(
    `${uri.path.slice(uri.path.lastIndexOf('/') + 1)} already exists and could not be read as ` +
      `this volume's annotation: ${problem} Replace it with the current one?`,
    { modal: true },
    replace,
  );
  return answer === replace;
}
