/**
 * What `track` and `eval` share: reading a volume, opening a bundle on onnxruntime-node with
 * its errors turned into messages that name the file.
 */
import { readFileSync } from 'node:fs';
import { loadBundle, type LoadedBundle } from '../core/tracker/bundleSessions';
import { BundleError } from '../core/tracker/modelBundle';
import type { Volume } from '../core/volume/volume';
import { UsageError } from './command';
import { folderSource, nodeRuntime, nodeSha256 } from '../engine/ortNode';

export async function openBundle(dir: string, threads: number): Promise<LoadedBundle> {
  try {
    return await loadBundle(folderSource(dir), await nodeRuntime(threads), nodeSha256);
  } catch (error) {
    if (error instanceof BundleError) throw new Error(`model bundle ${dir}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads a NIfTI volume. The reader is loaded on first use, so `sam-octa2 synth` and `--help`
 * start without it (nifti-reader-js needs Node's "import" condition under tsx).
 */
export async function readVolume(
  path: string,
  /** Receives the reader's notices (4D, NaN voxels, assumed units); dropped when absent. */
  onNotice?: (notice: string) => void,
): Promise<Volume> {
  const { readNifti } = await import('../core/nifti/readNifti');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path} (${(error as Error).message}).`);
  }
  const { volume, notices } = readNifti(bytes);
  for (const notice of notices) onNotice?.(notice);
  if (volume.dims.some((d) => d < 1))
    throw new Error(`${path}: empty volume ${volume.dims.join('x')}.`);
  return volume;
}
