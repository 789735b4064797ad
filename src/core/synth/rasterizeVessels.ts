/**
 * Draws the vessel trees' tube segments into two voxel grids: the instance label (tree id inside
 * the tube) and the flow signal (bright at the centreline, soft at the wall, brighter for larger
 * vessels). Tubes are round in millimetres, so at OCTA's anisotropic voxels (10 µm en-face,
 * 3 µm in depth) they span many more voxels in depth than across.
 *
 * Thin vessels are widened to at least ~one voxel so that a tree's label stays connected at any
 * resolution; their signal is dimmed by how much they were widened (partial volume).
 */
import type { VesselSegment } from './vesselTrees';

export interface VesselRaster {
  /** 0..255 flow signal of the vessel walls and lumen (before depth attenuation and noise). */
  signal: Uint8Array;
  /** Tree id inside a tube, 0 elsewhere. */
  labels: Uint16Array;
}

/** Beyond the wall (in radii) the signal fades to zero: vessels in OCTA have soft edges. */
const HALO = 1.35;

export function rasterizeVessels(
  segments: readonly VesselSegment[],
  dims: readonly [number, number, number],
  spacingMm: readonly [number, number, number],
): VesselRaster {
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacingMm;
  const signal = new Uint8Array(nx * ny * nz);
  const labels = new Uint16Array(nx * ny * nz);
  const floorXy = 0.9 * Math.max(sx, sy);
  for (const seg of segments) {
    const r = seg.radiusMm;
    const rxy = Math.max(r, floorXy);
    const rz = Math.max(r, sz);
    const partial = Math.sqrt((r / rxy) * (r / rz));
    const bright = 255 * (0.7 + 0.3 * Math.min(1, r / 0.03)) * partial;
    // Normalised space: the tube has unit radius there.
    const ax = seg.a[0] / rxy,
      ay = seg.a[1] / rxy,
      az = seg.a[2] / rz;
    const ex = seg.b[0] / rxy - ax,
      ey = seg.b[1] / rxy - ay,
      ez = seg.b[2] / rz - az;
    const len2 = ex * ex + ey * ey + ez * ez || 1;
    const box = (lo: number, hi: number, rad: number, s: number, n: number): [number, number] => [
      Math.max(0, Math.ceil((Math.min(lo, hi) - HALO * rad) / s)),
      Math.min(n - 1, Math.floor((Math.max(lo, hi) + HALO * rad) / s)),
    ];
    const [i0, i1] = box(seg.a[0], seg.b[0], rxy, sx, nx);
    const [j0, j1] = box(seg.a[1], seg.b[1], rxy, sy, ny);
    const [k0, k1] = box(seg.a[2], seg.b[2], rz, sz, nz);
    for (let k = k0; k <= k1; k++) {
      const pz = (k * sz) / rz - az;
      for (let j = j0; j <= j1; j++) {
        const py = (j * sy) / rxy - ay;
        let index = i0 + nx * (j + ny * k);
        for (let i = i0; i <= i1; i++, index++) {
          const px = (i * sx) / rxy - ax;
          let t = (px * ex + py * ey + pz * ez) / len2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const dx = px - t * ex,
            dy = py - t * ey,
            dz = pz - t * ez;
          const d2 = dx * dx + dy * dy + dz * dz;
          if (d2 > HALO * HALO) continue;
          let value: number;
          if (d2 <= 1) {
            labels[index] = seg.tree;
            value = bright * (0.35 + 0.65 * Math.sqrt(1 - d2));
          } else {
            value = bright * 0.35 * ((HALO - Math.sqrt(d2)) / (HALO - 1));
          }
          if (value > signal[index]) signal[index] = value;
        }
      }
    }
  }
  return { signal, labels };
}
