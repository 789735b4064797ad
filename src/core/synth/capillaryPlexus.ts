/**
 * The capillary texture of one plexus as an en-face map: a fine polygonal mesh (the edges of a
 * domain-warped Voronoi diagram, which is how capillary beds look en face: closed loops 40–80 µm
 * across), with segment-to-segment brightness variation, and nothing inside the FAZ. The renderer
 * spreads each map over a thin depth band around its plexus.
 */
import type { FazShape } from './fazShape';
import { fazDistance } from './fazShape';
import { fractalNoise, hash2, valueNoise } from './noise2d';

export interface PlexusStyle {
  /** Mean mesh opening, mm. */
  cellMm: number;
  /** Capillary half-width, mm (raised to ~half a pixel at coarse resolutions). */
  widthMm: number;
  /** Peak brightness share (0..1) of this plexus. */
  strength: number;
}

export interface PlexusMaps {
  /** 0..1 capillary signal per en-face pixel. */
  signal: Float32Array;
  /** Depth offset of the mesh from its plexus centre, in units of the band's sigma. */
  undulation: Float32Array;
}

export function capillaryPlexus(
  style: PlexusStyle,
  seed: number,
  faz: FazShape,
  dims: readonly [number, number],
  pixelMm: readonly [number, number],
): PlexusMaps {
  const [nx, ny] = dims;
  const signal = new Float32Array(nx * ny);
  const undulation = new Float32Array(nx * ny);
  const cell = style.cellMm;
  const width = Math.max(style.widthMm, 0.45 * Math.max(...pixelMm));
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = i * pixelMm[0];
      const y = j * pixelMm[1];
      const col = i + nx * j;
      // Two interleaved meshes (the second turned and shifted) stand for capillaries at
      // slightly different depths within the band, which is what makes real beds look random
      // rather than cellular.
      const a = meshLine(x, y, cell, width, seed);
      const b = meshLine(
        0.76 * x - 0.65 * y + 7.3,
        0.65 * x + 0.76 * y + 3.1,
        cell,
        width,
        seed + 101,
      );
      const mesh = Math.max(a, 0.8 * b);
      // Coarse patches of denser flow, and fine breaks along segments (flow is pulsatile and
      // capillaries leave and re-enter the band).
      const patchy = 0.45 + 0.8 * fractalNoise(x / 0.25, y / 0.25, seed + 3, 3);
      const beads = 0.7 + 0.5 * valueNoise(x / 0.02, y / 0.02, seed + 5);
      const rim = fazDistance(faz, x, y);
      const outsideFaz = rim <= 0 ? 0 : rim >= 0.03 ? 1 : rim / 0.03;
      signal[col] = Math.min(1, style.strength * mesh * patchy * beads * outsideFaz);
      undulation[col] = (fractalNoise(x / 0.2, y / 0.2, seed + 4, 2) - 0.5) * 2;
    }
  }
  return { signal, undulation };
}

/** Capillary signal (0..~1.5) of one warped Voronoi mesh at (x, y) mm. */
function meshLine(x: number, y: number, cell: number, width: number, seed: number): number {
  // Warping the domain bends the Voronoi edges into the curved segments of real capillaries.
  const warp = 0.55 * cell;
  const wx = (2 * x) / cell;
  const wy = (2 * y) / cell;
  const u = (x + warp * (valueNoise(wx, wy, seed + 1) - 0.5) * 2) / cell;
  const v = (y + warp * (valueNoise(wx, wy, seed + 2) - 0.5) * 2) / cell;
  const edge = voronoiEdge(u, v, seed);
  // Half the gap between the two nearest sites is about the distance to their shared edge.
  const across = (0.5 * edge.gap * cell) / width;
  return Math.exp(-across * across) * (0.5 + edge.brightness);
}

/**
 * Distance (in cells) between the nearest and second-nearest jittered lattice points: 0 on a
 * Voronoi edge. The edge's brightness is the mean of the two cells' own values.
 */
function voronoiEdge(u: number, v: number, seed: number): { gap: number; brightness: number } {
  const cu = Math.floor(u);
  const cv = Math.floor(v);
  let d1 = Infinity;
  let d2 = Infinity;
  let b1 = 0;
  let b2 = 0;
  for (let dv = -1; dv <= 1; dv++) {
    for (let du = -1; du <= 1; du++) {
      const gx = cu + du;
      const gy = cv + dv;
      const px = gx + hash2(gx, gy, seed);
      const py = gy + hash2(gx, gy, seed + 7);
      const d = Math.hypot(px - u, py - v);
      const b = hash2(gx, gy, seed + 11);
      if (d < d1) {
        d2 = d1;
        b2 = b1;
        d1 = d;
        b1 = b;
      } else if (d < d2) {
        d2 = d;
        b2 = b;
      }
    }
  }
  return { gap: d2 - d1, brightness: 0.5 * (b1 + b2) };
}
