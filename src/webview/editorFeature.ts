/**
 * What a feature panel of the editor (tracking, brush, sparse annotation, and whatever comes
 * next) hears from it: its host messages through the table, the settings, and the volume, depth axis, shown
 * layer, projection and view as they change. Every hook is optional; a new panel implements the
 * ones it needs and is added to the app's feature list.
 */
import type { Axis, Volume } from '../core/volume/volume';
import type { EditorSettings, ViewKind, VolumeHeaderInfo } from '../protocol/editorMessages';
import type { MessageTable } from './messageTable';

export interface EditorFeature {
  /** Adds the handlers of the host messages it takes. */
  registerMessages?(table: MessageTable): void;
  /** The host's settings arrived (`init`) or changed, before or after a volume is open. */
  settingsApplied?(settings: EditorSettings): void;
  /** A volume arrived (the first, or a re-sent one after a revert), with the header it came with. */
  volumeOpened?(volume: Volume, axis: Axis, header: VolumeHeaderInfo): void;
  /** The depth range (inclusive; null = every layer) changed, or was set for a new volume or axis. */
  rangeChanged?(range: readonly [number, number] | null): void;
  /** The user picked another depth axis for the same volume. */
  axisChanged?(volume: Volume, axis: Axis): void;
  /** The layer view shows `layer`, a width×height image whose pixels are `aspect` tall. */
  showLayer?(layer: number, width: number, height: number, aspect: number): void;
  /** The projection view shows layers from..to (inclusive) as a width×height image. */
  showProjection?(from: number, to: number, width: number, height: number, aspect: number): void;
  /** The user switched between the layer, projection and 3D views. */
  viewChanged?(view: ViewKind): void;
}
