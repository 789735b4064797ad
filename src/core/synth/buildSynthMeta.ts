/**
 * Collects the generator's intermediate results into the SynthMeta record written beside the
 * volume.
 */
import type { FazLabels } from './fazLabels';
import type { FazShape } from './fazShape';
import type { ColumnMaps, RetinaGeometry } from './retinaGeometry';
import {
  SYNTH_META_FORMAT,
  SYNTH_META_VERSION,
  type SurfaceDepths,
  type SynthMeta,
  type VesselMeta,
} from './synthMeta';
import { FIELD_OF_VIEW_MM } from './synthOptions';
import type { InstanceSummary } from './vesselInstances';
import { vesselLayerStats } from './vesselPoints';
import type { VesselForest } from './vesselTrees';

export interface MetaInputs {
  seed: number;
  dims: [number, number, number];
  spacingMm: [number, number, number];
  slab: [number, number];
  /** The generated volume's depths kept; `dims` and `labels` are of this window. */
  keptLayers: [number, number];
  geometry: RetinaGeometry;
  columns: ColumnMaps;
  faz: FazShape;
  fazLabel: FazLabels;
  forest: VesselForest;
  instances: InstanceSummary;
  labels: Uint16Array;
  discOnLeft: boolean;
}

export function buildMeta(m: MetaInputs): SynthMeta {
  const [sx, sy, sz] = m.spacingMm;
  const fovea = m.geometry.params.fovea;
  const first = m.keptLayers[0];
  const atFovea = m.geometry.column(fovea[0], fovea[1]);
  const atFoveaK = Object.fromEntries(
    Object.entries(atFovea).map(([name, mm]) => [name, round(mm / sz - first)]),
  ) as unknown as SurfaceDepths;
  const enfaceCounts = new Int32Array(m.instances.count + 1);
  for (const id of m.instances.footprint) enfaceCounts[id]++;
  const vessels: VesselMeta[] = vesselLayerStats(m.labels, m.dims, m.instances.count).map((s) => {
    const trees = m.instances.trees[s.id - 1].map((t) => m.forest.trees[t - 1]);
    return {
      ...s,
      enfacePixels: enfaceCounts[s.id],
      rootRadiusMm: round(Math.max(...trees.map((t) => t.rootRadiusMm))),
      lengthMm: round(trees.reduce((sum, t) => sum + t.lengthMm, 0)),
    };
  });
  return {
    format: SYNTH_META_FORMAT,
    version: SYNTH_META_VERSION,
    seed: m.seed,
    dims: m.dims,
    spacingMm: m.spacingMm,
    keptLayers: m.keptLayers,
    fieldOfViewMm: [...FIELD_OF_VIEW_MM],
    axes: 'i = x (along a B-scan), j = y (B-scan index), k = depth (downward); voxel (i, j, k) at mm (i·dx, j·dy, k·dz)',
    instances:
      'one id per vessel tree; each id is exactly one connected component of the en-face RV',
    retina: {
      slab: m.slab,
      foveaMm: [round(fovea[0]), round(fovea[1])],
      foveaVoxel: [Math.round(fovea[0] / sx), Math.round(fovea[1] / sy)],
      atFoveaK,
      ilmRangeK: range(m.columns.ilm, first),
      bmRangeK: range(m.columns.bm, first),
      discSide: m.discOnLeft ? 'low-i' : 'high-i',
    },
    faz: {
      centreMm: [round(m.faz.centreMm[0]), round(m.faz.centreMm[1])],
      centreVoxel: [Math.round(m.faz.centreMm[0] / sx), Math.round(m.faz.centreMm[1] / sy)],
      meanRadiusMm: round(m.faz.radiusMm),
      meanRadiusVoxels: round(m.faz.radiusMm / sx),
      enfacePixels: m.fazLabel.enfacePixels,
      areaMm2: round(m.fazLabel.enfacePixels * sx * sy),
      layers: m.fazLabel.layers,
    },
    vesselCount: m.instances.count,
    vessels,
  };
}

/** Smallest and largest value, as layers of the kept window. */
function range(values: Float32Array, first: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [round(lo - first), round(hi - first)];
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
