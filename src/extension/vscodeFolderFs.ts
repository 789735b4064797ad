/**
 * The file rule of src/core/files/filePair.ts over vscode.workspace.fs, so the editor's Save,
 * Save As and backups write label volumes, sidecars and single files as `sam-octa2 track` does
 * (docs/reliability.md): pairs with the image's sha256 in the sidecar, checked on read; single
 * files through a temporary name and a rename. vscode.FileSystem has no fsync: writes are as
 * durable as its provider makes them; each rename still replaces its target in one step.
 *
 * Temporary names carry `<pid>-<n>`, one per write, so two writes never share a temporary file.
 * A temporary file is live only while the write that made it runs in this extension host: once
 * it failed or was cut short, the next read or write of the file removes (or, for a pair's
 * sidecar, completes) what it left. Another window's write in progress counts as abandoned: two
 * windows saving the same file at the same moment at worst fail a save, and lose nothing.
 */
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import {
  type FolderFs,
  type PairNames,
  type ReadPairResult,
  readPair,
  removeAbandonedTemps,
  writeFileAtomic as writeFolderFileAtomic,
  writePair,
} from '../core/files/filePair';
import type { Sha256 } from '../core/tracker/modelBundle';
import { uriBaseName, uriExists } from './uriFiles';

let writes = 0;
/** The tags of this host's writes still running. */
const running = new Set<string>();

/** Runs `write` with a fresh tag that counts as live until it settles, however it ends. */
async function withTag<T>(write: (tag: string) => Promise<T>): Promise<T> {
  const tag = `${process.pid}-${++writes}`;
  running.add(tag);
  try {
    return await write(tag);
  } finally {
    running.delete(tag);
  }
}

export const editorSha256: Sha256 = async (bytes) =>
  createHash('sha256').update(bytes).digest('hex');

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
    // A folder that does not exist yet (Save As) holds nothing; writeFile creates it.
    list: async () => {
      try {
        return (await fs.readDirectory(folder)).map(([name]) => name);
      } catch (error) {
        if (!(await uriExists(fs, folder))) return [];
        throw error;
      }
    },
    syncFolder: async () => undefined,
    isLiveTag: (tag) => running.has(tag),
  };
}

/** An image and its sidecar, in one folder. */
export interface UriPair {
  readonly image: vscode.Uri;
  readonly sidecar: vscode.Uri;
}

function folderAndNames(pair: UriPair): { folder: vscode.Uri; names: PairNames } {
  const folder = vscode.Uri.joinPath(pair.image, '..');
  if (vscode.Uri.joinPath(pair.sidecar, '..').toString() !== folder.toString()) {
    throw new Error(`${pair.sidecar.path} must lie in the folder of ${pair.image.path}.`);
  }
  return { folder, names: { image: uriBaseName(pair.image), sidecar: uriBaseName(pair.sidecar) } };
}

/**
 * Writes `image` and `sidecar` (JSON object bytes) as one pair (filePair.writePair): the sidecar
 * gains the image's sha256. Returns what settling an earlier interrupted save did, as notices.
 */
export async function writeUriPair(
  fs: vscode.FileSystem,
  pair: UriPair,
  image: Uint8Array,
  sidecar: Uint8Array,
): Promise<string[]> {
  const { folder, names } = folderAndNames(pair);
  return await withTag((tag) =>
    writePair(vscodeFolderFs(fs, folder), names, image, sidecar, { sha256: editorSha256, tag }),
  );
}

/**
 * Reads a pair (filePair.readPair): settles an interrupted save, then throws PairMismatchError
 * when the sidecar was written for other image bytes; either file may be missing.
 */
export async function readUriPair(fs: vscode.FileSystem, pair: UriPair): Promise<ReadPairResult> {
  const { folder, names } = folderAndNames(pair);
  return await readPair(vscodeFolderFs(fs, folder), names, editorSha256);
}

/**
 * Writes one file so that readers see the old content or the new, never half of either, and
 * removes what earlier cut-short writes of it left (filePair.writeFileAtomic).
 */
export async function writeFileAtomic(
  fs: vscode.FileSystem,
  target: vscode.Uri,
  bytes: Uint8Array,
): Promise<void> {
  const folder = vscode.Uri.joinPath(target, '..');
  await withTag((tag) =>
    writeFolderFileAtomic(vscodeFolderFs(fs, folder), uriBaseName(target), bytes, tag),
  );
}

/** Removes the temporary files a cut-short write of `target` left (as reading a pair does). */
export async function removeAbandonedTempsOf(
  fs: vscode.FileSystem,
  target: vscode.Uri,
): Promise<void> {
  const folder = vscode.Uri.joinPath(target, '..');
  await removeAbandonedTemps(vscodeFolderFs(fs, folder), [uriBaseName(target)]);
}
