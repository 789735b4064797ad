/**
 * The file work behind `vscode.Uri`s that every part of the host shares: names and existence.
 * Writes go through vscodeFolderFs.ts (atomic single files, image + sidecar pairs).
 */
import type * as vscode from 'vscode';

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
