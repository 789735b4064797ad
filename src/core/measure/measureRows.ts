/**
 * The measures of one volume as flat rows for a table (CSV, the editor's copy as TSV): one row
 * per FAZ projection, FAZ layer and FAZ depth extent, per sector of the vessel projection and of
 * each layer, and per vessel object in 3D. `level` says which; cells that do not apply are null.
 * Column names carry their units, so a table never loses them.
 */
import type { VolumeMeasures } from './measureVolume';
import type { FazShape } from './fazShape';
import type { PlaneGeometry } from './planeGeometry';
import type { VesselDensity } from './vesselDensity';

export const MEASURE_COLUMNS = [
  'volume',
  'level',
  'object',
  'label',
  'layer_from',
  'layer_to',
  'depth_um',
  'sector',
  'coverage',
  'area_mm2',
  'perimeter_mm',
  'circularity',
  'acircularity',
  'components',
  'touches_edge',
  'depth_extent_um',
  'vad_pct',
  'vsd_mm_per_mm2',
  'vdi_um',
  'fractal_dim',
  'vessel_area_mm2',
  'skeleton_length_mm',
  'length_mm',
  'mean_diameter_um',
  'tortuosity',
  'curvature_rad_per_mm',
  'branches',
] as const;

export type MeasureColumn = (typeof MEASURE_COLUMNS)[number];
export type Cell = string | number | boolean | null;
export type MeasureRow = Record<MeasureColumn, Cell>;

export type MeasureLevel =
  'faz-projection' | 'faz-layer' | 'faz-3d' | 'vessels-projection' | 'vessels-layer' | 'vessel-3d';

export function measureRows(
  volume: string,
  measures: VolumeMeasures,
  /** Only the layer spacing is used (for depth_um). */
  geometry: Pick<PlaneGeometry, 'layerMm'>,
  /** Object names by label value (from the sidecar); absent ones are called "label N". */
  names: ReadonlyMap<number, string> = new Map(),
): MeasureRow[] {
  const rows: MeasureRow[] = [];
  const nameOf = (label: number): string => names.get(label) ?? `label ${label}`;
  const depthUm = (layer: number): number => layer * geometry.layerMm * 1000;
  const row = (level: MeasureLevel, cells: Partial<MeasureRow>): void => {
    const full = Object.fromEntries(MEASURE_COLUMNS.map((c) => [c, null])) as MeasureRow;
    rows.push({ ...full, volume, level, ...cells });
  };
  const [from, to] = measures.range;
  const { faz, vessels } = measures;
  if (faz) {
    const object = { object: nameOf(faz.label), label: faz.label };
    row('faz-projection', {
      ...object,
      layer_from: from,
      layer_to: to,
      ...fazCells(faz.projection),
    });
    for (const { layer, shape } of faz.layers) {
      row('faz-layer', {
        ...object,
        layer_from: layer,
        layer_to: layer,
        depth_um: depthUm(layer),
        ...fazCells(shape),
      });
    }
    row('faz-3d', {
      ...object,
      layer_from: faz.depth.layers?.[0] ?? null,
      layer_to: faz.depth.layers?.[1] ?? null,
      depth_extent_um: faz.depth.extentUm,
    });
  }
  if (vessels) {
    const object = { object: 'vessels', label: vessels.labels.join(' ') };
    for (const region of vessels.projection) {
      row('vessels-projection', {
        ...object,
        layer_from: from,
        layer_to: to,
        ...densityCells(region),
      });
    }
    for (const { layer, regions } of vessels.layers) {
      for (const region of regions) {
        row('vessels-layer', {
          ...object,
          layer_from: layer,
          layer_to: layer,
          depth_um: depthUm(layer),
          ...densityCells(region),
        });
      }
    }
  }
  for (const tree of measures.trees) {
    row('vessel-3d', {
      object: nameOf(tree.label),
      label: tree.label,
      layer_from: tree.layers?.[0] ?? null,
      layer_to: tree.layers?.[1] ?? null,
      area_mm2: tree.footprintAreaMm2,
      touches_edge: tree.touchesEdge,
      depth_extent_um: tree.depthExtentUm,
      length_mm: tree.centrelineLengthMm,
      mean_diameter_um: tree.meanDiameterUm,
      tortuosity: tree.tortuosity,
      curvature_rad_per_mm: tree.curvatureRadPerMm,
      branches: tree.branches,
    });
  }
  return rows;
}

function fazCells(shape: FazShape): Partial<MeasureRow> {
  return {
    area_mm2: shape.areaMm2,
    perimeter_mm: shape.perimeterMm,
    circularity: shape.circularity,
    acircularity: shape.acircularity,
    components: shape.components,
    touches_edge: shape.touchesEdge,
  };
}

function densityCells(region: VesselDensity): Partial<MeasureRow> {
  return {
    sector: region.region,
    coverage: region.coverage,
    area_mm2: region.areaMm2,
    vad_pct: region.vadPercent,
    vsd_mm_per_mm2: region.vsdPerMm,
    vdi_um: region.vdiUm,
    fractal_dim: region.fractalDimension,
    vessel_area_mm2: region.vesselAreaMm2,
    skeleton_length_mm: region.skeletonLengthMm,
  };
}
