/**
 * The region annotation's messages to the webview (`regions`, `applyRegionEdit`) and the
 * decoding of the webview's `regionEdit`, whose edit arrives as whatever binary view the
 * message transport delivers.
 */
import type { LabelEdit } from '../../core/labels/labelEdit';
import { decodeLabelEdit, encodeLabelEdit } from '../../core/labels/labelEditCodec';
import type { ApplyRegionEditMessage, RegionsMessage } from '../../protocol/editorMessages';
import type { RegionAnnotation, RegionChange } from './regionAnnotation';

export const regionMessages = {
  full(regions: RegionAnnotation): RegionsMessage {
    const runs = regions.toRuns();
    return {
      type: 'regions',
      axis: regions.axis,
      layers: [...regions.annotatedLayers],
      mask: runs.buffer as ArrayBuffer,
    };
  },

  /** `shown`: the receiving editor made the change and already shows its voxels. */
  change(change: RegionChange, direction: 'undo' | 'redo', shown: boolean): ApplyRegionEditMessage {
    const state = direction === 'redo' ? change.after : change.before;
    return {
      type: 'applyRegionEdit',
      edit: change.edit && !shown ? encodeLabelEdit(change.edit) : null,
      direction,
      axis: state.axis,
      layers: [...state.layers],
    };
  },
};

export function regionEditFromMessage(bytes: ArrayBuffer | ArrayBufferView): LabelEdit {
  const view =
    bytes instanceof ArrayBuffer
      ? new Uint8Array(bytes)
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeLabelEdit(view);
}
