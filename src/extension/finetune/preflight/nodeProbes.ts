/**
 * The preflight's probes on the real machine: Node's fs for files and folders, and the
 * configured Python running trainer/samocta2/probe.py (with the task's environment, so it sees
 * what the trainer will see).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadVolume } from '../../volumeLoader';
import type { FolderEntry } from './datasetChecks';
import type { PreflightProbes } from './preflight';
import type { PythonProbeOutcome } from './pythonProbeReport';
import type { FileStat } from './storageChecks';

export interface NodeProbeOptions {
  /** trainer/samocta2/probe.py (standard library only, runs before the trainer is installed). */
  readonly probeScript: string;
  /** Extra environment for the interpreter (trainerEnvironment()). */
  readonly env: Readonly<Record<string, string>>;
  /** Importing torch can take a while on a cold disk. */
  readonly timeoutMs?: number;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function runProbeScript(
  python: string,
  options: NodeProbeOptions,
): Promise<PythonProbeOutcome> {
  return new Promise((resolve) => {
    execFile(
      python,
      [options.probeScript],
      {
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        windowsHide: true,
        maxBuffer: 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ kind: 'ok', stdout });
        const code = errorCode(error);
        if (code === 'ENOENT' || code === 'EACCES') {
          return resolve({ kind: 'notFound', detail: `${code}: ${message(error).split('\n')[0]}` });
        }
        const lastLine = stderr.trim().split('\n').at(-1) ?? '';
        const how = error.killed ? 'timed out' : `exited with code ${String(error.code)}`;
        resolve({ kind: 'failed', detail: lastLine ? `${how}: ${lastLine}` : how });
      },
    );
  });
}

async function statOrUndefined(target: string): Promise<FileStat | undefined> {
  try {
    const stat = await fs.stat(target);
    return { isFile: stat.isFile(), isDirectory: stat.isDirectory(), size: stat.size };
  } catch (error) {
    if (MISSING.has(errorCode(error) ?? '')) return undefined;
    throw error;
  }
}

function maxVoxel(data: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  return max;
}

export function nodePreflightProbes(options: NodeProbeOptions): PreflightProbes {
  return {
    runPythonProbe: (python) => runProbeScript(python, options),
    stat: statOrUndefined,
    async listFolder(folder): Promise<FolderEntry[]> {
      const names = await fs.readdir(folder);
      // stat (not the dirent) so that symlinked volumes count as the files they point to.
      const stats = await Promise.all(names.map((n) => statOrUndefined(path.join(folder, n))));
      return names.flatMap((name, i) => {
        const stat = stats[i];
        return stat === undefined ? [] : [{ name, ...stat }];
      });
    },
    async readHead(file, bytes) {
      const handle = await fs.open(file, 'r');
      try {
        const buffer = new Uint8Array(bytes);
        const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async maxLabelId(file) {
      // The editor's own loader: the same size limits and error messages as opening the file.
      const { volume } = await loadVolume({
        fileName: path.basename(file),
        size: async () => (await fs.stat(file)).size,
        read: async () => new Uint8Array(await fs.readFile(file)),
      });
      return maxVoxel(volume.data);
    },
    async tryWrite(folder) {
      const probe = path.join(folder, `.samocta2-write-test-${process.pid}`);
      try {
        await fs.mkdir(folder, { recursive: true });
        await fs.writeFile(probe, 'ok');
        await fs.rm(probe, { force: true });
        return undefined;
      } catch (error) {
        return message(error);
      }
    },
    async freeBytes(target) {
      // The output folder may not exist yet: ask about the nearest folder that does.
      for (let at = path.resolve(target); ; at = path.dirname(at)) {
        try {
          const stats = await fs.statfs(at);
          return stats.bavail * stats.bsize;
        } catch (error) {
          if (!MISSING.has(errorCode(error) ?? '') || path.dirname(at) === at) return undefined;
        }
      }
    },
  };
}
