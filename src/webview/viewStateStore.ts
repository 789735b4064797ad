/**
 * The editor's current view state and settings: the record the views follow, saved to the
 * webview's state (batched: layer stepping changes it many times a second and `setState`
 * serializes), and the host's settings it falls back on.
 */
import { DEFAULT_EMBEDDING_CACHE_MIB } from '../core/tracker/embeddingCache';
import type { Axis } from '../core/volume/volume';
import type { EditorSettings } from '../protocol/editorMessages';
import { sanitizeViewState, type ViewState } from './viewState';
import type { HostClient } from './vscodeApi';

/** Until the host's `init` arrives. */
const DEFAULT_SETTINGS: EditorSettings = {
  depthAxis: 'auto',
  windowPercentiles: [1, 99.5],
  max3dTextureMB: 256,
  embeddingCacheMiB: DEFAULT_EMBEDDING_CACHE_MIB,
};
/** Quiet time before the state is saved. */
const SAVE_DELAY_MS = 200;

export class ViewStateStore {
  private value: ViewState;
  private saveTimer: number | undefined;
  settings: EditorSettings = DEFAULT_SETTINGS;

  /** Starts from what the webview saved last (anything invalid falls back to defaults). */
  constructor(private readonly host: HostClient<ViewState>) {
    this.value = sanitizeViewState(host.loadState());
  }

  get current(): ViewState {
    return this.value;
  }

  update(patch: Partial<ViewState>): void {
    this.value = { ...this.value, ...patch };
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.host.saveState(this.value), SAVE_DELAY_MS);
  }

  /** Changes the state without saving it: values derived from a newly opened volume. */
  adjust(patch: Partial<ViewState>): void {
    this.value = { ...this.value, ...patch };
  }

  /** The depth axis asked for: the user's choice in this editor, else the setting. */
  axisSetting(): 'auto' | Axis {
    return this.value.depthAxis ?? this.settings.depthAxis;
  }
}
