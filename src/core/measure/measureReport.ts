/**
 * The JSON a measure export writes (`sam-octa2 measure --out FILE.json`, later the editor's
 * "Export Measures…"): per volume, its name, the segmentation and the model and prompts that made
 * the masks (from the segmentation's sidecar, when there is one), the geometry the mm came from,
 * every notice, and the measures themselves, their field names carrying their units.
 */
import type { SidecarObject } from '../tracker/segmentationSidecar';
import type { VolumeMeasures } from './measureVolume';
import type { PlaneGeometry } from './planeGeometry';

export const MEASURES_FORMAT = 'samocta2-measures';
export const MEASURES_VERSION = 1;

export interface MeasuredVolume {
  /** The volume's file name. */
  volume: string;
  /** The label volume's file name. */
  segmentation: string;
  /** Model bundle that made the masks (sidecar), or null when unknown or hand-made. */
  model: string | null;
  /** Objects with their kinds and prompts (sidecar), or null without a sidecar. */
  objects: SidecarObject[] | null;
  geometry: {
    dims: [number, number, number];
    axis: number;
    pixelMm: [number, number];
    layerMm: number;
    fieldMm: [number, number];
  };
  measures: VolumeMeasures;
}

export interface MeasuresReport {
  format: typeof MEASURES_FORMAT;
  format_version: typeof MEASURES_VERSION;
  volumes: MeasuredVolume[];
  /** Volumes that could not be measured, and why. */
  failures: { volume: string; error: string }[];
}

export function geometryRecord(
  dims: readonly [number, number, number],
  geometry: PlaneGeometry,
): MeasuredVolume['geometry'] {
  return {
    dims: [dims[0], dims[1], dims[2]],
    axis: geometry.axis,
    pixelMm: [geometry.pixelMm[0], geometry.pixelMm[1]],
    layerMm: geometry.layerMm,
    fieldMm: [geometry.fieldMm[0], geometry.fieldMm[1]],
  };
}
