/**
 * Preflight for files: the SAM 2.1 base weights, the run folder (a run to resume, or one that
 * would block a new run), whether the output folder is writable, and free disk space. All I/O
 * goes through injected probes.
 */
import { failed, passed, type PreflightResult } from './preflightResult';
import type { ModelSize } from '../run/taskDefinition';
import {
  checkpointBytes,
  formatBytes,
  RELEASED_CHECKPOINT_BYTES,
  RELEASED_CHECKPOINT_URL,
  runDiskBytes,
} from './trainingEstimates';

export interface FileStat {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly size: number;
}

export interface StorageProbes {
  /** undefined when nothing is at `path`. */
  stat(path: string): Promise<FileStat | undefined>;
  readHead(path: string, bytes: number): Promise<Uint8Array>;
  /** Creates `folder` if needed, writes and removes a small file; the OS message on failure. */
  tryWrite(folder: string): Promise<string | undefined>;
  /** Free bytes on the disk holding `path` (or its nearest existing parent); undefined if unknown. */
  freeBytes(path: string): Promise<number | undefined>;
}

/** Name of the trainer's checkpoint in the run folder (trainer/samocta2/checkpoint.py). */
export const RUN_CHECKPOINT = 'checkpoint.pt';

const RELEASED_NAME = /sam2\.1_hiera_(tiny|small|base_plus|large)\.pt$/;

/** Why the first bytes are not a torch.save file, or undefined. torch.save writes a zip: "PK". */
export function torchFileProblem(head: Uint8Array): string | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b) return undefined;
  const text = new TextDecoder().decode(head).trimStart().toLowerCase();
  if (text.startsWith('<')) return 'is a web page, not a checkpoint (the download went wrong)';
  return 'is not a PyTorch checkpoint (a .pt file is a zip archive starting with "PK")';
}

export async function checkBaseModel(
  checkpoint: string | undefined,
  size: ModelSize,
  probes: StorageProbes,
): Promise<PreflightResult> {
  const released = `sam2.1_hiera_${size}.pt`;
  const download = `Download ${released} from ${RELEASED_CHECKPOINT_URL}${released} and choose it as the base model.`;
  if (checkpoint === undefined) {
    if (size === 'nano')
      return passed('baseModel', 'nano starts from random weights (for tests and demos)');
    return failed(
      'baseModel',
      `Size ${size} needs the SAM 2.1 base weights (${released}); none is set`,
      download,
    );
  }
  const named = RELEASED_NAME.exec(checkpoint);
  if (named && named[1] !== size) {
    return failed(
      'baseModel',
      `${checkpoint} holds the ${named[1]} model, but the size is ${size}`,
      `Set the size to ${named[1]}, or choose ${released}.`,
    );
  }
  const stat = await probes.stat(checkpoint);
  if (stat === undefined)
    return failed('baseModel', `The base model ${checkpoint} does not exist`, download);
  if (!stat.isFile)
    return failed(
      'baseModel',
      `The base model ${checkpoint} is a folder, not a .pt file`,
      download,
    );
  const expected = RELEASED_CHECKPOINT_BYTES[size];
  if (stat.size === 0 || (expected !== undefined && stat.size < expected / 2)) {
    const about = expected !== undefined ? `; ${released} is about ${formatBytes(expected)}` : '';
    return failed(
      'baseModel',
      `The base model ${checkpoint} is ${formatBytes(stat.size)}${about}: it is incomplete`,
      download,
    );
  }
  const problem = torchFileProblem(await probes.readHead(checkpoint, 16));
  if (problem !== undefined)
    return failed('baseModel', `The base model ${checkpoint} ${problem}`, download);
  return passed('baseModel', `${checkpoint} (${formatBytes(stat.size)})`);
}

/** The trainer refuses to overwrite a run without --resume, and cannot resume from nothing. */
export async function checkRunFolder(
  out: string,
  resume: boolean,
  probes: StorageProbes,
): Promise<PreflightResult> {
  const path = `${out}/${RUN_CHECKPOINT}`;
  const stat = await probes.stat(path);
  if (stat === undefined || !stat.isFile) {
    if (!resume) return passed('runFolder', `a new run in ${out}`);
    return failed(
      'runFolder',
      `There is no run to resume in ${out} (${RUN_CHECKPOINT} not found)`,
      'Start a new run, or choose the folder of the run to continue.',
      { kind: 'startFresh' },
    );
  }
  if (!resume) {
    return failed(
      'runFolder',
      `${out} already holds a run (${RUN_CHECKPOINT}); the trainer does not overwrite it`,
      'Resume that run, or choose another output folder.',
      { kind: 'resume' },
    );
  }
  const problem = stat.size === 0 ? 'is empty' : torchFileProblem(await probes.readHead(path, 16));
  if (problem !== undefined) {
    return failed(
      'runFolder',
      `The run's checkpoint ${path} ${problem}`,
      'Start a new run in another output folder.',
      { kind: 'startFresh' },
    );
  }
  return passed('runFolder', `resuming the run in ${out}`);
}

export async function checkOutputWritable(
  out: string,
  probes: StorageProbes,
): Promise<PreflightResult> {
  const error = await probes.tryWrite(out);
  if (error === undefined) return passed('output', `${out} is writable`);
  return failed(
    'output',
    `The output folder ${out} is not writable: ${error}`,
    'Choose a folder you can write to (e.g. inside the workspace).',
  );
}

export async function checkDiskSpace(
  out: string,
  size: ModelSize,
  probes: StorageProbes,
): Promise<PreflightResult> {
  const needed = runDiskBytes(size);
  const free = await probes.freeBytes(out);
  const what = `checkpoints of about ${formatBytes(checkpointBytes(size))} and a model bundle`;
  if (free === undefined)
    return passed(
      'disk',
      `free space unknown; the run needs about ${formatBytes(needed)} (${what})`,
    );
  if (free >= needed)
    return passed('disk', `${formatBytes(free)} free, about ${formatBytes(needed)} needed`);
  return failed(
    'disk',
    `Only ${formatBytes(free)} is free where ${out} is; a ${size} run needs about ${formatBytes(needed)} (${what})`,
    'Free some space, or choose an output folder on another disk.',
  );
}
