/**
 * En-face masks of a set of labels, from a label volume: on one layer, projected over a depth
 * range (a pixel is in when any layer of the range has one of the labels there: the union, as an
 * en-face label is drawn on a projection), and the layers a set of labels occupies.
 */
import type { LabelVolume } from '../labels/labelVolume';
import { layerVoxels } from '../labels/layerVoxels';
import type { Axis } from '../volume/volume';
import { MeasureError } from './measureError';

/** Which label values belong to the object(s) measured: a lookup over 0..65535. */
export type LabelSet = Uint8Array;

export function labelSet(labels: readonly number[]): LabelSet {
  const set = new Uint8Array(65536);
  for (const label of labels) {
    if (!Number.isInteger(label) || label < 1 || label > 65535) {
      throw new MeasureError(`Label ${label} is not an object label (a whole number 1–65535).`);
    }
    set[label] = 1;
  }
  return set;
}

/** 1 where layer `layer` holds a label of `set`. */
export function layerLabelMask(
  labels: LabelVolume,
  axis: Axis,
  layer: number,
  set: LabelSet,
  out?: Uint8Array,
): Uint8Array {
  const { width, height, base, strideX, strideY } = layerVoxels(labels.dims, axis, layer);
  const mask = out && out.length === width * height ? out : new Uint8Array(width * height);
  const data = labels.data;
  for (let y = 0, p = 0; y < height; y++) {
    let v = base + y * strideY;
    for (let x = 0; x < width; x++, p++, v += strideX) mask[p] = set[data[v]];
  }
  return mask;
}

/** 1 where any layer from..to (inclusive) holds a label of `set`. */
export function projectedLabelMask(
  labels: LabelVolume,
  axis: Axis,
  range: readonly [number, number],
  set: LabelSet,
): Uint8Array {
  checkRange(labels, axis, range);
  const layer = layerLabelMask(labels, axis, range[0], set);
  const union = layer.slice();
  for (let k = range[0] + 1; k <= range[1]; k++) {
    layerLabelMask(labels, axis, k, set, layer);
    for (let p = 0; p < union.length; p++) union[p] |= layer[p];
  }
  return union;
}

/** First and last layer holding a label of `set`, or null when none does. */
export function occupiedLayerRange(
  labels: LabelVolume,
  axis: Axis,
  set: LabelSet,
): [number, number] | null {
  let first = -1;
  let last = -1;
  let scratch: Uint8Array | undefined;
  for (let k = 0; k < labels.dims[axis]; k++) {
    scratch = layerLabelMask(labels, axis, k, set, scratch);
    if (scratch.includes(1)) {
      if (first < 0) first = k;
      last = k;
    }
  }
  return first < 0 ? null : [first, last];
}

export function checkRange(
  labels: LabelVolume,
  axis: Axis,
  range: readonly [number, number],
): void {
  const last = labels.dims[axis] - 1;
  const [from, to] = range;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > last || from > to) {
    throw new MeasureError(
      `Depth range ${from}–${to} is not within the volume's layers 0–${last} (FROM ≤ TO).`,
    );
  }
}
