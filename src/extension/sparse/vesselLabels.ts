/**
 * The finish step: `<name>.vessels.nii.gz`, layer RV = en-face RV ∩ vessel region of the layer,
 * instance ids = connected components of the en-face RV (src/core/sparse/finishLayerVessels).
 * A layer's region is the user's where the layer is annotated (painted, or a reviewed and
 * accepted prediction), else the predicted region (the smoothed map ≥ p 0.5, not smoothed
 * again), else none (a blank or unpredicted layer has no vessels).
 */
import { labelVolumeToVolume } from '../../core/labels/labelVolume';
import { writeNifti } from '../../core/nifti/writeNifti';
import { finishLayerVessels } from '../../core/sparse/finishLayerVessels';
import { predictedRegion } from '../../core/sparse/predictedRegion';
import { layerShape } from '../../core/volume/layers';
import type { Axis, Volume } from '../../core/volume/volume';

export interface RegionSources {
  /** Layers the user annotated, and their region masks (layer pixel order, non-zero = inside). */
  readonly annotated: readonly number[];
  regionOf(layer: number): ArrayLike<number>;
  /** Predicted layers and their smoothed probability maps scaled to 0..255, or none. */
  readonly predicted: readonly number[];
  probabilityOf(layer: number): ArrayLike<number>;
}

export interface VesselLabels {
  /** The gzipped NIfTI bytes (uint16, label intent, the volume's affine). */
  readonly bytes: Uint8Array;
  readonly vessels: number;
  readonly voxels: number;
  /** Layers that received a region, and how: annotated beats predicted. */
  readonly fromAnnotation: number;
  readonly fromPrediction: number;
}

export function vesselLabels(
  volume: Volume,
  axis: Axis,
  enfaceRv: Uint8Array,
  sources: RegionSources,
): VesselLabels {
  const count = volume.dims[axis];
  const annotated = new Set(sources.annotated);
  const predicted = new Set(sources.predicted);
  const { width, height } = layerShape(volume.dims, axis);
  const regions: (ArrayLike<number> | null)[] = [];
  let fromAnnotation = 0;
  let fromPrediction = 0;
  for (let layer = 0; layer < count; layer++) {
    if (annotated.has(layer)) {
      regions.push(sources.regionOf(layer));
      fromAnnotation++;
    } else if (predicted.has(layer)) {
      regions.push(
        predictedRegion(sources.probabilityOf(layer), width, height, { sigma: 0, scale: 255 }),
      );
      fromPrediction++;
    } else regions.push(null);
  }
  const result = finishLayerVessels({ dims: volume.dims, axis, enfaceRv, regions });
  const labels = labelVolumeToVolume(result.instances, volume);
  const bytes = writeNifti(labels, {
    gzip: true,
    intent: 'label',
    description: 'SAM-OCTA2 layer vessels: en-face RV x vessel region',
  });
  let voxels = 0;
  for (let id = 1; id < result.voxelsPerInstance.length; id++)
    voxels += result.voxelsPerInstance[id]!;
  return { bytes, vessels: result.count, voxels, fromAnnotation, fromPrediction };
}
