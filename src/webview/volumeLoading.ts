/**
 * The host messages that bring a volume in: settings, load progress, a preview of the first layer
 * while the rest decompresses, the header and the voxels (either may come first; the volume opens
 * once both are here), and load errors.
 */
import type { EditorSettings, VolumeHeaderInfo } from '../protocol/editorMessages';
import type { MessageOf, MessageTable } from './messageTable';
import type { ViewportNotices } from './viewportNotices';

/** Where the loading messages lead (the view controller). */
export interface VolumeLoadingTarget {
  /** True once a volume is shown: later progress messages are for a re-send and stay quiet. */
  readonly loaded: boolean;
  applySettings(settings: EditorSettings): void;
  /** Shows the first `layers` k-layers of a volume still loading (ignored once one is shown). */
  preview(header: VolumeHeaderInfo, layers: number, buffer: ArrayBuffer): void;
  open(header: VolumeHeaderInfo, buffer: ArrayBuffer): void;
  fail(message: string, supported: string): void;
}

export function registerVolumeLoading(
  table: MessageTable,
  target: VolumeLoadingTarget,
  notices: ViewportNotices,
): void {
  let header: VolumeHeaderInfo | null = null;
  let pendingBuffer: ArrayBuffer | null = null;
  const settings = (message: MessageOf<'init' | 'settingsChanged'>) =>
    target.applySettings(message.settings);
  table.on('init', settings);
  table.on('settingsChanged', settings);
  table.on('loadProgress', (message) => {
    if (!target.loaded) notices.progress(message.fraction, message.stage);
  });
  table.on('volumePreview', (message) => {
    if (!target.loaded) target.preview(message.header, message.layers, message.buffer);
  });
  table.on('volumeHeader', (message) => {
    header = message.header;
    notices.progress(-1, 'Receiving voxels…');
    if (pendingBuffer) {
      const buffer = pendingBuffer;
      pendingBuffer = null;
      target.open(header, buffer);
    }
  });
  table.on('volumeData', (message) => {
    if (header) target.open(header, message.buffer);
    else pendingBuffer = message.buffer;
  });
  table.on('loadError', (message) => target.fail(message.message, message.supported));
}
