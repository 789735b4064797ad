/**
 * The tracker's view of a volume, wherever the engine runs: layers along the depth axis,
 * windowed to [0, 1] by the bundle's whole-volume percentiles (docs/model-bundle.md section 3,
 * step 1).
 */
import type { BundleManifest } from '../core/tracker/modelBundle';
import { applyWindow, percentileWindow } from '../core/tracker/preprocess';
import type { LayerSource } from '../core/tracker/trackTypes';
import { extractLayer, layerCount, layerShape } from '../core/volume/layers';
import type { Axis, Volume } from '../core/volume/volume';

export function windowedLayers(volume: Volume, axis: Axis, manifest: BundleManifest): LayerSource {
  const p = manifest.preprocessing.intensity_window;
  const window = percentileWindow(volume.data, p.lower_percentile, p.upper_percentile);
  const { width, height } = layerShape(volume.dims, axis);
  return {
    count: layerCount(volume.dims, axis),
    rows: height,
    cols: width,
    layer: (index) => applyWindow(extractLayer(volume, axis, index), window),
  };
}
