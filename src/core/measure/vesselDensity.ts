/**
 * Vessel density measures of one en-face vessel mask (a layer or a depth-range projection), for
 * the whole field and for each sector of a grid (Durbin et al. 2017; Kim et al. 2016):
 *   vessel area density (VAD)     vessel pixels / region pixels, in %;
 *   skeleton length density (VSD) centreline length / region area, mm per mm²;
 *   vessel diameter index (VDI)   vessel area / centreline length: the mean vessel width, µm;
 *   fractal dimension (FD)        box counting on the vessel mask (boxCounting.ts).
 * The skeleton (spurs pruned) is taken once over the whole field, then its length shared out by sector, so a
 * vessel crossing a sector line is neither cut short nor counted twice.
 */
import { boxCountingDimension } from './boxCounting';
import { MeasureError } from './measureError';
import { pixelAreaMm2, type PlaneGeometry } from './planeGeometry';
import type { SectorGrid } from './sectorGrid';
import { pruneSpurs } from './pruneSpurs';
import { skeletonize } from './skeletonize';
import { skeletonLengthShares } from './skeletonLength';

export interface VesselDensity {
  /** 'field' for the whole layer, else a sector name. */
  region: string;
  /** Area of the region inside the field, mm². */
  areaMm2: number;
  /** Share of the region's nominal area that lies in the field (1 for 'field'). */
  coverage: number;
  vesselAreaMm2: number;
  /** null when the region has no pixel in the field. */
  vadPercent: number | null;
  skeletonLengthMm: number;
  vsdPerMm: number | null;
  /** null when the region holds no centreline. */
  vdiUm: number | null;
  fractalDimension: number | null;
}

export function vesselDensity(
  mask: ArrayLike<number>,
  geometry: PlaneGeometry,
  grid?: SectorGrid,
): VesselDensity[] {
  const { width, height, pixelMm } = geometry;
  if (mask.length !== width * height) {
    throw new MeasureError(
      `The vessel mask has ${mask.length} pixels; a ${width}×${height} layer needs ${width * height}.`,
    );
  }
  const regionCount = 1 + (grid?.sectors.length ?? 0);
  const pixels = new Float64Array(regionCount);
  const vessel = new Float64Array(regionCount);
  const length = new Float64Array(regionCount);
  let any = false;
  for (let p = 0; p < mask.length && !any; p++) any = mask[p] !== 0;
  // Most layers of a volume hold no vessel: no skeleton or box counting to do there.
  const shares = any
    ? skeletonLengthShares(
        pruneSpurs(skeletonize(mask, width, height), mask, width, height),
        width,
        height,
        pixelMm,
      )
    : new Float64Array(mask.length);
  for (let p = 0; p < mask.length; p++) {
    const on = mask[p] !== 0 ? 1 : 0;
    pixels[0]++;
    vessel[0] += on;
    length[0] += shares[p];
    const sector = grid ? grid.sectorOf[p] : 0;
    if (sector === 0) continue;
    pixels[sector]++;
    vessel[sector] += on;
    length[sector] += shares[p];
  }
  const pixelArea = pixelAreaMm2(geometry);
  const fractal = (region?: Uint8Array): number | null =>
    boxCountingDimension(mask, width, height, { region }).dimension;
  const rows: VesselDensity[] = [];
  for (let r = 0; r < regionCount; r++) {
    const areaMm2 = pixels[r] * pixelArea;
    const vesselAreaMm2 = vessel[r] * pixelArea;
    const nominal = r === 0 ? areaMm2 : grid!.sectors[r - 1].nominalAreaMm2;
    rows.push({
      region: r === 0 ? 'field' : grid!.sectors[r - 1].name,
      areaMm2,
      coverage: nominal > 0 ? Math.min(1, areaMm2 / nominal) : 0,
      vesselAreaMm2,
      vadPercent: pixels[r] > 0 ? (100 * vessel[r]) / pixels[r] : null,
      skeletonLengthMm: length[r],
      vsdPerMm: areaMm2 > 0 ? length[r] / areaMm2 : null,
      vdiUm: length[r] > 0 ? (1000 * vesselAreaMm2) / length[r] : null,
      fractalDimension:
        vessel[r] === 0 ? null : fractal(r === 0 ? undefined : sectorMask(grid!.sectorOf, r)),
    });
  }
  return rows;
}

function sectorMask(sectorOf: Uint8Array, sector: number): Uint8Array {
  const mask = new Uint8Array(sectorOf.length);
  for (let p = 0; p < mask.length; p++) mask[p] = sectorOf[p] === sector ? 1 : 0;
  return mask;
}
