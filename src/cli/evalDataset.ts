/**
 * Reads an evaluation folder in the trainer's naming (trainer/samocta2/data/naming.py):
 * <name>.nii.gz volumes with <name>.vessels.nii.gz (instance ids, or binary RV split by its
 * en-face components) or <name>.faz.nii.gz (one object), or a generic <name>.label.nii.gz.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { labelComponents } from '../core/labels/connectedComponents';
import type { EvalCase } from '../core/tracker/eval/layerSequenceEval';
import { volumeLayerSource } from '../core/tracker/volumeLayers';
import type { Volume } from '../core/volume/volume';
import { splitCaseFile } from '../core/volume/caseFiles';
import { UsageError } from './command';
import { readVolume } from './trackModel';

export type EvalTarget = 'rv' | 'faz';

export async function loadEvalFolder(folder: string, target: EvalTarget): Promise<EvalCase[]> {
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a folder');
    names = readdirSync(folder).sort();
  } catch (error) {
    throw new UsageError(`dataset folder ${folder}: ${(error as Error).message}.`);
  }
  const cases = new Map<string, Record<string, string>>();
  for (const file of names) {
    const parts = splitCaseFile(file);
    if (!parts) continue;
    const { name, suffix } = parts;
    const entry = cases.get(name) ?? {};
    entry[suffix ?? 'volume'] = join(folder, file);
    cases.set(name, entry);
  }
  const out: EvalCase[] = [];
  for (const [name, files] of [...cases].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!files.volume) continue;
    const volume = await readVolume(files.volume);
    out.push({
      name,
      layers: volumeLayerSource(volume, 2),
      labels: await caseLabels(volume, files, target),
    });
  }
  if (out.length === 0) {
    throw new UsageError(
      `dataset folder ${folder} holds no volumes: expected <name>.nii.gz with <name>.vessels.nii.gz / <name>.faz.nii.gz labels.`,
    );
  }
  return out;
}

async function caseLabels(
  volume: Volume,
  files: Record<string, string>,
  target: EvalTarget,
): Promise<Int32Array> {
  const key = target === 'rv' ? (files.vessels ? 'vessels' : 'label') : files.faz ? 'faz' : 'label';
  const labels = new Int32Array(volume.data.length);
  if (!files[key]) return labels;
  const raw = await readVolume(files[key]);
  if (raw.dims.join('x') !== volume.dims.join('x')) {
    throw new UsageError(
      `label ${files[key]} is ${raw.dims.join('x')} but its volume is ${volume.dims.join('x')}.`,
    );
  }
  let max = 0;
  for (let i = 0; i < raw.data.length; i++) max = Math.max(max, raw.data[i]);
  if (target === 'faz') {
    for (let i = 0; i < labels.length; i++) labels[i] = raw.data[i] > 0 ? 1 : 0;
  } else if (max > 1) {
    for (let i = 0; i < labels.length; i++) labels[i] = raw.data[i];
  } else {
    splitBinaryRv(raw, files.rv2d ? await readVolume(files.rv2d) : undefined, labels);
  }
  return labels;
}

/** A voxel of binary RV belongs to the en-face component (8-connected) over its (x, y). */
function splitBinaryRv(rv: Volume, rv2d: Volume | undefined, out: Int32Array): void {
  const [nx, ny, nz] = rv.dims;
  const plane = nx * ny;
  const enface = new Uint8Array(plane);
  if (rv2d) for (let i = 0; i < plane; i++) enface[i] = rv2d.data[i] > 0 ? 1 : 0;
  else for (let i = 0; i < rv.data.length; i++) if (rv.data[i] > 0) enface[i % plane] = 1;
  const { labels } = labelComponents(enface, nx, ny, 8);
  for (let k = 0; k < nz; k++) {
    for (let i = 0; i < plane; i++) out[k * plane + i] = rv.data[k * plane + i] > 0 ? labels[i] : 0;
  }
}
