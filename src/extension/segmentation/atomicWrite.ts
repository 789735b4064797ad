/**
 * Writes a file so that readers see the old content or the new, never half of either: the bytes
 * go to a temporary file in the same folder (same file system, so the rename is atomic), which
 * then replaces the target.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomic(
  fs: vscode.FileSystem,
  target: vscode.Uri,
  bytes: Uint8Array,
): Promise<void> {
  const name = target.path.slice(target.path.lastIndexOf('/') + 1);
  const temp = vscode.Uri.joinPath(target, '..', `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(temp, bytes);
  try {
    await fs.rename(temp, target, { overwrite: true });
  } catch (error) {
    await fs.delete(temp).then(undefined, () => undefined);
    throw error;
  }
}
