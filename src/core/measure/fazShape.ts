/**
 * The FAZ's shape on one en-face mask (a layer or a projection): area, perimeter, circularity
 * 4πA/P² (1 for a disc, lower as the rim gets irregular) and the acircularity index P / (2√(πA)),
 * the perimeter over that of the disc of the same area (Krawitz et al. 2017; 1 for a disc, higher
 * as it departs). An empty mask gives zeros and nulls said as such, never NaN; a mask touching the
 * image edge is flagged, since the FAZ beyond the edge is not seen and its area is a lower bound.
 */
import { labelComponents } from '../labels/connectedComponents';
import { croftonPerimeter } from './croftonPerimeter';
import { MeasureError } from './measureError';
import { pixelAreaMm2, type PlaneGeometry } from './planeGeometry';

export interface FazShape {
  pixels: number;
  areaMm2: number;
  perimeterMm: number;
  /** 4πA/P²; null when the mask is empty. */
  circularity: number | null;
  /** P / (2√(πA)); null when the mask is empty. */
  acircularity: number | null;
  /** Centre of mass in mm from the layer's first pixel centre [x, y]; null when empty. */
  centroidMm: [number, number] | null;
  /** 8-connected pieces: a FAZ is one; more mean stray pixels or a split mask. */
  components: number;
  /** True when the mask reaches the image edge (area and perimeter then describe the cut shape). */
  touchesEdge: boolean;
}

export function fazShape(mask: ArrayLike<number>, geometry: PlaneGeometry): FazShape {
  const { width, height, pixelMm } = geometry;
  if (mask.length !== width * height) {
    throw new MeasureError(
      `The FAZ mask has ${mask.length} pixels; a ${width}×${height} layer needs ${width * height}.`,
    );
  }
  let pixels = 0;
  let sumX = 0;
  let sumY = 0;
  let touchesEdge = false;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      if (mask[p] === 0) continue;
      pixels++;
      sumX += x;
      sumY += y;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touchesEdge = true;
    }
  }
  if (pixels === 0) {
    return {
      pixels,
      areaMm2: 0,
      perimeterMm: 0,
      circularity: null,
      acircularity: null,
      centroidMm: null,
      components: 0,
      touchesEdge,
    };
  }
  const areaMm2 = pixels * pixelAreaMm2(geometry);
  const perimeterMm = croftonPerimeter(mask, width, height, pixelMm);
  const circularity = (4 * Math.PI * areaMm2) / (perimeterMm * perimeterMm);
  return {
    pixels,
    areaMm2,
    perimeterMm,
    circularity,
    acircularity: 1 / Math.sqrt(circularity),
    centroidMm: [(sumX / pixels) * pixelMm[0], (sumY / pixels) * pixelMm[1]],
    components: labelComponents(mask, width, height).count,
    touchesEdge,
  };
}
