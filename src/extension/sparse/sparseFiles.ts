/**
 * Where the sparse workflow's files live, beside the volume (docs/sparse-annotation.md):
 * `<name>.regions.nii.gz` + `.regions.json` (the annotation), `<name>.regionprob.nii.gz` +
 * `.json` (region-predict's output), `<name>.vessels.nii.gz` (the finish step: the fine-tune
 * trainer's label, trainer/samocta2/data/naming.py), and the region models' run folders
 * `region-runs/run-NNN` in the volume's folder (a sub-folder: the fine-tune trainer only reads
 * files, so the folder still trains as it is). Pure: paths as strings, '/'-separated.
 */

const NIFTI = /\.nii(\.gz)?$/i;

/** `<name>` of `<name>.nii.gz` / `<name>.nii`; an error for other names. */
export function caseName(fileName: string): string {
  if (!NIFTI.test(fileName)) {
    throw new Error(
      `${fileName} is not a NIfTI volume; the sparse workflow reads .nii and .nii.gz.`,
    );
  }
  return fileName.replace(NIFTI, '');
}

export interface SparseFiles {
  readonly regions: string;
  readonly regionsSidecar: string;
  readonly prediction: string;
  readonly predictionSidecar: string;
  readonly vessels: string;
}

/** The files of volume `fileName` in `folder`. */
export function sparseFiles(folder: string, fileName: string): SparseFiles {
  const base = `${folder.replace(/\/+$/, '')}/${caseName(fileName)}`;
  return {
    regions: `${base}.regions.nii.gz`,
    regionsSidecar: `${base}.regions.json`,
    prediction: `${base}.regionprob.nii.gz`,
    predictionSidecar: `${base}.regionprob.json`,
    vessels: `${base}.vessels.nii.gz`,
  };
}

export const RUNS_FOLDER = 'region-runs';
const RUN = /^run-(\d{3,})$/;

/** The number of each `run-NNN` entry, ascending; other names are not runs. */
export function runNumbers(entries: readonly string[]): number[] {
  return entries
    .map((name) => RUN.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export function runName(n: number): string {
  return `run-${String(n).padStart(3, '0')}`;
}

/**
 * The next training run: a new folder after the last one, starting from the last finished run's
 * checkpoint when there is one (a retrain after corrections keeps what was learned).
 */
export function nextRun(
  runsFolder: string,
  entries: readonly string[],
  finished: (run: string) => boolean,
): { out: string; init: string | undefined } {
  const numbers = runNumbers(entries);
  const last = numbers.length > 0 ? numbers[numbers.length - 1]! : 0;
  const previous = [...numbers].reverse().find((n) => finished(runName(n)));
  return {
    out: `${runsFolder}/${runName(last + 1)}`,
    init: previous === undefined ? undefined : `${runsFolder}/${runName(previous)}/checkpoint.pt`,
  };
}

/** The checkpoint to predict with: the newest run that has one. */
export function latestCheckpoint(
  runsFolder: string,
  entries: readonly string[],
  finished: (run: string) => boolean,
): string | undefined {
  const previous = [...runNumbers(entries)].reverse().find((n) => finished(runName(n)));
  return previous === undefined ? undefined : `${runsFolder}/${runName(previous)}/checkpoint.pt`;
}
