/**
 * Every message between the extension host and the volume editor's webview. Both sides import
 * this file and nothing else to talk; it holds types and constants only, no runtime imports.
 *
 * Lifecycle: the webview posts `ready`; the host answers `init` (settings) and then streams the
 * volume as `volumeHeader` + `volumeData` (one ArrayBuffer, never JSON numbers), or `loadError`.
 * The webview keeps its own view state with getState/setState.
 */
import type { Axis, VoxelType } from '../core/volume/volume';

export interface EditorSettings {
  /** 'auto' = longest axis. */
  readonly depthAxis: 'auto' | Axis;
  readonly windowPercentiles: readonly [number, number];
  readonly max3dTextureMB: number;
}

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

export type ToWebviewMessage =
  | InitMessage
  | LoadProgressMessage
  | VolumeHeaderMessage
  | VolumeDataMessage
  | LoadErrorMessage
  | SettingsChangedMessage
  | ModelListMessage
  | ModelFilesMessage
  | ModelErrorMessage
  | SegmentationMessage
  | ApplyEditMessage;

// ---- webview → extension host ----
export interface ReadyMessage {
  readonly type: 'ready';
}
export interface StatusMessage {
  /** Shown by the host in the status bar / used by tests to observe the webview. */
  readonly type: 'status';
  /** 0-based index of the shown layer along the depth axis (shown to users as layer + 1). */
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
  | TrackingStatusMessage;

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

export type TargetKind = 'vessel' | 'faz';

export interface ModelInfo {
  /** Stable key for `selectModel` (e.g. the folder's URI). */
  readonly id: string;
  /** The manifest's name. */
  readonly name: string;
  /** "nano", "tiny", … (manifest model.size). */
  readonly size: string;
  /** Where it was found, for the picker: "extension" or a samOcta2.modelPaths folder. */
  readonly source: string;
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
}

export interface TrackedObjectState {
  /** 1-based; also the object's value in the saved label volume. */
  readonly id: number;
  readonly name: string;
  readonly kind: TargetKind;
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
  | 'deleteObject';

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
  readonly backend: 'webgpu' | 'wasm' | null;
  readonly note: string | null;
}
