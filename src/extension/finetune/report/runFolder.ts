/**
 * What a run folder holds for its report: the evaluation (`samocta2 eval --out <run>/eval`
 * writes eval/eval.json), the progress log (the trainer's JSON lines, saved as progress.jsonl),
 * the task's full output (fine-tune.log) and whether the trainer's checkpoint and config are
 * there. The names are the ones the fine-tune task writes (trainerTask/runPlan.ts RUN_FILES). Read through a vscode.FileSystem,
 * so remote workspaces work; a missing file is an answer, not an error.
 */
import * as vscode from 'vscode';
import { uriExists } from '../../uriFiles';

/** Where the evaluation may be, first found wins. */
export const EVAL_FILES = ['eval/eval.json', 'eval.json'] as const;
/** The run's progress log: every JSON line the trainer printed, appended across resumes. */
export const PROGRESS_LOG = 'progress.jsonl';
/** Everything the task's terminal showed (all stages), written when run from VS Code. */
export const TASK_LOG = 'fine-tune.log';
export const CHECKPOINT_FILE = 'checkpoint.pt';
export const CONFIG_FILE = 'config.yaml';

export interface FoundFile {
  /** Relative to the run folder. */
  readonly name: string;
  readonly text: string;
}

export interface RunFiles {
  readonly runDir: vscode.Uri;
  readonly evaluation?: FoundFile;
  readonly progressLog?: FoundFile;
  readonly hasCheckpoint: boolean;
  readonly hasConfig: boolean;
  /** The task's full output, when there is one. */
  readonly taskLog?: vscode.Uri;
}

type Reader = Pick<vscode.FileSystem, 'readFile' | 'stat'>;

async function readText(fs: Reader, uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await fs.readFile(uri));
  } catch {
    return undefined;
  }
}

async function firstFound(
  fs: Reader,
  runDir: vscode.Uri,
  names: readonly string[],
): Promise<FoundFile | undefined> {
  for (const name of names) {
    const text = await readText(fs, vscode.Uri.joinPath(runDir, name));
    if (text !== undefined) return { name, text };
  }
  return undefined;
}

export async function readRunFolder(fs: Reader, runDir: vscode.Uri): Promise<RunFiles> {
  const taskLog = vscode.Uri.joinPath(runDir, TASK_LOG);
  const [evaluation, progressLog, hasCheckpoint, hasConfig, hasTaskLog] = await Promise.all([
    firstFound(fs, runDir, EVAL_FILES),
    firstFound(fs, runDir, [PROGRESS_LOG]),
    uriExists(fs, vscode.Uri.joinPath(runDir, CHECKPOINT_FILE)),
    uriExists(fs, vscode.Uri.joinPath(runDir, CONFIG_FILE)),
    uriExists(fs, taskLog),
  ]);
  return {
    runDir,
    ...(evaluation === undefined ? {} : { evaluation }),
    ...(progressLog === undefined ? {} : { progressLog }),
    hasCheckpoint,
    hasConfig,
    ...(hasTaskLog ? { taskLog } : {}),
  };
}
