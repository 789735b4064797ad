/**
 * The webview's side of the region annotation's messages (issue 6): takes `regions` and
 * `applyRegionEdit` from the host into a RegionLayers (keeping a `regions` that arrives before
 * the volume), and posts each finished region edit as `regionEdit`, updating the annotated
 * layers at once as the host will.
 */
import type { LabelEdit } from '../../core/labels/labelEdit';
import { decodeLabelEdit, encodeLabelEdit } from '../../core/labels/labelEditCodec';
import type { Axis } from '../../core/volume/volume';
import type {
  FromWebviewMessage,
  RegionsMessage,
  ToWebviewMessage,
} from '../../protocol/editorMessages';
import { toVolumeEdit } from './layerStroke';
import { RegionLayers } from './regionLayers';

export class RegionMirror {
  private layersOf: RegionLayers | null = null;
  private pending: RegionsMessage | null = null;
  /** Region edits posted so far. */
  posted = 0;

  constructor(private readonly post: (message: FromWebviewMessage) => void) {}

  /** The annotation, once a volume is open. */
  get regions(): RegionLayers | null {
    return this.layersOf;
  }

  /** Takes the region messages; false for any other message. */
  handle(message: ToWebviewMessage): boolean {
    if (message.type !== 'regions' && message.type !== 'applyRegionEdit') return false;
    const regions = this.layersOf;
    if (!regions) {
      if (message.type === 'regions') this.pending = message;
      return true;
    }
    if (message.type === 'regions') {
      regions.setRuns(new Uint32Array(message.mask));
      regions.loaded = true;
    } else if (message.edit) {
      regions.applyEdit(decodeLabelEdit(message.edit), message.direction);
    }
    regions.axis = message.axis;
    regions.layers = [...message.layers];
    return true;
  }

  volumeOpened(dims: readonly [number, number, number], axis: Axis): void {
    this.layersOf = new RegionLayers(dims, axis);
    const pending = this.pending;
    this.pending = null;
    if (pending) this.handle(pending);
  }

  axisChanged(axis: Axis): void {
    this.layersOf?.setViewAxis(axis);
  }

  /** A finished edit of `layer` (layer-pixel indices), already shown: tell the host. */
  commit(layer: number, edit: LabelEdit | null, label: string): void {
    const regions = this.layersOf;
    if (!regions) return;
    regions.prune(layer);
    if (!edit) return;
    const volumeEdit = toVolumeEdit(edit, regions.dims, regions.layerAxis, layer);
    this.post({ type: 'regionEdit', label, edit: encodeLabelEdit(volumeEdit) });
    this.posted++;
    // The host adds the layer to the annotated ones and confirms with `applyRegionEdit`.
    if (regions.layers.length === 0) regions.axis = regions.layerAxis;
    if (!regions.layers.includes(layer)) {
      regions.layers = [...regions.layers, layer].sort((a, b) => a - b);
    }
  }
}
