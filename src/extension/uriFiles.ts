/**
 * The file work behind `vscode.Uri`s that every part of the host shares: names, existence, and
 * the one atomic write (every annotation, sidecar and region file goes through it).
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** The last path segment (the file name) of a URI. */
export function uriBaseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** Whether the file exists: `stat` throws for a missing one, and that is all we ask. */
export async function uriExists(
  fs: Pick<vscode.FileSystem, 'stat'>,
  uri: vscode.Uri,
): Promise<boolean> {
  try {
    await fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a file so that readers see the old content or the new, never half of either: the bytes
 * go to a temporary file in the same folder (same file system, so the rename is atomic), which
 * then replaces the target.
 */
export async function writeFileAtomic(
  fs: vscode.FileSystem,
  target: vscode.Uri,
  bytes: Uint8Array,
): Promise<void> {
  const temp = vscode.Uri.joinPath(
    target,
    '..',
    `.${uriBaseName(target)}.${randomBytes(4).toString('hex')}.tmp`,
  );
  await fs.writeFile(temp, bytes);
  try {
    await fs.rename(temp, target, { overwrite: true });
  } catch (error) {
    await fs.delete(temp).then(undefined, () => undefined);
    throw error;
  }
}
