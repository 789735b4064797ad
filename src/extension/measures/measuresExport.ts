/**
 * "Export Measures…" on the host: asks where to write (a CSV beside the volume by default), then
 * writes the CSV and a JSON of the same name through the CLI's formatter (measureExport), each
 * file atomically. The measured volume comes from the editor's Measures panel; the model and the
 * segmentation's name come from the document, which records what made the masks. Writes nothing
 * when the user cancels or a check fails, and says why.
 */
import * as vscode from 'vscode';
import { formatMeasures, measuresReport } from '../../core/measure/measureExport';
import type { MeasuredVolume } from '../../core/measure/measureReport';
import { splitCaseFile } from '../../core/volume/caseFiles';
import { segmentationFileName } from '../segmentation/segmentationFiles';
import { uriBaseName } from '../uriFiles';
import { writeFileAtomic } from '../vscodeFolderFs';

export interface ExportSource {
  /** The volume's URI: the default folder and name. */
  readonly uri: vscode.Uri;
  readonly fileName: string;
  /** Model bundle that made the masks, or null (hand-made or unknown). */
  readonly model: string | null;
}

/** `scan.nii.gz` → `scan.measures`. */
export function measuresBaseName(volumeFileName: string): string {
  return `${splitCaseFile(volumeFileName)?.name ?? volumeFileName}.measures`;
}

/**
 * The files written, or null when the user cancelled. Throws on a measured volume of another
 * file (a stale editor message) or a write error: the caller shows the message.
 */
export async function exportMeasures(
  source: ExportSource,
  measured: MeasuredVolume,
  fs: vscode.FileSystem = vscode.workspace.fs,
): Promise<{ csv: vscode.Uri; json: vscode.Uri } | null> {
  if (measured.volume !== source.fileName) {
    throw new Error(`the measures are of ${measured.volume}, not of ${source.fileName}.`);
  }
  const picked = await vscode.window.showSaveDialog({
    title: 'SAM-OCTA2: Export Measures',
    defaultUri: vscode.Uri.joinPath(source.uri, '..', `${measuresBaseName(source.fileName)}.csv`),
    filters: { 'CSV (and JSON beside it)': ['csv'] },
    saveLabel: 'Export',
  });
  if (!picked) return null;
  const stem = uriBaseName(picked).replace(/\.(csv|json)$/i, '');
  const csv = vscode.Uri.joinPath(picked, '..', `${stem}.csv`);
  const json = vscode.Uri.joinPath(picked, '..', `${stem}.json`);
  const report = measuresReport([
    { ...measured, model: source.model, segmentation: segmentationFileName(source.fileName) },
  ]);
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  // Both texts first: a formatting error leaves no file behind.
  const csvBytes = encode(formatMeasures(report, 'csv'));
  const jsonBytes = encode(formatMeasures(report, 'json'));
  await writeFileAtomic(fs, csv, csvBytes);
  await writeFileAtomic(fs, json, jsonBytes);
  return { csv, json };
}
