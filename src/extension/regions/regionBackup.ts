/**
 * The region annotation in a hot-exit backup (its part of the document's backup): JSON with the region mask's run
 * lengths as base64 (vessel regions are a few large blobs per layer, so this stays small and
 * needs no gzip), the annotated layers, the axis and the sidecar's extra keys.
 */
import { createLabelVolume } from '../../core/labels/labelVolume';
import { forEachInsideRun } from '../../core/labels/maskRuns';
import type { Axis } from '../../core/volume/volume';
import { REGION_LABEL } from '../../core/sparse/sparseConstants';
import { RegionAnnotation, type Dims } from './regionAnnotation';
import type { DecodedRegions, RegionExtras } from './regionFiles';

const BACKUP_FORMAT = 'samocta2-regions-backup';
const BACKUP_VERSION = 1;

export function encodeRegionBackup(regions: RegionAnnotation, extras: RegionExtras): unknown {
  const runs = regions.toRuns();
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    dims: [...regions.dims],
    axis: regions.axis,
    layers: [...regions.annotatedLayers],
    extras,
    runs: Buffer.from(runs.buffer, runs.byteOffset, runs.byteLength).toString('base64'),
  };
}

/** Throws when the content is not ours or not of this volume; the caller then loads files. */
export function decodeRegionBackup(content: unknown, dims: Dims): DecodedRegions {
  const raw = (content ?? {}) as Record<string, unknown>;
  if (raw.format !== BACKUP_FORMAT || raw.version !== BACKUP_VERSION) {
    throw new Error(`not a ${BACKUP_FORMAT} version ${BACKUP_VERSION} file`);
  }
  const d = raw.dims as unknown[];
  if (!Array.isArray(d) || d[0] !== dims[0] || d[1] !== dims[1] || d[2] !== dims[2]) {
    throw new Error('the backup is of a volume with other dims');
  }
  if (raw.axis !== 0 && raw.axis !== 1 && raw.axis !== 2) throw new Error('bad axis');
  if (!Array.isArray(raw.layers) || typeof raw.runs !== 'string') throw new Error('bad content');
  const bytesOfRuns = Buffer.from(raw.runs, 'base64');
  const runs = new Uint32Array(bytesOfRuns.length >> 2);
  new Uint8Array(runs.buffer).set(bytesOfRuns.subarray(0, runs.length * 4));
  const count = dims[0] * dims[1] * dims[2];
  let labels = null;
  if (runs.length > 1) {
    labels = createLabelVolume(dims);
    const data = labels.data;
    forEachInsideRun(runs, count, (start, end) => data.fill(REGION_LABEL, start, end));
  } else if (runs[0] !== count) {
    throw new Error(`the region mask covers ${runs[0]} voxels, not ${count}`);
  }
  const extras = (
    typeof raw.extras === 'object' && raw.extras !== null ? raw.extras : {}
  ) as RegionExtras;
  return {
    regions: new RegionAnnotation(dims, raw.axis as Axis, raw.layers as number[], labels),
    extras,
  };
}
