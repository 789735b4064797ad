/**
 * What `sam-octa2 measure` measures: each volume paired with its segmentation (`--seg`, or the
 * editor's and `track`'s `<volume>.seg.nii.gz` beside it) and that segmentation's sidecar
 * (`<seg>.json`) when there is one; for a folder, every volume in it that has a segmentation.
 * Also the reading of those files, each failure naming the file.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { labelVolumeFromVolume, type LabelVolume } from '../core/labels/labelVolume';
import type { NiftiHeader } from '../core/nifti/niftiHeader';
import {
  parseSegmentationSidecar,
  type SegmentationSidecar,
} from '../core/tracker/segmentationSidecar';
import { splitCaseFile } from '../core/volume/caseFiles';
import { UsageError } from './command';

export interface MeasureInput {
  volume: string;
  seg: string;
  /** `<seg>.json` when it exists. */
  sidecar: string | null;
}

const NIFTI = /\.nii(\.gz)?$/i;

/** `scan.nii.gz` → `scan.seg.nii.gz` (src/extension/segmentation/segmentationFiles.ts names it so). */
export function defaultSegPath(volume: string): string {
  return volume.replace(NIFTI, '') + '.seg.nii.gz';
}

/** `scan.seg.nii.gz` → `scan.seg.json`. */
export function sidecarPath(seg: string): string {
  return seg.replace(NIFTI, '') + '.json';
}

/** The inputs for a VOLUME or FOLDER argument; `skipped` lists volumes with no segmentation. */
export function findMeasureInputs(
  target: string,
  seg: string | undefined,
): { inputs: MeasureInput[]; skipped: string[] } {
  let isFolder: boolean;
  try {
    isFolder = statSync(target).isDirectory();
  } catch (error) {
    throw new UsageError(`cannot read ${target} (${(error as Error).message}).`);
  }
  if (!isFolder) {
    if (!NIFTI.test(target)) {
      throw new UsageError(`${target} is not a NIfTI volume (.nii or .nii.gz) nor a folder.`);
    }
    const segPath = seg ?? defaultSegPath(target);
    if (!existsSync(segPath)) {
      throw new UsageError(
        `no segmentation for ${target}: ${segPath} does not exist. Give one with --seg SEG.`,
      );
    }
    return { inputs: [withSidecar(target, segPath)], skipped: [] };
  }
  if (seg !== undefined) {
    throw new UsageError(
      "--seg names one volume's segmentation; for a folder each volume uses its own <name>.seg.nii.gz.",
    );
  }
  // Label and derived files (<name>.faz.nii.gz, <name>.seg.nii.gz, …) are not volumes.
  const volumes = readdirSync(target)
    .filter((name) => splitCaseFile(name)?.suffix === null)
    .sort()
    .map((name) => join(target, name));
  const inputs: MeasureInput[] = [];
  const skipped: string[] = [];
  for (const volume of volumes) {
    const segPath = defaultSegPath(volume);
    if (existsSync(segPath)) inputs.push(withSidecar(volume, segPath));
    else skipped.push(basename(volume));
  }
  if (inputs.length === 0) {
    throw new UsageError(
      `${target} holds no volume with a segmentation beside it (<name>.nii.gz with <name>.seg.nii.gz).`,
    );
  }
  return { inputs, skipped };
}

function withSidecar(volume: string, seg: string): MeasureInput {
  const sidecar = sidecarPath(seg);
  return { volume, seg, sidecar: existsSync(sidecar) ? sidecar : null };
}

/** The volume's header only: its geometry is all a measure needs from it. */
export async function readVolumeHeader(path: string): Promise<NiftiHeader> {
  const { readNiftiHeaderOnly } = await import('../core/nifti/readNifti');
  const prefix = Buffer.alloc(64 * 1024);
  return naming(path, () => {
    const fd = openSync(path, 'r');
    try {
      const n = readSync(fd, prefix, 0, prefix.length, 0);
      return readNiftiHeaderOnly(prefix.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  });
}

export async function readLabels(
  path: string,
): Promise<{ labels: LabelVolume; header: { affine: number[]; notices: string[] } }> {
  const { readNifti } = await import('../core/nifti/readNifti');
  const read = naming(path, () => readNifti(readFileSync(path)));
  try {
    return {
      labels: labelVolumeFromVolume(read.volume),
      header: { affine: [...read.volume.affine], notices: read.notices },
    };
  } catch (error) {
    throw new Error(`${basename(path)} is not a label volume: ${(error as Error).message}`);
  }
}

export function readSidecar(path: string): SegmentationSidecar {
  return parseSegmentationSidecar(readFileSync(path, 'utf8'), basename(path));
}

/** Runs a read, putting the file's name in front of any error it throws. */
function naming<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new Error(`${basename(path)}: ${(error as Error).message}`);
  }
}
