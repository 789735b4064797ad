/**
 * The JSON a measure export writes (`sam-octa2 measure --out FILE.json`, the editor's
 * "Export Measures…"): per volume, its name, the segmentation and the model and prompts that made
 * the masks (from the segmentation's sidecar, when there is one), the geometry the mm came from,
 * every notice, and the measures themselves, their field names carrying their units.
 */
import type { LabelVolume } from '../labels/labelVolume';
import type { SidecarObject } from '../tracker/segmentationSidecar';
import type { Axis } from '../volume/volume';
import { MeasureError } from './measureError';
import { measureVolume, type VolumeMeasures } from './measureVolume';
import { planeGeometry, type GeometrySource, type PlaneGeometry } from './planeGeometry';

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

/** A volume, its label volume and what its sidecar says about them: what one measure needs. */
export interface SegmentedVolume {
  /** The volume's file name. */
  volume: string;
  /** The label volume's file name. */
  segmentation: string;
  /** The volume's dims, affine and spacing: every mm comes from them. */
  source: GeometrySource;
  labels: LabelVolume;
  /** Depth axis (the sidecar's). */
  axis: Axis;
  model: string | null;
  objects: SidecarObject[] | null;
  faz?: number;
  vessels: readonly number[];
  range?: readonly [number, number];
  /** Notices from reading the files, kept with the measures. */
  notices?: readonly string[];
}

/** Measures one segmented volume into the record the report lists (CLI, editor, export). */
export function measureSegmentedVolume(input: SegmentedVolume): MeasuredVolume {
  const geometry = planeGeometry(input.source, input.axis);
  const measures = measureVolume({
    geometry: { ...geometry, notices: [...(input.notices ?? []), ...geometry.notices] },
    labels: input.labels,
    faz: input.faz,
    vessels: input.vessels,
    range: input.range,
  });
  return {
    volume: input.volume,
    segmentation: input.segmentation,
    model: input.model,
    objects: input.objects,
    geometry: geometryRecord(input.source.dims, geometry),
    measures,
  };
}

/**
 * Which objects are the FAZ and which are vessels, by their kind. A measure has one FAZ: two
 * FAZ objects are refused with their ids rather than one of them dropped silently.
 */
export function labelsByKind(objects: readonly Pick<SidecarObject, 'id' | 'kind'>[]): {
  faz?: number;
  vessels: number[];
} {
  const faz = objects.filter((o) => o.kind === 'faz').map((o) => o.id);
  if (faz.length > 1) {
    throw new MeasureError(
      `${faz.length} objects (${faz.join(', ')}) are marked FAZ; the measures take one FAZ.`,
    );
  }
  return { faz: faz[0], vessels: objects.filter((o) => o.kind === 'vessel').map((o) => o.id) };
}
