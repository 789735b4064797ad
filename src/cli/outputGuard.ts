/**
 * Checks a command's outputs before any work starts: the output folder exists (or is created)
 * and is writable, and no output would replace a file the command reads, unless --force. Files
 * are compared by device and inode, so links, hard links and case-insensitive names that lead
 * to the same file are all caught.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './command';
import { ensureWritableDir } from './files';

export interface GuardedOutput {
  /** The option that named it, for the message ('out'). */
  option: string;
  path: string;
}

export interface ReadInput {
  /** What the file is to the user ('the input volume', 'a model bundle file'). */
  role: string;
  path: string;
}

export function checkOutputs(
  outputs: readonly GuardedOutput[],
  inputs: readonly ReadInput[],
  force: boolean,
): void {
  for (const output of outputs) ensureWritableDir(dirname(output.path), output.option);
  if (force) return;
  const identities = inputs.map((input) => ({ input, id: fileIdentity(input.path) }));
  for (const output of outputs) {
    const id = fileIdentity(output.path);
    if (id === undefined) continue; // nothing there yet: nothing to replace
    const hit = identities.find((entry) => entry.id === id);
    if (hit) {
      throw new UsageError(
        `--${output.option} ${output.path} would replace ${hit.input.role} ${hit.input.path} ` +
          `(the same file); choose another --${output.option}, or pass --force to replace it.`,
      );
    }
  }
}

/** Every regular file directly inside `dir` (a model bundle's manifest and graphs). */
export function filesIn(dir: string, role: string): ReadInput[] {
  try {
    return readdirSync(dir).map((name) => ({ role, path: join(dir, name) }));
  } catch {
    return [];
  }
}

function fileIdentity(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? `${stat.dev}:${stat.ino}` : undefined;
  } catch {
    return undefined;
  }
}
