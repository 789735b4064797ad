/**
 * The FolderFs of src/core/files/filePair.ts over vscode.workspace.fs, so the editor's Save,
 * Save As and backups write a label volume and its sidecar by the same pair rule as
 * `sam-octa2 track` (docs/reliability.md). vscode.FileSystem has no fsync: writes are as durable
 * as its provider makes them, each rename still replaces its target in one step. Temporary
 * names carry the extension host's pid; any other tag counts as abandoned (a second window
 * saving the same file at the same moment at worst fails its save, and loses nothing).
 */
import * as vscode from 'vscode';
import type { FolderFs } from '../core/files/filePair';
import { uriExists } from './uriFiles';

/** This extension host's tag in temporary names (pass as PairWriteOptions.tag). */
export const EDITOR_TAG = String(process.pid);

export function vscodeFolderFs(fs: vscode.FileSystem, folder: vscode.Uri): FolderFs {
  const at = (name: string): vscode.Uri => vscode.Uri.joinPath(folder, name);
  return {
    write: (name, bytes) => Promise.resolve(fs.writeFile(at(name), bytes)),
    rename: (from, to) => Promise.resolve(fs.rename(at(from), at(to), { overwrite: true })),
    read: async (name) => {
      try {
        return await fs.readFile(at(name));
      } catch (error) {
        if (!(await uriExists(fs, at(name)))) return undefined;
        throw error;
      }
    },
    remove: async (name) => {
      if (await uriExists(fs, at(name))) await fs.delete(at(name));
    },
    list: async () => (await fs.readDirectory(folder)).map(([name]) => name),
    syncFolder: async () => undefined,
    isLiveTag: (tag) => tag === EDITOR_TAG,
  };
}
