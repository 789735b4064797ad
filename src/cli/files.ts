/**
 * File helpers for commands that write results: an output folder that must be usable before any
 * work starts, durable writes (fsync of the file before its rename and of the folder after) that
 * never leave a half-written file under the final name, and the clean-up of temporary files a
 * killed earlier run left. Pairs of files go through src/core/files/filePair.ts with nodeFolderFs.
 */
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { tempName, tempTag, type FolderFs } from '../core/files/filePair';
import { UsageError } from './command';
import { faultPoint } from './faultPoint';

/** Creates `dir` if needed and checks it can be written; a UsageError says why not. */
export function ensureWritableDir(dir: string, option = 'out'): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--${option} ${dir}: cannot create the folder (${reason(error)}).`);
  }
  try {
    if (!statSync(dir).isDirectory()) throw new Error('it is not a folder');
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`--${option} ${dir}: cannot write there (${reason(error)}).`);
  }
}

/** Writes `bytes` to `path` (created or truncated) and fsyncs it before returning. */
export function writeFileDurable(path: string, bytes: Uint8Array | string): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const fd = openSync(path, 'w');
  try {
    faultPoint(() => writeSync(fd, data, 0, Math.floor(data.length / 2)));
    for (let done = 0; done < data.length;) {
      done += writeSync(fd, data, done, data.length - done);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes renames and removals in `dir` durable; folders that cannot be opened are skipped. */
export function syncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // e.g. Windows: the rename is still atomic, only not forced to disk
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a folder; nothing more can be done.
  } finally {
    closeSync(fd);
  }
}

/** This process's tag in temporary names: its pid, so a later run can tell a dead writer's. */
export const OWN_TAG = String(process.pid);

/** True while a process with the pid in `tag` runs (EPERM: it runs as another user). */
export function isLiveTag(tag: string): boolean {
  const pid = Number(tag);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Removes the temporary files of `path` left by writers that are no longer running. */
export function removeAbandonedTemps(path: string): number {
  const dir = dirname(path);
  const name = basename(path);
  let removed = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const tag = tempTag(entry, name);
    if (tag === undefined || isLiveTag(tag)) continue;
    rmSync(join(dir, entry), { force: true });
    removed++;
  }
  if (removed > 0) syncFolder(dir);
  return removed;
}

/** Durable write to a temporary name beside `path`, then a rename into place. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  removeAbandonedTemps(path);
  const temporary = join(dirname(path), tempName(basename(path), OWN_TAG));
  try {
    writeFileDurable(temporary, bytes);
    faultPoint();
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

/** The FolderFs of src/core/files/filePair.ts on Node: durable writes, this process's tag. */
export function nodeFolderFs(dir: string): FolderFs {
  return {
    write: async (name, bytes) => writeFileDurable(join(dir, name), bytes),
    rename: async (from, to) => {
      faultPoint();
      renameSync(join(dir, from), join(dir, to));
    },
    read: async (name) => {
      try {
        return new Uint8Array(readFileSync(join(dir, name)));
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    remove: async (name) => rmSync(join(dir, name), { force: true }),
    list: async () => readdirSync(dir),
    syncFolder: async () => syncFolder(dir),
    isLiveTag,
  };
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message;
}
