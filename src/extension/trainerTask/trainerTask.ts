/**
 * A trainer command as a VS Code task, for every trainer task type (fine-tune, region train and
 * predict, and any later one): the trainer's environment, the working folder (the workspace
 * folder, so relative paths in tasks.json mean what they say), and a CustomExecution whose
 * pseudoterminal (TrainerTerminal) shows the output, parses the progress and stops the trainer
 * gracefully — which a ProcessExecution would not allow.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandLine } from './runPlan';
import { TrainerTerminal, type RunPlan, type SpawnTrainer } from './trainerTerminal';

/** Declared in package.json "problemMatchers" (name without the `$`). */
export const TRAINER_PROBLEM_MATCHER = '$samocta2-trainer';
export const TASK_SOURCE = 'SAM-OCTA2';

/**
 * The trainer's environment. PYTHONPATH makes the bundled trainer importable without
 * `pip install -e`; PYTHONSAFEPATH (Python 3.11+, which the trainer needs) keeps `python -m`
 * from putting the working folder first on sys.path, so no file in the workspace or dataset
 * can shadow a module the trainer imports.
 */
export function trainerEnvironment(
  trainerFolder: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const inherited = env.PYTHONPATH;
  return {
    PYTHONPATH: inherited ? `${trainerFolder}${path.delimiter}${inherited}` : trainerFolder,
    PYTHONSAFEPATH: '1',
    PYTHONUNBUFFERED: '1',
  };
}

/** What every trainer task needs from the extension. */
export interface TrainerTaskContext {
  /** The extension's trainer/ folder. */
  readonly trainerFolder: string;
  /** The extension host's environment, for PYTHONPATH (process.env in production). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Starts the trainer process (nodeSpawnTrainer in production). */
  readonly spawn: SpawnTrainer;
}

export interface TrainerTaskSpec {
  /** The definition VS Code handed in (or the one built for it). */
  readonly definition: vscode.TaskDefinition;
  readonly scope: vscode.WorkspaceFolder | vscode.TaskScope;
  readonly name: string;
  readonly detail: string;
  readonly line: CommandLine;
  /** What runs after training and where output is kept, given the working folder. */
  plan?(cwd: string): RunPlan;
  /** Called with each run's terminal, e.g. to follow its progress. */
  onTerminal?(terminal: TrainerTerminal): void;
}

export function createTrainerTask(spec: TrainerTaskSpec, context: TrainerTaskContext): vscode.Task {
  const cwd = typeof spec.scope === 'object' ? spec.scope.uri.fsPath : undefined;
  const options = {
    ...(cwd === undefined ? {} : { cwd }),
    env: trainerEnvironment(context.trainerFolder, context.env),
  };
  const execution = new vscode.CustomExecution(async () => {
    const plan = spec.plan?.(cwd ?? process.cwd()) ?? {};
    const terminal = new TrainerTerminal(spec.line, options, context.spawn, plan);
    spec.onTerminal?.(terminal);
    return terminal;
  });
  const task = new vscode.Task(spec.definition, spec.scope, spec.name, TASK_SOURCE, execution, [
    TRAINER_PROBLEM_MATCHER,
  ]);
  task.detail = spec.detail;
  return task;
}
