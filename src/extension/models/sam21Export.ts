/**
 * Turns a SAM 2.1 checkpoint into a model bundle by running the trainer's export
 * (`python -m samocta2 export --model-checkpoint ...`) as a VS Code task, in the terminal the
 * fine-tune runs use (TrainerTerminal: output shown as is, Cancel stops the process), and
 * resolves when the process has ended, with its exit code and last error.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TASK_SOURCE, TRAINER_PROBLEM_MATCHER } from '../trainerTask/trainerTask';
import type { CommandLine } from '../trainerTask/runPlan';
import { trainerEnvironment } from '../trainerTask/trainerTask';
import { TrainerTerminal, type SpawnTrainer } from '../trainerTask/trainerTerminal';
import type { Sam21Size } from './sam21Checkpoints';

/** The task's type; runs are started by the command, never from tasks.json. */
export const SAM21_EXPORT_TASK_TYPE = 'samocta2-sam21-export';

export interface Sam21ExportPlan {
  /** A sam2.1_hiera_*.pt file. */
  readonly checkpoint: string;
  readonly size: Sam21Size;
  readonly imageSize: number;
  /** The bundle folder to write. */
  readonly out: string;
  /** The bundle's name in the model picker. */
  readonly name: string;
}

/**
 * The export's command line. `--size` is passed although the trainer can read it from the
 * file, so a checkpoint of another size than the one chosen is refused with both named.
 */
export function sam21ExportLine(python: string, plan: Sam21ExportPlan): CommandLine {
  return {
    command: python,
    args: [
      '-m',
      'samocta2',
      'export',
      `--model-checkpoint=${plan.checkpoint}`,
      `--size=${plan.size}`,
      `--image-size=${plan.imageSize}`,
      `--name=${plan.name}`,
      `--out=${plan.out}`,
    ],
  };
}

export interface Sam21ExportContext {
  /** The extension's trainer/ folder (PYTHONPATH when the trainer is not pip-installed). */
  readonly trainerFolder: string;
  readonly python: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly spawn: SpawnTrainer;
}

export interface Sam21ExportResult {
  readonly code: number;
  /** The trainer's last error line, when it failed. */
  readonly error?: string;
}

/**
 * Starts the export task; `started` gets its terminal (to stop it). Resolves when the process
 * has ended.
 */
export function runSam21Export(
  plan: Sam21ExportPlan,
  context: Sam21ExportContext,
  started: (terminal: TrainerTerminal) => void = () => undefined,
): Promise<Sam21ExportResult> {
  const line = sam21ExportLine(context.python, plan);
  const options = {
    cwd: path.dirname(plan.out),
    env: trainerEnvironment(context.trainerFolder, context.env),
  };
  return new Promise<Sam21ExportResult>((resolve, reject) => {
    const execution = new vscode.CustomExecution(async () => {
      const terminal = new TrainerTerminal(line, options, context.spawn);
      started(terminal);
      terminal.onDidClose((code) => {
        const error = terminal.result?.error;
        resolve({ code: code ?? 0, ...(error === undefined ? {} : { error }) });
      });
      return terminal;
    });
    const task = new vscode.Task(
      { type: SAM21_EXPORT_TASK_TYPE, size: plan.size, imageSize: plan.imageSize },
      vscode.TaskScope.Workspace,
      `export ${plan.name}`,
      TASK_SOURCE,
      execution,
      [TRAINER_PROBLEM_MATCHER],
    );
    task.detail = `SAM 2.1 ${plan.size} at ${plan.imageSize} px → ${plan.out}`;
    Promise.resolve(vscode.tasks.executeTask(task)).catch(reject);
  });
}
