/**
 * A Volume as the tracker's LayerSource: the trainer's whole-volume percentile window
 * (section 3 step 1, computed once) applied to each en-face layer on request. For depth k a
 * layer's rows are NIfTI j and its columns i, the trainer's `volume[:, :, z].T`.
 */
import { extractLayer, layerAxes, layerShape } from '../volume/layers';
import type { Axis, Volume } from '../volume/volume';
import { applyWindow, percentileWindow, type IntensityWindow } from './preprocess';
import type { LayerSource } from './trackTypes';

export interface VolumeLayerSource extends LayerSource {
  readonly window: IntensityWindow;
  readonly axis: Axis;
}

export function volumeLayerSource(
  volume: Volume,
  axis: Axis = 2,
  percentiles: readonly [number, number] = [0.5, 99.5],
): VolumeLayerSource {
  const window = percentileWindow(volume.data, percentiles[0], percentiles[1]);
  const { width, height } = layerShape(volume.dims, axis);
  return {
    window,
    axis,
    count: volume.dims[axis],
    rows: height,
    cols: width,
    pixelMm: volume.spacingMm[layerAxes(axis)[0]],
    layer: (index) => applyWindow(extractLayer(volume, axis, index), window),
  };
}

/**
 * Writes layer labels (rows x cols, as from ObjectTracks.labelLayer) into a label array with
 * the volume's voxel order, for depth axis k.
 */
export function setLabelLayer(
  labels: Uint16Array,
  dims: readonly [number, number, number],
  layer: number,
  values: Uint16Array,
): void {
  const plane = dims[0] * dims[1];
  if (values.length !== plane)
    throw new RangeError(`A layer holds ${plane} labels; got ${values.length}.`);
  labels.set(values, plane * layer);
}
