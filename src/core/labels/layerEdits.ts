/**
 * Whole-layer edits: clear a layer (or one label on it), and replace one label's pixels on a
 * layer with a mask (to accept a tracked or predicted mask as the starting point of a
 * correction).
 */
import type { Axis } from '../volume/volume';
import { EditRecorder, type LabelEdit } from './labelEdit';
import { checkLabel, LabelError, type LabelVolume } from './labelVolume';
import { layerVoxels } from './layerVoxels';

/** Sets the layer to background; with `label`, only that label's pixels. */
export function clearLayer(
  labels: LabelVolume,
  axis: Axis,
  layer: number,
  label?: number,
): LabelEdit | null {
  if (label !== undefined) checkLabel(label);
  const { width, height, base, strideX, strideY } = layerVoxels(labels.dims, axis, layer);
  const data = labels.data;
  const recorder = new EditRecorder();
  for (let y = 0; y < height; y++) {
    let v = base + y * strideY;
    for (let x = 0; x < width; x++, v += strideX) {
      const old = data[v];
      if (old === 0 || (label !== undefined && old !== label)) continue;
      recorder.add(v, old, 0);
      data[v] = 0;
    }
  }
  return recorder.finish('clear', labels.dims, { axis, index: layer });
}

/**
 * After this, the layer's pixels holding `label` are exactly the mask's non-zero pixels: they
 * take `label` whatever they held, and the label's other pixels become background.
 */
export function replaceLayerLabel(
  labels: LabelVolume,
  axis: Axis,
  layer: number,
  mask: ArrayLike<number>,
  label: number,
): LabelEdit | null {
  checkLabel(label);
  if (label === 0)
    throw new LabelError('replaceLayerLabel needs an object label (1..65535), not 0.');
  const { width, height, base, strideX, strideY } = layerVoxels(labels.dims, axis, layer);
  if (mask.length !== width * height) {
    throw new LabelError(
      `Mask has ${mask.length} pixels; the ${width}×${height} layer needs ${width * height}.`,
    );
  }
  const data = labels.data;
  const recorder = new EditRecorder();
  for (let y = 0, p = 0; y < height; y++) {
    let v = base + y * strideY;
    for (let x = 0; x < width; x++, p++, v += strideX) {
      const old = data[v];
      const next = mask[p] !== 0 ? label : old === label ? 0 : old;
      if (next === old) continue;
      recorder.add(v, old, next);
      data[v] = next;
    }
  }
  return recorder.finish('replace', labels.dims, { axis, index: layer });
}
