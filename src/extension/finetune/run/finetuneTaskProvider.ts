/**
 * The `samocta2-finetune` task type: a tasks.json entry (or the setup UI) describes a run, and
 * this turns it into a trainer task (trainerTask/) running `python -m samocta2 train ...` with the
 * configured Python, followed by evaluation and export in the same terminal.
 */
import * as vscode from 'vscode';
import {
  parseTaskDefinition,
  trainerCommandLine,
  type FinetuneTaskDefinition,
} from './taskDefinition';
import type { RunLog } from '../../trainerTask/runLog';
import { expectedRunFolder, stagesAfterTraining } from './runStages';
import { createTrainerTask, type TrainerTaskContext } from '../../trainerTask/trainerTask';
import type { TrainerTerminal } from '../../trainerTask/trainerTerminal';

export interface FinetuneTaskContext extends TrainerTaskContext {
  resolvePython(scope: vscode.Uri | undefined): Promise<string>;
  /** Where bad tasks.json entries are reported. */
  showError(message: string): unknown;
  /** Called when a run starts, e.g. to follow its progress in a notification. */
  onRun?(terminal: TrainerTerminal, name: string): void;
  /** Keeps the run's output in its run folder (FileRunLog); none when absent. */
  createLog?(runFolder: string | undefined): RunLog;
}

/** A runnable task for a checked definition; `rawDefinition` is the object VS Code handed in. */
export function createFinetuneTask(
  rawDefinition: vscode.TaskDefinition,
  definition: FinetuneTaskDefinition,
  scope: vscode.WorkspaceFolder | vscode.TaskScope,
  name: string,
  python: string,
  context: Omit<FinetuneTaskContext, 'resolvePython' | 'showError'>,
): vscode.Task {
  // After training, the same terminal evaluates and exports (runStages.ts).
  return createTrainerTask(
    {
      definition: rawDefinition,
      scope,
      name,
      detail: `${definition.size ?? 'nano'} · ${definition.target ?? 'rv'} · ${definition.steps ?? 'default'} steps`,
      line: trainerCommandLine(definition, python),
      plan: (cwd) => {
        const runFolder = expectedRunFolder(definition, cwd);
        return {
          ...(runFolder === undefined ? {} : { runFolder }),
          after: (folder) => stagesAfterTraining(definition, python, folder),
          ...(context.createLog === undefined ? {} : { log: context.createLog(runFolder) }),
        };
      },
      onTerminal: (terminal) => context.onRun?.(terminal, name),
    },
    context,
  );
}

export class FinetuneTaskProvider implements vscode.TaskProvider {
  constructor(private readonly context: FinetuneTaskContext) {}

  /** Runs are described in tasks.json or by the setup command; there is nothing to detect. */
  provideTasks(): vscode.Task[] {
    return [];
  }

  /** Called by VS Code for a tasks.json entry of our type, before it runs. */
  async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    const parsed = parseTaskDefinition(task.definition);
    if (!parsed.ok) {
      this.context.showError(
        `SAM-OCTA2 fine-tune task "${task.name}" in tasks.json: ${parsed.problems.join('; ')}`,
      );
      return undefined;
    }
    const scope = task.scope ?? vscode.TaskScope.Workspace;
    const folder = typeof scope === 'object' ? scope.uri : undefined;
    const python = await this.context.resolvePython(folder);
    // VS Code requires the resolved task to carry the very definition object it passed in.
    return createFinetuneTask(
      task.definition,
      parsed.definition,
      scope,
      task.name,
      python,
      this.context,
    );
  }
}

/**
 * A task for a definition made outside tasks.json (the guided setup), in the first workspace
 * folder so relative paths mean the same as in tasks.json.
 */
export async function taskForDefinition(
  definition: FinetuneTaskDefinition,
  name: string,
  context: FinetuneTaskContext,
): Promise<vscode.Task> {
  const parsed = parseTaskDefinition(definition);
  if (!parsed.ok)
    throw new Error(`the run's settings are not valid: ${parsed.problems.join('; ')}`);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const scope = folder ?? vscode.TaskScope.Workspace;
  const python = await context.resolvePython(folder?.uri);
  return createFinetuneTask({ ...definition }, parsed.definition, scope, name, python, context);
}

/** A copy of `task` with some definition fields changed, for a fix the user accepted. */
export async function taskWithChanges(
  task: vscode.Task,
  changes: Readonly<Record<string, unknown>>,
  context: FinetuneTaskContext,
): Promise<vscode.Task> {
  const raw = { ...task.definition, ...changes, type: task.definition.type };
  const parsed = parseTaskDefinition(raw);
  if (!parsed.ok) throw new Error(`cannot change the task: ${parsed.problems.join('; ')}`);
  const scope = task.scope ?? vscode.TaskScope.Workspace;
  const python = await context.resolvePython(typeof scope === 'object' ? scope.uri : undefined);
  return createFinetuneTask(raw, parsed.definition, scope, task.name, python, context);
}
