/**
 * What a trainer task runs: a command line, the stages that follow a successful training in the
 * same terminal (evaluation, export), and the files a run leaves in its run folder. Pure: paths
 * are worked out here, the processes are started by trainerTerminal.ts.
 */
import * as path from 'node:path';

/** One trainer process: the interpreter and its arguments. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
}

export type StageName = 'train' | 'eval' | 'export';

export interface RunStage {
  readonly name: StageName;
  readonly line: CommandLine;
  /** A failed optional stage is reported, and the run goes on without its result. */
  readonly optional?: boolean;
}

/** Files and folders a run leaves in its run folder (report/runFolder.ts reads the same). */
export const RUN_FILES = {
  checkpoint: 'checkpoint.pt',
  eval: 'eval',
  evalJson: path.join('eval', 'eval.json'),
  bundle: 'bundle',
  /** Everything the task's terminal showed, all stages, appended across resumes. */
  log: 'fine-tune.log',
  /** The trainer's JSON progress lines, appended across resumes (the report's curve). */
  progress: 'progress.jsonl',
} as const;

/** The run folder from a checkpoint path the trainer printed (relative to its working folder). */
export function runFolderOfCheckpoint(checkpoint: string, cwd: string): string {
  return path.dirname(path.resolve(cwd, checkpoint));
}

/** Without the eval stage's result the export must not ask for its metrics file. */
export function withoutMetrics(stage: RunStage): RunStage {
  return {
    ...stage,
    line: { ...stage.line, args: stage.line.args.filter((a) => !a.startsWith('--metrics=')) },
  };
}
