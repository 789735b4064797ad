/**
 * One brush action on one layer's mask (rows × cols bytes, 1 inside), with the core label
 * operations (src/core/labels) doing the geometry: a stroke collects a dab per pointer move and
 * ends as one merged edit; fill and clear are single edits. Edits made here address layer
 * pixels; `toVolumeEdit` turns one into the host's whole-volume voxel indices.
 */
import { paintStroke } from '../../core/labels/brush';
import { floodFill } from '../../core/labels/floodFill';
import { mergeEdits, type LabelEdit } from '../../core/labels/labelEdit';
import type { LabelVolume } from '../../core/labels/labelVolume';
import { clearLayer } from '../../core/labels/layerEdits';
import { layerVoxels } from '../../core/labels/layerVoxels';
import type { Axis } from '../../core/volume/volume';

/** Inside value of a layer mask and of region / object edits. */
const INSIDE = 1;

export class LayerStroke {
  private readonly scratch: LabelVolume;
  private readonly dabs: LabelEdit[] = [];
  private last: readonly [number, number] | null = null;

  /** `mask` is changed in place as the stroke goes. */
  constructor(
    private readonly mask: Uint8Array,
    readonly width: number,
    readonly height: number,
    private readonly erase: boolean,
    private readonly radius: number,
  ) {
    // A one-layer label volume (axis k, layer 0): pixel index = voxel index.
    this.scratch = { dims: [width, height, 1], data: Uint16Array.from(mask) };
  }

  /** Paints (or erases) from the last point to (x, y); true when pixels changed. */
  to(x: number, y: number): boolean {
    const from = this.last ?? ([x, y] as const);
    this.last = [x, y];
    const value = this.erase ? 0 : INSIDE;
    return this.keep(paintStroke(this.scratch, 2, 0, from, [x, y], this.radius, value));
  }

  /** The whole stroke as one edit (pixel indices), or null when nothing changed. */
  finish(): LabelEdit | null {
    return mergeEdits(this.dabs);
  }

  private keep(edit: LabelEdit | null): boolean {
    if (!edit) return false;
    copyInto(this.mask, edit);
    this.dabs.push(edit);
    return true;
  }
}

/** Fills the 4-connected area of (x, y) with "inside"; null when it is inside already. */
export function fillLayer(
  mask: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
): LabelEdit | null {
  const scratch: LabelVolume = { dims: [width, height, 1], data: Uint16Array.from(mask) };
  const edit = floodFill(scratch, 2, 0, x, y, INSIDE);
  if (edit) copyInto(mask, edit);
  return edit;
}

/** Empties the mask; null when it is empty already. */
export function clearMask(mask: Uint8Array, width: number, height: number): LabelEdit | null {
  const scratch: LabelVolume = { dims: [width, height, 1], data: Uint16Array.from(mask) };
  const edit = clearLayer(scratch, 2, 0);
  if (edit) copyInto(mask, edit);
  return edit;
}

function copyInto(mask: Uint8Array, edit: LabelEdit): void {
  const { indices, after } = edit;
  for (let n = 0; n < indices.length; n++) {
    mask[indices[n] ?? 0] = typeof after === 'number' ? after : (after[n] ?? 0);
  }
}

/** Puts the mask back as it was before `edit` (a refused or cancelled change). */
export function revertInto(mask: Uint8Array, edit: LabelEdit): void {
  const { indices, before } = edit;
  for (let n = 0; n < indices.length; n++) mask[indices[n] ?? 0] = before[n] ?? 0;
}

/** A layer-pixel edit as the same change in whole-volume voxel indices along `axis`. */
export function toVolumeEdit(
  edit: LabelEdit,
  dims: readonly [number, number, number],
  axis: Axis,
  layer: number,
): LabelEdit {
  const { base, strideX, strideY, width } = layerVoxels(dims, axis, layer);
  const indices = new Uint32Array(edit.indices.length);
  for (let n = 0; n < indices.length; n++) {
    const p = edit.indices[n] ?? 0;
    const x = p % width;
    indices[n] = base + x * strideX + ((p - x) / width) * strideY;
  }
  return {
    kind: edit.kind,
    dims: [dims[0], dims[1], dims[2]],
    layer: { axis, index: layer },
    indices,
    before: edit.before,
    after: edit.after,
  };
}
