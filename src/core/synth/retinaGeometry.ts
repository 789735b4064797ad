/**
 * The shape of the retina inside the volume, in millimetres: a tilted, gently curved slab (as an
 * eye seldom lies square to the scanner) whose inner layers thin into the foveal pit. Surfaces are
 * depths (mm from the volume's top, growing with k) as functions of the en-face position, so the
 * vessel trees and the voxel renderer agree on where each plexus lies.
 */
import type { Random } from './random';

/** Depths (mm) of the surfaces at one en-face position. */
export interface RetinaColumn {
  /** Inner limiting membrane: the top of the retina. */
  ilm: number;
  /** Centres of the three capillary plexuses: superficial, intermediate, deep. */
  svp: number;
  icp: number;
  dcp: number;
  /** Bottom of the outer plexiform layer: below it the retina has no vessels. */
  opl: number;
  /** Retinal pigment epithelium (bright in OCT; where projection tails show most). */
  rpe: number;
  /** Bruch's membrane: the choroid lies below. */
  bm: number;
}

export interface RetinaParams {
  /** Fovea centre, mm. */
  fovea: readonly [number, number];
  /** Nominal retina thickness away from the pit (ILM to BM), mm. */
  thickness: number;
  /** BM depth at the fovea, mm. */
  bmAtFovea: number;
  /** Slope of the slab, mm of depth per mm en-face. */
  tilt: readonly [number, number];
  /** Curvature, mm of depth per mm² of distance from the fovea. */
  bowl: number;
  /** Fraction of the inner retina missing at the foveola. */
  pitDepth: number;
  /** Width (sigma) of the foveal pit, mm. */
  pitSigma: number;
}

const INNER_SHARE = 0.55;

export function drawRetinaParams(
  rng: Random,
  fieldMm: readonly [number, number, number],
  slab: readonly [number, number],
): RetinaParams {
  const thickness = (slab[1] - slab[0]) * fieldMm[2];
  const half = fieldMm[0] / 2;
  // How far the slab may rise or sink at the corners and still stay inside the volume.
  const margin = Math.min(slab[0], 1 - slab[1]) * fieldMm[2];
  const budget = Math.min(0.5 * thickness, 0.8 * margin);
  const tilt = (): number => (rng.range(-1, 1) * 0.3 * budget) / half;
  return {
    fovea: [half + rng.range(-0.12, 0.12), fieldMm[1] / 2 + rng.range(-0.12, 0.12)],
    thickness,
    bmAtFovea: slab[1] * fieldMm[2],
    tilt: [tilt(), tilt()],
    bowl: (rng.range(-0.1, 0.4) * budget) / (2 * half * half),
    pitDepth: rng.range(0.5, 0.65),
    pitSigma: rng.range(0.3, 0.4),
  };
}

export class RetinaGeometry {
  constructor(readonly params: RetinaParams) {}

  column(x: number, y: number): RetinaColumn {
    const p = this.params;
    const dx = x - p.fovea[0];
    const dy = y - p.fovea[1];
    const r2 = dx * dx + dy * dy;
    const pit = Math.exp(-r2 / (2 * p.pitSigma * p.pitSigma));
    const bm = p.bmAtFovea + p.tilt[0] * dx + p.tilt[1] * dy + p.bowl * r2;
    // The outer nuclear layer thickens a little under the fovea while the inner layers part.
    const outer = p.thickness * (1 - INNER_SHARE) * (1 + 0.15 * pit);
    const inner = p.thickness * INNER_SHARE * (1 - p.pitDepth * pit);
    const ilm = bm - outer - inner;
    return {
      ilm,
      svp: ilm + 0.22 * inner,
      icp: ilm + 0.6 * inner,
      dcp: ilm + 0.88 * inner,
      opl: ilm + inner,
      rpe: bm - 0.07 * p.thickness,
      bm,
    };
  }

  /** Thickness of the inner (vascular) retina at a position, mm. */
  innerThickness(x: number, y: number): number {
    const c = this.column(x, y);
    return c.opl - c.ilm;
  }
}

/** Per-column surface depths in voxel units (k), for the renderer's inner loop. */
export interface ColumnMaps {
  ilm: Float32Array;
  svp: Float32Array;
  icp: Float32Array;
  dcp: Float32Array;
  opl: Float32Array;
  rpe: Float32Array;
  bm: Float32Array;
}

export function columnMaps(
  geometry: RetinaGeometry,
  dims: readonly [number, number, number],
  spacingMm: readonly [number, number, number],
): ColumnMaps {
  const [nx, ny] = dims;
  const n = nx * ny;
  const maps: ColumnMaps = {
    ilm: new Float32Array(n),
    svp: new Float32Array(n),
    icp: new Float32Array(n),
    dcp: new Float32Array(n),
    opl: new Float32Array(n),
    rpe: new Float32Array(n),
    bm: new Float32Array(n),
  };
  const toK = 1 / spacingMm[2];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = geometry.column(i * spacingMm[0], j * spacingMm[1]);
      const col = i + nx * j;
      maps.ilm[col] = c.ilm * toK;
      maps.svp[col] = c.svp * toK;
      maps.icp[col] = c.icp * toK;
      maps.dcp[col] = c.dcp * toK;
      maps.opl[col] = c.opl * toK;
      maps.rpe[col] = c.rpe * toK;
      maps.bm[col] = c.bm * toK;
    }
  }
  return maps;
}
