/**
 * What the generator made, in numbers: written beside the volume as <name>.json so the trainer,
 * the tracker's tests and the demo can find the fovea, the FAZ and each vessel without re-deriving
 * them. Voxel positions are [i, j, k] array indices; mm positions are x = i·spacing etc.
 */
import type { VesselLayerStats } from './vesselPoints';

export const SYNTH_META_FORMAT = 'sam-octa2-synthetic-octa';
export const SYNTH_META_VERSION = 1;

export interface SurfaceDepths {
  ilm: number;
  svp: number;
  icp: number;
  dcp: number;
  opl: number;
  rpe: number;
  bm: number;
}

export interface VesselMeta extends VesselLayerStats {
  /** En-face RV pixels of this vessel. */
  enfacePixels: number;
  /** Largest radius at the vessel's entry into the field, mm. */
  rootRadiusMm: number;
  /** Total centreline length of the tree, mm. */
  lengthMm: number;
}

export interface SynthMeta {
  format: typeof SYNTH_META_FORMAT;
  version: typeof SYNTH_META_VERSION;
  seed: number;
  dims: [number, number, number];
  spacingMm: [number, number, number];
  /**
   * Depths [first, last] of the generated volume kept in this one (`sam-octa2 synth --layers`);
   * every k in this record is of the kept volume: k here = k generated − first.
   */
  keptLayers: [number, number];
  fieldOfViewMm: [number, number, number];
  axes: string;
  instances: string;
  retina: {
    /** Depth fractions [ILM, BM] asked for (nominal, away from the foveal pit). */
    slab: [number, number];
    foveaMm: [number, number];
    foveaVoxel: [number, number];
    /** Surface depths (k, fractional) at the fovea. */
    atFoveaK: SurfaceDepths;
    /** Shallowest and deepest k of the ILM and of BM over the field (the slab is tilted). */
    ilmRangeK: [number, number];
    bmRangeK: [number, number];
    /** Side of the field nearest the (out-of-field) optic disc, along i. */
    discSide: 'low-i' | 'high-i';
  };
  faz: {
    centreMm: [number, number];
    centreVoxel: [number, number];
    meanRadiusMm: number;
    meanRadiusVoxels: number;
    enfacePixels: number;
    areaMm2: number;
    /** First and last layer with 3D FAZ voxels. */
    layers: [number, number] | null;
  };
  vesselCount: number;
  vessels: VesselMeta[];
}
