/**
 * The one formatter of a measures report: CSV (units in the column names), TSV (the editor's
 * "Copy as TSV") and JSON (each volume's model, prompts, geometry and notices). `sam-octa2
 * measure` and the editor's "Export Measures…" both write through it, so a cohort measured on
 * the command line and a volume exported from the editor have the same columns and fields.
 */
import { formatTable } from './delimitedText';
import {
  MEASURES_FORMAT,
  MEASURES_VERSION,
  type MeasuredVolume,
  type MeasuresReport,
} from './measureReport';
import { MEASURE_COLUMNS, measureRows, type MeasureRow } from './measureRows';

export type MeasuresFormat = 'csv' | 'tsv' | 'json';

export function measuresReport(
  volumes: readonly MeasuredVolume[],
  failures: MeasuresReport['failures'] = [],
): MeasuresReport {
  return {
    format: MEASURES_FORMAT,
    format_version: MEASURES_VERSION,
    volumes: [...volumes],
    failures: [...failures],
  };
}

/** A measured volume's table rows, objects named as its sidecar names them. */
export function measuredVolumeRows(measured: MeasuredVolume): MeasureRow[] {
  const names = new Map((measured.objects ?? []).map((o) => [o.id, o.name]));
  return measureRows(measured.volume, measured.measures, measured.geometry, names);
}

export function formatMeasures(report: MeasuresReport, format: MeasuresFormat): string {
  if (format === 'json') return JSON.stringify(report, null, 1) + '\n';
  const rows = report.volumes.flatMap(measuredVolumeRows);
  return formatTable(MEASURE_COLUMNS, rows, format === 'tsv' ? '\t' : ',');
}

/** The format a file name asks for (.csv or .json), or null. */
export function measuresFormatOf(fileName: string): 'csv' | 'json' | null {
  return /\.csv$/i.test(fileName) ? 'csv' : /\.json$/i.test(fileName) ? 'json' : null;
}
