/**
 * An ETDRS-style sector grid on the en-face field, centred on the FAZ centroid (the fovea):
 * a central disc of 1 mm diameter, an inner ring from 1 to 3 mm split into four quadrants at the
 * diagonals and, where the scan is wide enough (6×6 mm and larger), an outer ring from 3 to 6 mm
 * split the same way (Early Treatment Diabetic Retinopathy Study Research Group 1991).
 * Quadrants are named by the side of the image they face (top, right, bottom, left in layer
 * pixels): which one is superior or nasal depends on the eye and on the scanner's orientation,
 * which a NIfTI file does not record. Rings that reach past the field are cut by it; each
 * sector's coverage says how much of its nominal area the field holds.
 */
import type { PlaneGeometry } from './planeGeometry';

export interface Sector {
  /** e.g. 'centre', 'inner-top', 'outer-left'. */
  name: string;
  /** Nominal (uncut) area in mm². */
  nominalAreaMm2: number;
}

export interface SectorGrid {
  /** Grid centre in mm from the first pixel centre [x, y]. */
  centreMm: readonly [number, number];
  sectors: readonly Sector[];
  /** Per pixel: 1 + index into sectors, or 0 outside every ring. */
  sectorOf: Uint8Array;
}

/** ETDRS ring diameters in mm. */
export const ETDRS_DIAMETERS_MM = [1, 3, 6] as const;
/** The outer (6 mm) ring is laid only when both field sides reach this many mm. */
export const OUTER_RING_MIN_FIELD_MM = 5;

const QUADRANTS = ['top', 'right', 'bottom', 'left'] as const;

export function sectorGrid(
  geometry: PlaneGeometry,
  centreMm: readonly [number, number],
): SectorGrid {
  const outer = Math.min(...geometry.fieldMm) >= OUTER_RING_MIN_FIELD_MM;
  const radii = ETDRS_DIAMETERS_MM.slice(0, outer ? 3 : 2).map((d) => d / 2);
  const sectors: Sector[] = [{ name: 'centre', nominalAreaMm2: Math.PI * radii[0] ** 2 }];
  const rings = outer ? ['inner', 'outer'] : ['inner'];
  rings.forEach((ring, n) => {
    const area = (Math.PI * (radii[n + 1] ** 2 - radii[n] ** 2)) / 4;
    for (const side of QUADRANTS) sectors.push({ name: `${ring}-${side}`, nominalAreaMm2: area });
  });
  const { width, height, pixelMm } = geometry;
  const sectorOf = new Uint8Array(width * height);
  for (let y = 0, p = 0; y < height; y++) {
    const dy = y * pixelMm[1] - centreMm[1];
    for (let x = 0; x < width; x++, p++) {
      const dx = x * pixelMm[0] - centreMm[0];
      const r = Math.hypot(dx, dy);
      if (r < radii[0]) {
        sectorOf[p] = 1;
        continue;
      }
      const ring = r < radii[1] ? 0 : outer && r < radii[2] ? 1 : -1;
      if (ring < 0) continue;
      // Image y grows downward: dy < 0 is the top quadrant.
      const side = Math.abs(dy) >= Math.abs(dx) ? (dy < 0 ? 0 : 2) : dx > 0 ? 1 : 3;
      sectorOf[p] = 2 + ring * 4 + side;
    }
  }
  return { centreMm, sectors, sectorOf };
}

/**
 * The grid's lines as a width × height 0/1 mask, to draw over a layer or a projection: pixels of
 * a sector with a 4-neighbour in another sector or outside every ring (not the image edge).
 */
export function sectorBoundaries(grid: SectorGrid, width: number, height: number): Uint8Array {
  const { sectorOf } = grid;
  const lines = new Uint8Array(width * height);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      const s = sectorOf[p];
      if (s === 0) continue;
      const differs =
        (x > 0 && sectorOf[p - 1] !== s) ||
        (x < width - 1 && sectorOf[p + 1] !== s) ||
        (y > 0 && sectorOf[p - width] !== s) ||
        (y < height - 1 && sectorOf[p + width] !== s);
      if (differs) lines[p] = 1;
    }
  }
  return lines;
}
