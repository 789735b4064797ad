/**
 * What the Measures panel shows, picked from the export's own rows (measuredVolumeRows), so the
 * panel, "Copy as TSV" and the exported CSV can never disagree: the rows of the current layer,
 * of the depth range and of each object in 3D, each with only the columns that hold a value;
 * and a chosen measure against depth for the plot.
 */
import type { MeasureColumn, MeasureLevel, MeasureRow } from '../../core/measure/measureRows';

/** The rows of one level (e.g. the FAZ on a layer), with the columns that hold a value. */
export interface PanelTable {
  readonly level: MeasureLevel;
  readonly columns: readonly MeasureColumn[];
  readonly rows: readonly MeasureRow[];
}

export interface PanelTables {
  readonly layer: readonly PanelTable[];
  readonly range: readonly PanelTable[];
  readonly objects: readonly PanelTable[];
}

/** Said by the section's heading, the table's caption or every row alike: not worth a column. */
const IMPLIED: ReadonlySet<MeasureColumn> = new Set(['volume', 'level', 'label']);
const RANGE_IMPLIED: ReadonlySet<MeasureColumn> = new Set([...IMPLIED, 'layer_from', 'layer_to']);
const LAYER_IMPLIED: ReadonlySet<MeasureColumn> = new Set([...RANGE_IMPLIED, 'depth_um']);

export function panelTables(rows: readonly MeasureRow[], layer: number): PanelTables {
  const of = (level: MeasureLevel, implied: ReadonlySet<MeasureColumn>, onLayer = false) =>
    table(
      level,
      rows.filter((r) => r.level === level && (!onLayer || r.layer_from === layer)),
      implied,
    );
  const present = (tables: PanelTable[]) => tables.filter((t) => t.rows.length > 0);
  return {
    layer: present([
      of('faz-layer', LAYER_IMPLIED, true),
      of('vessels-layer', LAYER_IMPLIED, true),
    ]),
    range: present([
      of('faz-projection', RANGE_IMPLIED),
      of('faz-3d', IMPLIED),
      of('vessels-projection', RANGE_IMPLIED),
    ]),
    objects: present([of('vessel-3d', IMPLIED)]),
  };
}

function table(
  level: MeasureLevel,
  rows: MeasureRow[],
  implied: ReadonlySet<MeasureColumn>,
): PanelTable {
  const first = rows[0];
  const columns = first
    ? (Object.keys(first) as MeasureColumn[]).filter(
        (c) => !implied.has(c) && rows.some((r) => r[c] !== null),
      )
    : [];
  return { level, columns, rows };
}

/** The measures the plot offers: a column of the per-layer FAZ or whole-field vessel rows. */
export interface DepthMeasure {
  readonly id: string;
  readonly label: string;
  readonly level: 'faz-layer' | 'vessels-layer';
  readonly column: MeasureColumn;
}

export const DEPTH_MEASURES: readonly DepthMeasure[] = [
  { id: 'faz-area', label: 'FAZ area (mm²)', level: 'faz-layer', column: 'area_mm2' },
  { id: 'faz-perimeter', label: 'FAZ perimeter (mm)', level: 'faz-layer', column: 'perimeter_mm' },
  { id: 'faz-circularity', label: 'FAZ circularity', level: 'faz-layer', column: 'circularity' },
  { id: 'vad', label: 'Vessel area density (%)', level: 'vessels-layer', column: 'vad_pct' },
  {
    id: 'vsd',
    label: 'Skeleton density (mm/mm²)',
    level: 'vessels-layer',
    column: 'vsd_mm_per_mm2',
  },
  { id: 'vdi', label: 'Vessel diameter index (µm)', level: 'vessels-layer', column: 'vdi_um' },
  { id: 'fd', label: 'Fractal dimension', level: 'vessels-layer', column: 'fractal_dim' },
];

export interface DepthPoint {
  readonly layer: number;
  readonly depthUm: number;
  /** null where the measure does not apply on that layer (e.g. no vessel: no VDI). */
  readonly value: number | null;
}

/** The chosen measure on each layer of the range, whole field for vessels. */
export function depthSeries(rows: readonly MeasureRow[], measure: DepthMeasure): DepthPoint[] {
  return rows
    .filter((r) => r.level === measure.level && (r.sector === null || r.sector === 'field'))
    .map((r) => ({
      layer: Number(r.layer_from),
      depthUm: Number(r.depth_um),
      value: typeof r[measure.column] === 'number' ? (r[measure.column] as number) : null,
    }));
}

export interface PlotLines {
  /** SVG path data of the runs of consecutive measured layers ("M x y L x y …"). */
  readonly path: string;
  /** Each measured layer's point (a lone layer between gaps draws no line). */
  readonly dots: readonly (readonly [number, number])[];
  readonly xRange: readonly [number, number];
  readonly yRange: readonly [number, number];
  /** Where the current layer is, in plot x; null outside the range. */
  readonly markerX: number | null;
}

/**
 * The series in a width × height box (y up: the largest value at the top), breaking the line
 * where a layer has no value; null when nothing was measured.
 */
export function plotLines(
  points: readonly DepthPoint[],
  width: number,
  height: number,
  currentLayer: number,
): PlotLines | null {
  const measured = points.filter((p) => p.value !== null);
  if (measured.length === 0) return null;
  const layers = points.map((p) => p.layer);
  const x0 = Math.min(...layers);
  const x1 = Math.max(...layers);
  const values = measured.map((p) => p.value as number);
  const y0 = Math.min(0, ...values);
  let y1 = Math.max(...values);
  if (y1 === y0) y1 = y0 + 1;
  const sx = (layer: number): number =>
    x1 === x0 ? width / 2 : ((layer - x0) / (x1 - x0)) * width;
  const sy = (v: number): number => height - ((v - y0) / (y1 - y0)) * height;
  let path = '';
  let pen = false;
  const dots: [number, number][] = [];
  for (const p of points) {
    if (p.value === null) {
      pen = false;
      continue;
    }
    const at: [number, number] = [round(sx(p.layer)), round(sy(p.value))];
    path += `${pen ? 'L' : 'M'}${at[0]} ${at[1]} `;
    dots.push(at);
    pen = true;
  }
  const inRange = currentLayer >= x0 && currentLayer <= x1;
  return {
    path: path.trim(),
    dots,
    xRange: [x0, x1],
    yRange: [y0, y1],
    markerX: inRange ? round(sx(currentLayer)) : null,
  };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
