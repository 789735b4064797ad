/**
 * One webview showing one VolumeDocument: answers the webview's `ready` with the settings, the
 * volume, its segmentation and the model list, relays progress, turns load failures into
 * `loadError`, sends model files on `selectModel`, hands `edit`s to the document and mirrors the
 * document's changes back, and shows `status` / `trackingStatus` in the status bar. A failure
 * here stays in this editor: it is shown in the webview and logged, never thrown into VS Code.
 */
import * as vscode from 'vscode';
import type { MeasuredVolume } from '../core/measure/measureReport';
import { showErrorWithLog } from './notifications';
import type {
  EditorKey,
  EditorSettings,
  EngineRequestMessage,
  FromWebviewMessage,
  SparseListItemMessage,
  ToWebviewMessage,
  TrackedObjectState,
  TrackingEdit,
  TrackingStatusMessage,
} from '../protocol/editorMessages';
import type { Backend } from '../protocol/workerMessages';
import type { LayerStatusBar } from './layerStatusBar';
import { exportMeasures } from './measures/measuresExport';
import { regionEditFromMessage } from './regions/regionMessages';
import type { RegionsLayer } from './regions/regionsLayer';
import { sparseHost } from './sparse/registerSparse';
import { isSparseMessage } from './sparse/sparseMessages';
import { SparseSession } from './sparse/sparseSession';
import { type ModelEntry, modelSource, readModelFiles } from './models/modelCatalog';
import { HostEngine } from './tracking/hostEngine';
import type { ModelStatusBar } from './models/modelStatusBar';
import type { AnyAnnotationLayer, VolumeDocument } from './volumeDocument';
import type { VolumePreview } from './volumeLoader';
import { SUPPORTED_FILES, VolumeLoadError } from './volumeLoadError';
import { isPanelLayout, type PanelLayoutMemory } from './panelLayoutMemory';

export interface SessionContext {
  readonly log: vscode.LogOutputChannel;
  readonly statusBar: LayerStatusBar;
  readonly settings: () => EditorSettings;
  readonly modelStatusBar: ModelStatusBar;
  /** The bundles found now (extension + samOcta2.modelPaths). */
  readonly models: () => Promise<ModelEntry[]>;
  /** The model new editors load: the user's last pick, else the first found. */
  readonly preferredModel: () => string | undefined;
  /** The panel layout the user last chose in this workspace (issue 16, item 4). */
  readonly panelLayout: PanelLayoutMemory;
  /** The onnxruntime-node binaries of this install, where the CUDA provider goes (issue 17). */
  readonly hostBinaries?: string;
}

/**
 * What was already reported of each document: layer keys whose unreadable file the user was
 * told about, and `<key>:notices` for layers whose load notices were logged.
 */
const reportedProblems = new WeakMap<VolumeDocument, Set<string>>();

export class VolumeEditorSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** The layer list item this editor shows, re-sent with the volume (a reloaded webview). */
  private listItem: SparseListItemMessage | undefined;
  private volumeSent = false;
  /** Counts `ready`s, so a slow load answers only the webview instance that asked for it. */
  private generation = 0;
  private trackingStatus: TrackingStatusMessage | undefined;
  /** The bundle whose files this webview was last sent (undefined until one is). */
  private sentModelId: string | undefined;
  /** The sparse-annotation panel's host half (issue 6); undefined before registerSparse. */
  private readonly sparse: SparseSession | undefined;
  /** Tracking on the extension host (issue 17), started by the webview's first request. */
  private hostEngine: HostEngine | undefined;

  constructor(
    private readonly document: VolumeDocument,
    private readonly panel: vscode.WebviewPanel,
    private readonly context: SessionContext,
  ) {
    const sparse = sparseHost();
    this.sparse = sparse
      ? new SparseSession(document, (m) => this.post(m), { ...sparse, log: context.log })
      : undefined;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      panel.onDidChangeViewState(() => {
        if (!panel.active) {
          context.statusBar.hide(this);
          context.modelStatusBar.hide(this);
        } else if (this.trackingStatus) {
          // The webview sends its tracking status only when it changes.
          context.modelStatusBar.show(this, this.trackingStatus);
        }
      }),
      ...document.layers.flatMap((layer) => [
        layer.onDidApply((applied) => {
          const message = layer.changeMessage(applied, applied.origin === this);
          if (message) this.post(message);
        }),
        layer.onDidReplace(() => void this.sendLayer(layer)),
      ]),
    );
  }

  get active(): boolean {
    return this.panel.active;
  }

  get uri(): vscode.Uri {
    return this.document.uri;
  }

  /** The document's region annotation (what a dataset layer list's "done" reads and marks). */
  regionsReady(): Promise<RegionsLayer> {
    return this.document.regionsReady();
  }

  /** Shows a dataset layer list's item (layerListNavigator.ts): now, or once the volume is sent. */
  showListItem(message: SparseListItemMessage): void {
    this.listItem = message;
    if (this.volumeSent) this.post(message);
  }

  /** Sends the model list, asking the webview to load `selected` (the picker's choice). */
  /** True when `id` is the model this editor already runs: picking it again changes nothing. */
  runsModel(id: string): boolean {
    return this.sentModelId === id;
  }

  async sendModels(selected?: string): Promise<void> {
    const models = await this.context.models();
    const wanted = selected ?? this.context.preferredModel();
    const pick = models.find((m) => m.id === wanted) ?? models[0];
    this.post({
      type: 'models',
      models: models.map(({ uri: _uri, ...info }) => info),
      selected: pick?.id ?? null,
    });
  }

  private async sendModelFiles(id: string): Promise<void> {
    const model = (await this.context.models()).find((m) => m.id === id);
    if (!model) {
      this.post({ type: 'modelError', id, message: `no model bundle ${id} is listed any more.` });
      return;
    }
    const reply = await readModelFiles(vscode.workspace.fs, model);
    if (reply.type === 'modelError') {
      this.context.log.error(`${this.document.fileName}: model ${model.name}: ${reply.message}`);
    }
    this.sentModelId = reply.type === 'modelError' ? undefined : id;
    this.post(reply);
  }

  /** Sends `layer` whole, and tells the user once per document when its file was unreadable. */
  private async sendLayer(
    layer: AnyAnnotationLayer,
    current: () => boolean = () => true,
  ): Promise<void> {
    try {
      await this.document.ready(layer);
      if (!current()) return;
      this.post(layer.fullMessage());
      const problem = layer.problem;
      const reported = reportedProblems.get(this.document) ?? new Set<string>();
      // Notices (a save completed, an old sidecar unchecked) go to the log, once per document.
      if (!reported.has(`${layer.key}:notices`)) {
        reported.add(`${layer.key}:notices`);
        for (const notice of layer.notices) {
          this.context.log.info(`${this.document.fileName}: ${notice}`);
        }
      }
      reportedProblems.set(this.document, reported);
      if (problem && !reported.has(layer.key)) {
        reported.add(layer.key);
        this.context.log.warn(`${this.document.fileName}: ${problem}`);
        void vscode.window.showWarningMessage(
          vscode.l10n.t('SAM-OCTA2: {0} {1}', problem, layer.notLoadedNote),
        );
      }
    } catch (error) {
      // The volume failed to load: sendVolume already reported it.
      this.context.log.debug(`${this.document.fileName}: no ${layer.key}: ${String(error)}`);
    }
  }

  /**
   * Hands an editor's change to its layer. A refused one (bad input) is reported, and the layer
   * re-sent, since the webview already shows the change.
   */
  private layerEdit(layer: AnyAnnotationLayer, what: string, edit: () => void): void {
    try {
      this.context.log.info(`${this.document.fileName}: ${what}`);
      edit();
    } catch (error) {
      const message = `${layer.editName} refused: ${(error as Error).message}`;
      this.context.log.warn(`${this.document.fileName}: ${message}`);
      void showErrorWithLog(vscode.l10n.t('SAM-OCTA2: {0}', message));
      void this.sendLayer(layer);
    }
  }

  /** Sends new settings after the user changed `samOcta2.*`. */
  settingsChanged(settings: EditorSettings): void {
    this.post({ type: 'settingsChanged', settings });
  }

  private onMessage(message: unknown): void {
    if (isSparseMessage(message)) {
      this.sparse?.handle(message);
      return;
    }
    if (!isFromWebviewMessage(message)) {
      const type = (message as { type?: unknown } | null)?.type;
      this.context.log.warn(
        `${this.document.fileName}: ignored an unknown or malformed webview message` +
          (typeof type === 'string' ? ` (${type.slice(0, 40)})` : ''),
      );
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
        void showErrorWithLog(vscode.l10n.t('SAM-OCTA2: {0}', message.message));
        return;
      case 'selectModel':
        void this.sendModelFiles(message.id);
        return;
      case 'edit': {
        const { edit } = message;
        const layer = this.document.segmentation;
        this.layerEdit(layer, `edit "${edit.label}"`, () =>
          layer.editFromWebview(withBufferMasks(edit), this),
        );
        return;
      }
      case 'regionEdit': {
        const { label, edit } = message;
        const layer = this.document.regions;
        this.layerEdit(layer, `region edit "${label}"`, () =>
          layer.editFromWebview(label, regionEditFromMessage(edit), this),
        );
        return;
      }
      case 'enfaceRvEdit': {
        const { label, edit } = message;
        const layer = this.document.enfaceRv;
        this.layerEdit(layer, `en-face RV edit "${label}"`, () =>
          layer.editFromWebview(label, regionEditFromMessage(edit), this),
        );
        return;
      }
      case 'exportMeasures':
        void this.exportMeasures(message.measured);
        return;
      case 'copyText':
        void vscode.env.clipboard
          .writeText(message.text)
          .then(() => vscode.window.showInformationMessage(`SAM-OCTA2: copied ${message.what}.`));
        return;
      case 'trackingStatus':
        this.trackingStatus = message;
        this.document.segmentation.model = message.model;
        if (this.panel.active) this.context.modelStatusBar.show(this, message);
        return;
      case 'panelLayout':
        this.context.panelLayout.remember(message.panels);
        return;
      case 'engineRequest':
        this.engine().receive(message.message);
        return;
    }
  }

  private engine(): HostEngine {
    this.hostEngine ??= new HostEngine({
      post: (message) => this.post({ type: 'engineReply', message }),
      volume: async () => (await this.document.load()).volume,
      bundleSource: async (id) => {
        const model = (await this.context.models()).find((m) => m.id === id);
        if (!model) throw new Error(`no model bundle ${id} is listed any more.`);
        return modelSource(vscode.workspace.fs, model);
      },
      binariesFolder: this.context.hostBinaries ?? "the extension's onnxruntime-node binaries",
    });
    return this.hostEngine;
  }

  /** A layer or view command (commands/editorKeys.ts) for this editor's webview. */
  sendKey(key: EditorKey): void {
    this.post({ type: 'editorKey', key });
  }

  /** "Export Measures…" from the command palette: the webview answers `exportMeasures`. */
  requestMeasuresExport(): void {
    this.post({ type: 'requestMeasuresExport' });
  }

  private async exportMeasures(measured: MeasuredVolume): Promise<void> {
    const { uri, fileName } = this.document;
    try {
      const model = this.document.segmentation.model;
      const written = await exportMeasures({ uri, fileName, model }, measured);
      if (!written) return;
      const names = [written.csv, written.json].map((u) =>
        u.path.slice(u.path.lastIndexOf('/') + 1),
      );
      this.context.log.info(`${fileName}: exported measures to ${names.join(' and ')}`);
      void vscode.window.showInformationMessage(`SAM-OCTA2: wrote ${names.join(' and ')}.`);
    } catch (error) {
      const message = `Measures not exported: ${(error as Error).message}`;
      this.context.log.warn(`${fileName}: ${message}`);
      void showErrorWithLog(vscode.l10n.t('SAM-OCTA2: {0}', message));
    }
  }

  /** Answers every `ready`: a reloaded webview has lost everything but its saved view state. */
  private async sendVolume(): Promise<void> {
    const generation = ++this.generation;
    const current = (): boolean => !this.disposed && generation === this.generation;
    const panels = this.context.panelLayout.recall();
    this.post({
      type: 'init',
      settings: this.context.settings(),
      hostKeys: true,
      ...(panels && { panels }),
    });

    const progress = this.document.onDidProgress((p) => {
      if (current()) this.post({ type: 'loadProgress', fraction: p.fraction, stage: p.stage });
    });
    const last = this.document.progress;
    if (last) this.post({ type: 'loadProgress', fraction: last.fraction, stage: last.stage });
    const postPreview = (p: VolumePreview): void => {
      if (current()) this.post({ type: 'volumePreview', ...p });
    };
    const previews = this.document.onDidPreview(postPreview);
    if (this.document.preview) postPreview(this.document.preview);
    try {
      const started = Date.now();
      const loaded = await this.document.load();
      if (!current()) return;
      this.post({ type: 'volumeHeader', header: loaded.header });
      this.post({ type: 'volumeData', buffer: loaded.buffer });
      for (const layer of this.document.layers) await this.sendLayer(layer, current);
      if (current())
        await this.sparse
          ?.sendState()
          .catch((e: unknown) =>
            this.context.log.warn(`${this.document.fileName}: sparse panel: ${String(e)}`),
          );
      if (current()) {
        this.volumeSent = true;
        if (this.listItem) this.post(this.listItem);
      }
      if (current()) await this.sendModels();
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
      previews.dispose();
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
    this.sparse?.dispose();
    this.context.statusBar.hide(this);
    this.context.modelStatusBar.hide(this);
    void this.hostEngine?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

const FROM_WEBVIEW_TYPES: ReadonlySet<string> = new Set<FromWebviewMessage['type']>([
  'ready',
  'status',
  'showError',
  'selectModel',
  'edit',
  'trackingStatus',
  'regionEdit',
  'enfaceRvEdit',
  'exportMeasures',
  'copyText',
  'panelLayout',
  'engineRequest',
]);

const ENGINE_REQUEST_TYPES: ReadonlySet<string> = new Set<EngineRequestMessage['message']['type']>([
  'loadModel',
  'setVolume',
  'preview',
  'track',
  'cancel',
]);
const BACKENDS: ReadonlySet<unknown> = new Set<Backend>([
  'webgpu',
  'wasm',
  'host-cpu',
  'host-cuda',
  'host-coreml',
  'host-dml',
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
  if (type === 'selectModel') return typeof (value as { id?: unknown }).id === 'string';
  if (type === 'edit') return isTrackingEdit((value as { edit?: unknown }).edit);
  if (type === 'regionEdit' || type === 'enfaceRvEdit') {
    const { label, edit } = value as Record<string, unknown>;
    return typeof label === 'string' && isBinary(edit);
  }
  if (type === 'exportMeasures')
    return isMeasuredVolume((value as { measured?: unknown }).measured);
  if (type === 'copyText') {
    const { text, what } = value as Record<string, unknown>;
    return typeof text === 'string' && typeof what === 'string';
  }
  if (type === 'panelLayout') return isPanelLayout((value as { panels?: unknown }).panels);
  if (type === 'trackingStatus') {
    const { model, backend } = value as Record<string, unknown>;
    return (
      (model === null || typeof model === 'string') && (backend === null || BACKENDS.has(backend))
    );
  }
  if (type === 'engineRequest') {
    const request = (value as { message?: unknown }).message as { type?: unknown } | null;
    return (
      typeof request === 'object' &&
      request !== null &&
      ENGINE_REQUEST_TYPES.has(request.type as string)
    );
  }
  return true;
}

function isTrackingEdit(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { objectId, before, after, label } = value as Record<string, unknown>;
  const state = (s: unknown): boolean =>
    s === null ||
    (typeof s === 'object' &&
      (s as { id?: unknown }).id === objectId &&
      isBinary((s as { masks?: unknown }).masks));
  return typeof objectId === 'number' && typeof label === 'string' && state(before) && state(after);
}

/** The parts of a measured volume the export reads; the rest is passed through as measured. */
function isMeasuredVolume(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { volume, geometry, measures } = value as Record<string, unknown>;
  const m = measures as Record<string, unknown> | null;
  return (
    typeof volume === 'string' &&
    typeof geometry === 'object' &&
    geometry !== null &&
    typeof m === 'object' &&
    m !== null &&
    Array.isArray(m.range) &&
    Array.isArray(m.trees) &&
    Array.isArray(m.notices)
  );
}

function isBinary(value: unknown): boolean {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** Masks as plain ArrayBuffers, whatever view the message transport delivered them as. */
function withBufferMasks(edit: TrackingEdit): TrackingEdit {
  const fix = (s: TrackedObjectState | null): TrackedObjectState | null => {
    if (!s || s.masks instanceof ArrayBuffer) return s;
    const view = s.masks as ArrayBufferView;
    const copy = new Uint8Array(view.byteLength);
    copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    return { ...s, masks: copy.buffer };
  };
  return { ...edit, before: fix(edit.before), after: fix(edit.after) };
}
