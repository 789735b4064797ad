/**
 * File helpers for commands that write results: an output folder that must be usable before any
 * work starts, and writes that never leave a half-written file under the final name.
 */
import {
  accessSync,
  constants,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { UsageError } from './command';

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

/** Writes to a temporary name beside `path`, then renames it into place. */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message;
}
