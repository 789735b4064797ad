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
  | SettingsChangedMessage;

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

export type FromWebviewMessage = ReadyMessage | StatusMessage | ShowErrorMessage;

export type ViewKind = 'layer' | '3d' | 'projection';
