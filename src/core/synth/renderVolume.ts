/**
 * Turns the anatomy (surfaces, capillary maps, rasterised vessels) into OCTA voxel values, the
 * way a decorrelation scan shows them:
 * - flow is bright (vessels, capillary plexuses, the choroid), static tissue is dim, the vitreous
 *   is dark;
 * - signal fades with depth below the ILM (attenuation of the OCT beam);
 * - under every vessel a fading copy of its signal runs down through deeper layers and flares at
 *   the reflective RPE: the projection (tail) artifact;
 * - every voxel carries multiplicative speckle and additive noise, and a few B-scans carry
 *   bulk-motion decorrelation (the bright lines seen across real en-face images).
 *
 * Works in place on the vessel signal buffer (k-slowest order), which becomes the volume.
 */
import type { ColumnMaps } from './retinaGeometry';
import type { PlexusMaps } from './capillaryPlexus';
import type { Random } from './random';

export interface RenderInputs {
  dims: readonly [number, number, number];
  spacingMm: readonly [number, number, number];
  /** Nominal retina thickness, mm: depth scales follow it. */
  thicknessMm: number;
  columns: ColumnMaps;
  /** Superficial, intermediate and deep plexus maps. */
  plexuses: readonly [PlexusMaps, PlexusMaps, PlexusMaps];
  rng: Random;
}

/** Sigma of a capillary plexus band, as a share of the nominal retina thickness. */
export const PLEXUS_BAND_SHARE = 0.03;

const VITREOUS = 7;
const INNER_TISSUE = 14;
const OUTER_TISSUE = 9;
const CAPILLARY_GAIN = 150;
const TAIL_GAIN = 0.55;
const CHOROID = 70;
const DEEP = 2.5;

export function renderVolume(vessels: Uint8Array, input: RenderInputs): Uint8Array {
  const [nx, ny, nz] = input.dims;
  const sz = input.spacingMm[2];
  const c = input.columns;
  const [svp, icp, dcp] = input.plexuses;
  const nxy = nx * ny;
  const bandSigma = (PLEXUS_BAND_SHARE * input.thicknessMm) / sz;
  const gauss = gaussianTable(bandSigma);
  const lutScale = gauss.length / (4 * bandSigma);
  const tailDecay = Math.exp(-sz / (0.4 * input.thicknessMm));
  const choroidDecay = sz / (0.5 * input.thicknessMm);
  /** Voxels below BM after which choroidal flow is under 1 % (4.6 e-folds). */
  const deepChoroid = 4.6 / choroidDecay;
  const attenuation = attenuationTable(nz, sz / (1.6 * input.thicknessMm));
  const motion = bulkMotionRows(input.rng, ny);
  const tail = new Float32Array(nxy);
  let s = input.rng.fork('speckle').next() * 4294967296;

  const band = (dk: number): number => {
    const at = Math.abs(dk) * lutScale;
    return at < gauss.length ? gauss[at | 0] : 0;
  };

  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const rowBoost = motion[j];
      for (let i = 0; i < nx; i++) {
        const col = i + nx * j;
        const index = col + nxy * k;
        // One 32-bit draw (mulberry32, inlined for speed) gives three uniforms of 10-11 bits.
        s = (s + 0x6d2b79f5) | 0;
        let t = Math.imul(s ^ (s >>> 15), s | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        t = (t ^ (t >>> 14)) >>> 0;
        const u1 = (t & 0x7ff) / 2048;
        const u2 = ((t >>> 11) & 0x7ff) / 2048;
        const u3 = (t >>> 22) / 1024;
        const ilm = c.ilm[col];
        if (k < ilm - 2 && vessels[index] === 0) {
          vessels[index] = u1 * u2 * 2 * VITREOUS;
          continue;
        }
        const bm = c.bm[col];
        if (k > bm + deepChoroid && tail[col] < 0.01) {
          // Deep below the choroid only noise is left (same mean as the full formula there).
          vessels[index] = u1 * u2 * 2 * DEEP;
          continue;
        }
        const vessel = vessels[index] / 255;
        const tailNow = Math.max(tail[col] * tailDecay, vessel);
        tail[col] = tailNow;
        let flow: number;
        let tissue: number;
        let reflect: number;
        if (k <= c.opl[col]) {
          const cap =
            svp.signal[col] * band(k - c.svp[col] - svp.undulation[col] * bandSigma) +
            icp.signal[col] * band(k - c.icp[col] - icp.undulation[col] * bandSigma) +
            dcp.signal[col] * band(k - c.dcp[col] - dcp.undulation[col] * bandSigma);
          flow = CAPILLARY_GAIN * Math.min(1, cap);
          // The tissue signal rises over a few voxels at the ILM rather than in one step.
          const ramp = k < ilm + 2 ? Math.max(0.25, (k - ilm + 2) / 4) : 1;
          tissue = (INNER_TISSUE + rowBoost) * ramp;
          reflect = 0.45;
        } else if (k <= bm) {
          flow = 0;
          const nearRpe = band((k - c.rpe[col]) * 0.5);
          tissue = OUTER_TISSUE + 10 * nearRpe + rowBoost;
          reflect = 0.3 + 1.1 * nearRpe;
        } else {
          // Choroid: dense, fast flow right under BM (choriocapillaris), fading with depth.
          flow = CHOROID * Math.exp(-(k - bm) * choroidDecay) * (0.4 + 1.2 * u3);
          tissue = 4;
          reflect = 0.5;
        }
        const signal = Math.max(vessel * 255, flow, TAIL_GAIN * reflect * 255 * tailNow) + tissue;
        const speckle = 0.55 + 0.45 * (u1 + u2);
        const value =
          signal * (k > ilm ? attenuation[((k - ilm) * 4) | 0] : 1) * speckle + (u3 - 0.5) * 8;
        vessels[index] = value < 0 ? 0 : value > 255 ? 255 : value + 0.5;
      }
    }
  }
  return vessels;
}

/** exp(−depth/L) at quarter-voxel steps of depth below the ILM, over the whole depth axis. */
function attenuationTable(nz: number, perVoxel: number): Float32Array {
  const table = new Float32Array(4 * nz + 1);
  for (let m = 0; m < table.length; m++) table[m] = Math.exp(-(m / 4) * perVoxel);
  return table;
}

/** exp(−x²/2σ²) sampled at 16 points per voxel out to 4σ. */
function gaussianTable(sigma: number): Float32Array {
  const n = Math.max(16, Math.ceil(4 * sigma * 16));
  const table = new Float32Array(n);
  for (let m = 0; m < n; m++) {
    const x = ((m + 0.5) / n) * 4;
    table[m] = Math.exp(-0.5 * x * x);
  }
  return table;
}

/** A few B-scans (rows j) with raised decorrelation, as eye motion causes in real scans. */
function bulkMotionRows(rng: Random, ny: number): Float32Array {
  const boost = new Float32Array(ny);
  const r = rng.fork('motion');
  for (let j = 0; j < ny; j++) if (r.chance(0.012)) boost[j] = r.range(8, 30);
  return boost;
}
