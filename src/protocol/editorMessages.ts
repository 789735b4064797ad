/**
 * Every message between the extension host and the volume editor's webview. Both sides import
 * this file and nothing else to talk; it holds types and constants only, no runtime imports.
 *
 * Lifecycle: the webview posts `ready`; the host answers `init` (settings) and then streams the
 * volume as `volumeHeader` + `volumeData` (one ArrayBuffer, never JSON numbers), or `loadError`;
 * while a large file is still decompressing, `volumePreview` may bring its first layer first.
 * The webview keeps its own view state with getState/setState.
 */
import type { MeasuredVolume } from '../core/measure/measureReport';
import type { PromptShape } from '../core/tracker/promptShapes';
import type { ObjectKind } from '../core/tracker/trackTypes';
import type { Axis, VoxelType } from '../core/volume/volume';
import type { Backend, FromWorkerMessage, HostBackend, ToWorkerMessage } from './workerMessages';

export interface EditorSettings {
  /** 'auto' = longest axis. */
  readonly depthAxis: 'auto' | Axis;
  readonly windowPercentiles: readonly [number, number];
  readonly max3dTextureMB: number;
  /** Byte budget of the tracker's per-layer feature cache, in MiB (issue 17: bounded memory). */
  readonly embeddingCacheMiB: number;
  /** `samOcta2.inferenceEngine`: where tracking runs (src/engine/engineChoice.ts). */
  readonly inferenceEngine?: InferenceEngineSetting;
  /**
   * The host engines this install can run: empty for the universal .vsix (no onnxruntime-node),
   * else 'host-cpu' and the platform's accelerator (src/extension/tracking/hostEngines.ts).
   */
  readonly hostEngines?: readonly HostBackend[];
}

export type InferenceEngineSetting =
  'auto' | 'webview-webgpu' | 'webview-wasm' | 'host-cpu' | 'host-cuda';

export interface VolumeHeaderInfo {
  readonly fileName: string;
  readonly dims: readonly [number, number, number];
  readonly spacingMm: readonly [number, number, number];
  readonly affine: readonly number[];
  readonly type: VoxelType;
  /** Human-readable notices to show (e.g. "4D file: showing volume 1 of 3"). */
  readonly notices: readonly string[];
  readonly niftiVersion: 1 | 2;
}

// ---- extension host → webview ----
export interface InitMessage {
  readonly type: 'init';
  readonly settings: EditorSettings;
  /**
   * The layer and view keys are VS Code keybindings (issue 16) that arrive as `editorKey`: the
   * webview then leaves those keys to them, or each press would count twice.
   */
  readonly hostKeys?: true;
  /** The workspace's remembered panel layout; absent: the webview's defaults. */
  readonly panels?: PanelLayout;
}

/**
 * Which optional parts of the editor take room from the image (issue 16, item 4), remembered per
 * workspace by the host: the webview posts `panelLayout` when the user changes it.
 */
export interface PanelLayout {
  /** The tracking and brush rows under the main toolbar. */
  readonly toolRows: boolean;
  /** The sparse-annotation panel, open. */
  readonly sparsePanel: boolean;
}

/** Webview → host: the user showed or hid a part of the editor. */
export interface PanelLayoutMessage {
  readonly type: 'panelLayout';
  readonly panels: PanelLayout;
}
export interface LoadProgressMessage {
  readonly type: 'loadProgress';
  /** 0..1, or -1 when unknown. */
  readonly fraction: number;
  readonly stage: string;
}
export interface VolumeHeaderMessage {
  readonly type: 'volumeHeader';
  readonly header: VolumeHeaderInfo;
}
/**
 * The first k-layers of a volume still loading (progressive opening): shown while the rest comes.
 * Unverified: a `loadError` may follow it; `volumeHeader` + `volumeData` always do otherwise.
 */
export interface VolumePreviewMessage {
  readonly type: 'volumePreview';
  /** The whole volume's header (full dims). */
  readonly header: VolumeHeaderInfo;
  /** How many k-layers, from layer 0, `buffer` holds. */
  readonly layers: number;
  /** Those layers' voxels, typed per header.type, laid out as in Volume.data. */
  readonly buffer: ArrayBuffer;
}
export interface VolumeDataMessage {
  readonly type: 'volumeData';
  /** The voxel values, typed per header.type, laid out as in Volume.data. */
  readonly buffer: ArrayBuffer;
}
export interface LoadErrorMessage {
  readonly type: 'loadError';
  /** What is wrong with the file. */
  readonly message: string;
  /** What the editor supports, so the user knows what to do instead. */
  readonly supported: string;
}
export interface SettingsChangedMessage {
  readonly type: 'settingsChanged';
  readonly settings: EditorSettings;
}
/** A layer or view command (samOcta2.nextLayer, …); ignored while a text field has the focus. */
export type EditorKey =
  { readonly layer: 'previous' | 'next' | 'first' | 'last' } | { readonly view: ViewKind };
export interface EditorKeyMessage {
  readonly type: 'editorKey';
  readonly key: EditorKey;
}

export type ToWebviewMessage =
  | InitMessage
  | LoadProgressMessage
  | VolumeHeaderMessage
  | VolumePreviewMessage
  | VolumeDataMessage
  | LoadErrorMessage
  | SettingsChangedMessage
  | EditorKeyMessage
  | ModelListMessage
  | ModelFilesMessage
  | ModelErrorMessage
  | SegmentationMessage
  | ApplyEditMessage
  | RegionsMessage
  | ApplyRegionEditMessage
  | EnfaceRvMessage
  | ApplyEnfaceRvEditMessage
  | SparseToWebviewMessage
  | RequestMeasuresExportMessage
  | EngineReplyMessage;

// ---- webview → extension host ----
export interface ReadyMessage {
  readonly type: 'ready';
}
export interface StatusMessage {
  /** Shown by the host in the status bar / used by tests to observe the webview. */
  readonly type: 'status';
  /** 0-based index of the shown layer along the depth axis (shown to users as is: core/volume/layerNumbers). */
  readonly layer: number;
  readonly layerCount: number;
  readonly view: ViewKind;
}
export interface ShowErrorMessage {
  readonly type: 'showError';
  readonly message: string;
}

export type FromWebviewMessage =
  | ReadyMessage
  | StatusMessage
  | ShowErrorMessage
  | SelectModelMessage
  | EditMessage
  | TrackingStatusMessage
  | RegionEditMessage
  | EnfaceRvEditMessage
  | PanelLayoutMessage
  | SparseFromWebviewMessage
  | ExportMeasuresMessage
  | CopyTextMessage
  | EngineRequestMessage;

export type ViewKind = 'layer' | '3d' | 'projection';

// ---- tracking (issue 4): models, objects, edits ----
//
// Models: the host lists the bundles it found (`models`, also after the setting or the picker
// changes); the webview asks for one with `selectModel` and gets its files as transferred
// ArrayBuffers (`modelFiles`, or `modelError`). The host reads the files, so bundles in user
// folders outside the webview's resource roots work too.
//
// Edits: the host document owns the objects (their prompts and masks) and the undo stack. Every
// user action in the webview (add/rename/delete an object, a click, a propagation, clear) is
// applied in the webview at once and posted as one `edit` holding the object's state before and
// after. The host pushes it on its stack (onDidChangeCustomDocument with undo/redo closures);
// its undo/redo send `applyEdit`, and the webview puts the object into `before` (undo) or
// `after` (redo) state, without posting an edit back. `segmentation` replaces all objects (on
// open from an existing .seg.nii.gz, on revert, after a backup restore).

export interface ModelInfo {
  /** Stable key for `selectModel` (e.g. the folder's URI). */
  readonly id: string;
  /** The manifest's name. */
  readonly name: string;
  /** "nano", "tiny", … (manifest model.size). */
  readonly size: string;
  /** Where it was found, for the picker: "extension" or a samOcta2.modelPaths folder. */
  readonly source: string;
  /** Its measured real-data Dice, for the picker (core/tracker/bundleQuality). */
  readonly quality: string;
  /** Why it is a demo model (a warning in the picker), or null. */
  readonly demo: string | null;
}

export interface PromptPointInfo {
  /** Layer pixel: x = column, y = row. */
  readonly x: number;
  readonly y: number;
  readonly positive: boolean;
}

export interface LayerPromptInfo {
  /** 0-based layer along the depth axis the prompts were given on. */
  readonly layer: number;
  /** In click order. */
  readonly points: readonly PromptPointInfo[];
  /** Scribbles, boxes and lassos drawn on this layer, in drawing order (absent: none). */
  readonly shapes?: readonly PromptShape[];
}

export interface TrackedObjectState {
  /** 1-based; also the object's value in the saved label volume. */
  readonly id: number;
  readonly name: string;
  readonly kind: ObjectKind;
  /** '#rrggbb'. */
  readonly color: string;
  /** Depth axis the prompts' layers run along. */
  readonly axis: Axis;
  readonly prompts: readonly LayerPromptInfo[];
  /**
   * The object's mask over the whole volume in NIfTI voxel order (i fastest, as Volume.data),
   * run-length encoded: a Uint32Array of run lengths alternating outside, inside, outside, …,
   * starting with an outside run (possibly 0). Sums to the voxel count.
   */
  readonly masks: ArrayBuffer;
}

export type TrackingEditKind =
  | 'addObject'
  | 'renameObject'
  | 'setKind'
  | 'prompt'
  | 'propagation'
  | 'clearObject'
  | 'deleteObject'
  /** Paint, erase, fill or clear with the brush tools on one layer (issue 6). */
  | 'brush';

export interface TrackingEdit {
  readonly kind: TrackingEditKind;
  /** For the Edit menu and undo history, e.g. "Point on layer 12". */
  readonly label: string;
  readonly objectId: number;
  /** null: the object did not exist before (addObject). */
  readonly before: TrackedObjectState | null;
  /** null: the object no longer exists (deleteObject). */
  readonly after: TrackedObjectState | null;
}

export interface ModelListMessage {
  readonly type: 'models';
  readonly models: readonly ModelInfo[];
  /** The model to load now (the user's last choice or the default), or null. */
  readonly selected: string | null;
}
export interface ModelFilesMessage {
  readonly type: 'modelFiles';
  readonly id: string;
  readonly name: string;
  /** manifest.json and the four graphs, by file name. */
  readonly files: Readonly<Record<string, ArrayBuffer>>;
}
export interface ModelErrorMessage {
  readonly type: 'modelError';
  readonly id: string;
  readonly message: string;
}
export interface SegmentationMessage {
  readonly type: 'segmentation';
  readonly objects: readonly TrackedObjectState[];
}
export interface ApplyEditMessage {
  readonly type: 'applyEdit';
  readonly edit: TrackingEdit;
  readonly direction: 'undo' | 'redo';
}

export interface SelectModelMessage {
  readonly type: 'selectModel';
  readonly id: string;
}
export interface EditMessage {
  readonly type: 'edit';
  readonly edit: TrackingEdit;
}
export interface TrackingStatusMessage {
  /** For the status bar: which model runs on which backend, or why none does. */
  readonly type: 'trackingStatus';
  readonly model: string | null;
  readonly backend: Backend | null;
  readonly note: string | null;
}

/**
 * Webview → host: a message for the host engine (src/extension/tracking/hostEngine.ts), the
 * tracker worker's protocol carried over the editor's channel (`init` is the worker's alone).
 */
export interface EngineRequestMessage {
  readonly type: 'engineRequest';
  readonly message: Exclude<ToWorkerMessage, { readonly type: 'init' }>;
}
/** Host → webview: the host engine's answer, as the worker would give it. */
export interface EngineReplyMessage {
  readonly type: 'engineReply';
  readonly message: FromWorkerMessage;
}

// ---- vessel regions of the sparse workflow (issue 6) ----
//
// The document owns the "vessel region" annotation (docs/sparse-annotation.md, section
// "Regions in the editor"): one binary region mask over the volume, the annotated layers and
// the depth axis they run along. The webview paints it with the brush tools and posts each
// stroke as one `regionEdit`; the host pushes it on the document's undo stack (together with
// the tracking edits) and answers every editor of the document with `applyRegionEdit` (the
// editor it came from gets `edit: null`, it already shows the voxels, but the new `layers`).
// Host-side changes (the sparse panel accepting a prediction, marking a layer annotated, undo,
// redo) reach every editor as `applyRegionEdit`; `regions` replaces everything (on open, revert,
// backup restore).

// Region voxels hold REGION_LABEL (src/core/sparse/sparseConstants.ts) in edits.

/** Host → webview: the whole region annotation. */
export interface RegionsMessage {
  readonly type: 'regions';
  /** Depth axis the annotated layers run along. */
  readonly axis: Axis;
  /** Annotated layer indices along `axis`, ascending. */
  readonly layers: readonly number[];
  /** The region mask over the whole volume, run-length encoded as TrackedObjectState.masks. */
  readonly mask: ArrayBuffer;
}

/** Host → webview: one change of the region annotation. */
export interface ApplyRegionEditMessage {
  readonly type: 'applyRegionEdit';
  /**
   * A label edit (src/core/labels/labelEditCodec.ts) over the whole volume, voxel indices in
   * NIfTI order: apply it (`redo`) or revert it (`undo`). null: the voxels did not change here
   * (a layer was only marked, or the receiving editor made the edit itself).
   */
  readonly edit: ArrayBuffer | null;
  readonly direction: 'undo' | 'redo';
  /** The axis and annotated layers after the change. */
  readonly axis: Axis;
  readonly layers: readonly number[];
}

/**
 * Webview → host: one brush stroke (or fill, or clear layer) on the region, already shown in the
 * webview. The edit's layer (labelEditCodec's layer field) must be set: the host adds that layer
 * to the annotated layers in the same undo step.
 */
export interface RegionEditMessage {
  readonly type: 'regionEdit';
  /** For the Edit menu and undo history, e.g. "Paint region on layer 12". */
  readonly label: string;
  /** labelEditCodec encoding; new values are REGION_LABEL (paint, fill) or 0 (erase, clear). */
  readonly edit: ArrayBuffer;
}

// ---- en-face RV annotation (issue 6): vessels drawn on the projection view ----
//
// One W×H plane in the volume's (x, y) plane (pixel = x + W · y), saved as `<name>.rv2d.nii.gz`;
// it is painted on the projection view while the depth axis is k. `enfaceRv` replaces it (open,
// revert), `applyEnfaceRvEdit` is one change (a stroke, undo, redo), `enfaceRvEdit` a stroke.

/** Host → webview: the whole en-face RV annotation. */
export interface EnfaceRvMessage {
  readonly type: 'enfaceRv';
  /** The plane's 0/1 mask, run-length encoded as RegionsMessage.mask. */
  readonly mask: ArrayBuffer;
}

/** Host → webview: one change; `edit` null when the receiving editor made it itself. */
export interface ApplyEnfaceRvEditMessage {
  readonly type: 'applyEnfaceRvEdit';
  /** labelEditCodec encoding over the plane (dims W, H, 1). */
  readonly edit: ArrayBuffer | null;
  readonly direction: 'undo' | 'redo';
}

/** Webview → host: one brush stroke (or fill, or clear) on the en-face RV, already shown. */
export interface EnfaceRvEditMessage {
  readonly type: 'enfaceRvEdit';
  readonly label: string;
  /** labelEditCodec encoding over the plane (dims W, H, 1); new values 0 or 1. */
  readonly edit: ArrayBuffer;
}

// SparsePanelSettings.enfacePath ENFACE_DRAWN (src/core/sparse/sparseConstants.ts) means "the
// en-face RV drawn on the projection view".

// ---- sparse-annotation panel (issue 6): screen, sample, train, predict, review, finish ----
//
// The webview screens and samples layers itself (it holds the volume) and keeps the panel's
// settings in the regions sidecar (`sparseSettings`, written with the next save). Training and
// prediction run on the host as `samocta2-region` tasks (`sparseRun`), reported back with
// `sparseStatus`; a finished prediction arrives as `sparsePrediction` (the region-predict map,
// also sent on open when one exists). Accepting a reviewed layer (`sparseAccept`) and marking
// a layer annotated (`sparseMark`) change the region annotation on the host, undoably; the
// editors hear of it as `applyRegionEdit`. `sparseFinish` writes `<name>.vessels.nii.gz`.

export type SparseTask = 'train' | 'predict' | 'finish';
export type SparseDevice = 'auto' | 'cpu' | 'cuda';

/** The panel's choices, kept in `<name>.regions.json` beside the annotated layers. */
export interface SparsePanelSettings {
  /** Blank-layer threshold: fraction of a layer's pixels with signal (screenBlankLayers). */
  readonly blankThreshold: number;
  readonly sampleCount: number;
  readonly sampleSeed: number;
  /** The sampled layers in draw order. */
  readonly sampled: readonly number[];
  readonly trainSteps: number;
  readonly device: SparseDevice;
  /** The en-face RV annotation file for the finish step ('' = none chosen). */
  readonly enfacePath: string;
}

/** Host → webview, after `regions`: stored settings (null: none yet) and what exists on disk. */
export interface SparseStateMessage {
  readonly type: 'sparseState';
  readonly settings: SparsePanelSettings | null;
  /** The folder the train step reads (every annotated volume in it). */
  readonly folder: string;
  /** A trained region model exists (region-runs/run-NNN/checkpoint.pt). */
  readonly hasModel: boolean;
}

/** Host → webview: a task's progress or end. */
export interface SparseStatusMessage {
  readonly type: 'sparseStatus';
  readonly task: SparseTask;
  readonly phase: 'running' | 'done' | 'failed' | 'stopped';
  readonly text: string;
  /** 0..1, or -1 when unknown. */
  readonly fraction: number;
}

/** Host → webview: region-predict's smoothed probability maps (docs/sparse-annotation.md §2). */
export interface SparsePredictionMessage {
  readonly type: 'sparsePrediction';
  readonly axis: Axis;
  /** The predicted layers; the others are "not predicted". */
  readonly layers: readonly number[];
  /** uint8 over the whole volume in NIfTI voxel order, value = round(255 p). */
  readonly buffer: ArrayBuffer;
  /** Training step of the checkpoint that predicted. */
  readonly step: number | null;
}

/** Host → webview: the path the user picked with Browse. */
export interface SparseBrowsedMessage {
  readonly type: 'sparseBrowsed';
  readonly path: string;
}

/** Webview → host: remember the panel's settings (written into the sidecar on save). */
export interface SparseSettingsMessage {
  readonly type: 'sparseSettings';
  readonly settings: SparsePanelSettings;
}

/** Webview → host: run `region-train` on the folder or `region-predict` on `layers`. */
export interface SparseRunMessage {
  readonly type: 'sparseRun';
  readonly task: 'train' | 'predict';
  readonly device: SparseDevice;
  /** train: optimizer steps. */
  readonly steps: number;
  /** predict: the non-blank layers (along the annotation's axis). */
  readonly layers: readonly number[];
}

/** Webview → host: stop the running task (the trainer saves first). */
export interface SparseStopMessage {
  readonly type: 'sparseStop';
}

/** Webview → host: the predicted region of `layer` becomes its annotated region. */
export interface SparseAcceptMessage {
  readonly type: 'sparseAccept';
  readonly layer: number;
}

/** Webview → host: mark `layer` annotated (its region, maybe empty, is training data) or not. */
export interface SparseMarkMessage {
  readonly type: 'sparseMark';
  readonly layer: number;
  readonly annotated: boolean;
}

/** Webview → host: write `<name>.vessels.nii.gz` from the en-face RV file `enfacePath`. */
export interface SparseFinishMessage {
  readonly type: 'sparseFinish';
  /** Absolute, or relative to the volume's folder. */
  readonly enfacePath: string;
}

/** Webview → host: pick the en-face RV file with the open dialog. */
export interface SparseBrowseMessage {
  readonly type: 'sparseBrowse';
}

/**
 * Host → webview: show `layer` along `axis`, an item of a dataset layer list
 * (docs/sparse-annotation.md §6); `text` says where in the list the user is.
 */
export interface SparseListItemMessage {
  readonly type: 'sparseListItem';
  readonly axis: Axis;
  readonly layer: number;
  readonly text: string;
}

export type SparseToWebviewMessage =
  | SparseStateMessage
  | SparseStatusMessage
  | SparsePredictionMessage
  | SparseBrowsedMessage
  | SparseListItemMessage;

export type SparseFromWebviewMessage =
  | SparseSettingsMessage
  | SparseRunMessage
  | SparseStopMessage
  | SparseAcceptMessage
  | SparseMarkMessage
  | SparseFinishMessage
  | SparseBrowseMessage;

// ---- measures (issue 19) ----
//
// The webview measures its objects (src/core/measure, in a worker) for the Measures panel. The
// "Export Measures…" command asks the active editor for them (`requestMeasuresExport`); the
// panel's Export button and that request both answer `exportMeasures` with the measured volume,
// which the host writes as CSV and JSON through the CLI's formatter, adding the model that made
// the masks from its document. "Copy as TSV" goes through the host's clipboard (`copyText`).

/** Host → webview: send `exportMeasures` for the current objects and depth range. */
export interface RequestMeasuresExportMessage {
  readonly type: 'requestMeasuresExport';
}

/** Webview → host: write these measures to files the user picks. */
export interface ExportMeasuresMessage {
  readonly type: 'exportMeasures';
  readonly measured: MeasuredVolume;
}

/** Webview → host: put `text` on the clipboard; `what` names it in the confirmation. */
export interface CopyTextMessage {
  readonly type: 'copyText';
  readonly text: string;
  readonly what: string;
}
