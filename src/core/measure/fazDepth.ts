/**
 * The FAZ in 3D: the first and last layer holding it and the depth it spans, in µm. A 3D FAZ
 * label (OCTA-500's GT_FAZ3D, the generator's faz3d) marks the avascular zone only at the depths
 * of the capillary plexuses, so this span is the depth over which the fovea has no capillaries.
 */
import type { LabelVolume } from '../labels/labelVolume';
import { occupiedLayerRange, type LabelSet } from './labelMasks';
import type { PlaneGeometry } from './planeGeometry';

export interface FazDepth {
  /** First and last layer with FAZ voxels; null when there are none. */
  layers: [number, number] | null;
  /** (last − first + 1) × layer spacing in µm; 0 when there are no FAZ voxels. */
  extentUm: number;
}

export function fazDepth(labels: LabelVolume, geometry: PlaneGeometry, faz: LabelSet): FazDepth {
  const layers = occupiedLayerRange(labels, geometry.axis, faz);
  return {
    layers,
    extentUm: layers ? (layers[1] - layers[0] + 1) * geometry.layerMm * 1000 : 0,
  };
}
