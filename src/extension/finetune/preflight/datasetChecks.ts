/**
 * Preflight for a dataset folder, by the trainer's naming (trainer/samocta2/data/naming.py):
 * `<name>.nii.gz` is a volume, `<name>.<suffix>.nii.gz` its labels. It counts volumes and
 * labels for the target and names each file that cannot work, before the trainer starts.
 * It reads names, sizes and the first bytes of each file, and a generic `<name>.label` in full
 * only when its ids decide whether it can be a FAZ label (through injected probes).
 */
import { failed, passed, type PreflightCheckName, type PreflightResult } from './preflightResult';
import type { FinetuneTarget } from '../run/taskDefinition';
import { CASE_FILE_SUFFIXES, labelHoldsVessels } from '../../../core/volume/caseFiles';

const NIFTI_EXTENSIONS = ['.nii.gz', '.nii'] as const;

/** 3D labels that give training objects; en-face labels alone give none (sequences.py). */
const TRAINING_LABELS: Readonly<Record<FinetuneTarget, readonly string[]>> = {
  rv: ['vessels', 'label'],
  faz: ['faz', 'label'],
};
const TARGET_NAMES: Readonly<Record<FinetuneTarget, string>> = { rv: 'vessel', faz: 'FAZ' };

export interface FolderEntry {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly size: number;
}

export interface DatasetProbes {
  /** The folder's entries; throws (with the OS message) when it cannot be listed. */
  listFolder(path: string): Promise<readonly FolderEntry[]>;
  /** Up to `bytes` first bytes of a file. */
  readHead(path: string, bytes: number): Promise<Uint8Array>;
  /** The largest voxel value of a NIfTI label file; throws (with what is wrong) when unreadable. */
  maxLabelId(path: string): Promise<number>;
}

/** [`<name>`, suffix or ''] for a NIfTI file name, undefined for other files. */
export function splitNiftiName(fileName: string): [string, string] | undefined {
  for (const ext of NIFTI_EXTENSIONS) {
    if (!fileName.endsWith(ext)) continue;
    const stem = fileName.slice(0, -ext.length);
    for (const suffix of CASE_FILE_SUFFIXES) {
      if (stem.endsWith(`.${suffix}`)) return [stem.slice(0, -suffix.length - 1), suffix];
    }
    return [stem, ''];
  }
  return undefined;
}

/** Why the first bytes cannot start this NIfTI file, or undefined when they can. */
export function headProblem(fileName: string, head: Uint8Array): string | undefined {
  if (head.length === 0) return 'is empty (0 bytes)';
  if (fileName.endsWith('.gz')) {
    return head[0] === 0x1f && head[1] === 0x8b
      ? undefined
      : 'is not gzip-compressed (a .nii.gz must be)';
  }
  if (head.length < 4) return 'is too short for a NIfTI header';
  const view = new DataView(head.buffer, head.byteOffset, 4);
  const sizes = [view.getInt32(0, true), view.getInt32(0, false)];
  // sizeof_hdr: 348 for NIfTI-1, 540 for NIfTI-2, in either byte order.
  return sizes.some((s) => s === 348 || s === 540)
    ? undefined
    : 'has no NIfTI header (sizeof_hdr is not 348 or 540)';
}

const MAX_LISTED = 8;

function listSome(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown;
}

export async function checkDataset(
  folder: string,
  target: FinetuneTarget,
  probes: DatasetProbes,
  check: PreflightCheckName = 'dataset',
): Promise<PreflightResult> {
  let entries: readonly FolderEntry[];
  try {
    entries = await probes.listFolder(folder);
  } catch (error) {
    return failed(
      check,
      `The dataset folder ${folder} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      'Choose an existing folder of NIfTI volumes and labels.',
    );
  }
  const cases = new Map<string, Map<string, FolderEntry>>();
  for (const entry of entries) {
    const parts = entry.isFile ? splitNiftiName(entry.name) : undefined;
    if (parts === undefined) continue;
    const [name, suffix] = parts;
    const files = cases.get(name) ?? new Map<string, FolderEntry>();
    files.set(suffix || 'volume', entry);
    cases.set(name, files);
  }
  const volumes = [...cases].filter(([, files]) => files.has('volume'));
  if (volumes.length === 0) {
    const splits = entries.filter((e) => e.isDirectory).map((e) => e.name);
    const hint =
      splits.length > 0
        ? ` It has subfolders (${listSome(splits)}): choose one of them, e.g. the "train" split that "python -m samocta2 import-octa500" writes.`
        : '';
    return failed(
      check,
      `The dataset folder ${folder} holds no volumes (<name>.nii.gz or <name>.nii).${hint}`,
      `Put each volume as <name>.nii.gz beside its labels <name>.vessels.nii.gz (3D vessels) or <name>.faz.nii.gz (3D FAZ), or <name>.label.nii.gz.`,
    );
  }
  const orphans = [...cases]
    .filter(([, files]) => !files.has('volume'))
    .flatMap(([name, files]) =>
      [...files.values()].map((f) => `${f.name} (no volume ${name}.nii.gz)`),
    );
  const broken: string[] = [];
  for (const [, files] of volumes) {
    for (const entry of files.values()) {
      const head =
        entry.size === 0 ? new Uint8Array() : await probes.readHead(`${folder}/${entry.name}`, 4);
      const problem = headProblem(entry.name, head);
      if (problem !== undefined) broken.push(`${entry.name} ${problem}`);
    }
  }
  if (broken.length > 0 || orphans.length > 0) {
    const lines = [...broken, ...orphans.map((o) => `label without its volume: ${o}`)];
    return failed(
      check,
      `${lines.length} file(s) in ${folder} cannot be used: ${listSome(lines)}`,
      'Replace or remove those files (a label needs its volume <name>.nii.gz beside it).',
    );
  }
  const labels = await trainingLabels(folder, volumes, target, probes);
  if (typeof labels === 'string') {
    return failed(check, `${folder}/${labels}`, 'Replace or remove that file.');
  }
  const { labelled, vesselLabels } = labels;
  const kind = TARGET_NAMES[target];
  const labelFiles = TRAINING_LABELS[target].map((s) => `<name>.${s}.nii.gz`).join(' or ');
  const notFaz =
    vesselLabels.length > 0
      ? `${listSome(vesselLabels)} hold${vesselLabels.length === 1 ? 's' : ''} ids above 1: vessel labels, not a FAZ`
      : '';
  if (labelled.length === 0) {
    const tracked = volumes
      .filter(([, files]) => files.has('seg'))
      .map(([name]) => `${name}.seg.nii.gz`);
    const otherTarget = target === 'rv' ? 'faz' : 'rv';
    const otherHasLabels = volumes.some(([, files]) =>
      TRAINING_LABELS[otherTarget].some((s) => files.has(s)),
    );
    const problem = [
      `None of the ${volumes.length} volume(s) in ${folder} has a 3D ${kind} label (${labelFiles})`,
      notFaz,
      tracked.length > 0
        ? `${listSome(tracked)} ${tracked.length === 1 ? 'is' : 'are'} the editor's tracking output, which is not training data`
        : '',
    ].filter((part) => part !== '');
    return failed(
      check,
      problem.join('; '),
      `Add ${labelFiles} for each volume (checked labels, e.g. what "python -m samocta2 import-octa500" writes)${otherHasLabels ? `, or choose the ${TARGET_NAMES[otherTarget]} target` : ''}.`,
    );
  }
  const unlabelled = volumes.filter((v) => !labelled.includes(v)).map(([name]) => name);
  const skipped = [
    unlabelled.length > 0
      ? `without ${kind} labels (no training objects): ${listSome(unlabelled)}`
      : '',
    notFaz,
  ].filter((part) => part !== '');
  return passed(
    check,
    `${volumes.length} volume(s), ${labelled.length} with 3D ${kind} labels${skipped.map((p) => `; ${p}`).join('')}`,
  );
}

type CaseFiles = readonly [string, Map<string, FolderEntry>];

/**
 * The volumes with 3D labels for `target`, by the trainer's rule (volumes.py load_case): a generic
 * `<name>.label` counts for the vessels always, and for the FAZ only when it is not a vessel
 * label (labelHoldsVessels). Returns the file's name and problem when a label cannot be read.
 */
async function trainingLabels(
  folder: string,
  volumes: readonly CaseFiles[],
  target: FinetuneTarget,
  probes: DatasetProbes,
): Promise<{ labelled: CaseFiles[]; vesselLabels: string[] } | string> {
  const labelled: CaseFiles[] = [];
  const vesselLabels: string[] = [];
  for (const volume of volumes) {
    const files = volume[1];
    const label = files.get('label');
    if (target === 'rv' ? files.has('vessels') || label : files.has('faz')) {
      labelled.push(volume);
      continue;
    }
    if (label === undefined) continue;
    let maxId: number;
    try {
      maxId = await probes.maxLabelId(`${folder}/${label.name}`);
    } catch (error) {
      return `${label.name} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (labelHoldsVessels(maxId)) vesselLabels.push(label.name);
    else labelled.push(volume);
  }
  return { labelled, vesselLabels };
}
