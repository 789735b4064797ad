/**
 * `samOcta2.fineTune`: the guided setup builds a run with the user (offered beside the
 * `samocta2-finetune` tasks of tasks.json when there are any), then the preflight runs, and the
 * task starts only when nothing stands in the way; a fix the user accepts (CPU instead of CUDA,
 * resume the run in the output folder, ...) applies to this run and the preflight runs again.
 */
import * as vscode from 'vscode';
import { showErrorWithLog } from '../notifications';
import type { PreflightProblem } from './preflight/preflight';
import type { PreflightFix } from './preflight/preflightResult';
import { FINETUNE_TASK_TYPE, type FinetuneTaskDefinition } from './run/taskDefinition';

export const FINETUNE_COMMAND = 'samOcta2.fineTune';
const RUN_IN_TERMINAL = 'Run in Terminal';

export type DefinitionChanges = Partial<Omit<FinetuneTaskDefinition, 'type'>>;

export interface FineTuneCommandDeps {
  /** The guided setup (setup/guidedSetup.ts); undefined when the user backs out. */
  guidedSetup?(): Promise<FinetuneTaskDefinition | undefined>;
  /** The task for a definition the setup made. */
  taskFor?(definition: FinetuneTaskDefinition): Promise<vscode.Task>;
  /** What stops this task from starting; empty when it can start. */
  preflight(task: vscode.Task): Promise<readonly PreflightProblem[]>;
  /** The same run with some fields changed (a fix the user accepted; tasks.json stays as is). */
  withChanges(task: vscode.Task, changes: DefinitionChanges): Promise<vscode.Task>;
}

/** Fixes the command can apply to the run itself: button label and the change. */
function fixChanges(fix: PreflightFix | undefined): [string, DefinitionChanges] | undefined {
  switch (fix?.kind) {
    case 'useCpu':
      return ['Train on CPU', { device: 'cpu', gpus: 1 }];
    case 'setGpus':
      return [`Use ${fix.gpus} GPU${fix.gpus > 1 ? 's' : ''}`, { gpus: fix.gpus }];
    case 'resume':
      return ['Resume', { resume: true }];
    case 'startFresh':
      return ['Start a New Run', { resume: false }];
    default:
      return undefined;
  }
}

/** Each accepted fix re-runs the preflight; a few rounds cover every chain of fixes. */
const MAX_FIX_ROUNDS = 4;

export function fineTuneCommand(deps: FineTuneCommandDeps): () => Promise<void> {
  return async () => {
    // package.json disables the command in untrusted workspaces; this covers direct calls.
    if (!vscode.workspace.isTrusted) {
      await vscode.window.showErrorMessage(
        vscode.l10n.t(
          'SAM-OCTA2: fine-tuning runs Python, so it is off in untrusted workspaces. Trust this workspace (Manage Workspace Trust) to use it.',
        ),
      );
      return;
    }
    let task = await chooseRun(deps);
    for (let round = 0; task !== undefined && round < MAX_FIX_ROUNDS; round++) {
      const [problem, ...more] = await deps.preflight(task);
      if (problem === undefined) {
        await vscode.tasks.executeTask(task);
        return;
      }
      const changes = await showProblem(problem, more.length);
      task = changes === undefined ? undefined : await deps.withChanges(task, changes);
    }
  };
}

export const SET_UP_RUN = 'Set Up a New Run…';
export const RUN_FROM_TASKS = 'Run a Task from tasks.json…';

/** The guided setup, or a tasks.json run when the user prefers one of those. */
async function chooseRun(deps: FineTuneCommandDeps): Promise<vscode.Task | undefined> {
  const tasks = await vscode.tasks.fetchTasks({ type: FINETUNE_TASK_TYPE });
  const { guidedSetup, taskFor } = deps;
  if (guidedSetup === undefined || taskFor === undefined) return pickTask(tasks);
  if (tasks.length > 0) {
    const how = await vscode.window.showQuickPick(
      [
        {
          label: SET_UP_RUN,
          detail: 'Dataset, base model, target and training settings, step by step',
        },
        {
          label: RUN_FROM_TASKS,
          detail: tasks.map((t) => t.name).join(', '),
        },
      ],
      { title: 'Fine-tune SAM-OCTA2', placeHolder: 'Set up a run, or run one from tasks.json?' },
    );
    if (how === undefined) return undefined;
    if (how.label === RUN_FROM_TASKS) return pickTask(tasks);
  }
  const definition = await guidedSetup();
  return definition === undefined ? undefined : taskFor(definition);
}

async function pickTask(tasks: readonly vscode.Task[]): Promise<vscode.Task | undefined> {
  if (tasks.length === 0) {
    await vscode.window.showInformationMessage(
      vscode.l10n.t(
        'SAM-OCTA2: no fine-tune task yet. Add a task of type "{0}" to .vscode/tasks.json, e.g. {1}, then run this command again.',
        FINETUNE_TASK_TYPE,
        `{"type": "${FINETUNE_TASK_TYPE}", "label": "fine-tune", "data": "data/train", "size": "nano", "steps": 20, "device": "cpu"}`,
      ),
    );
    return undefined;
  }
  if (tasks.length === 1) return tasks[0];
  const picked = await vscode.window.showQuickPick(
    tasks.map((t) => ({ label: t.name, detail: t.detail, task: t })),
    { title: 'Fine-tune SAM-OCTA2', placeHolder: 'Which run?' },
  );
  return picked?.task;
}

/** Shows the problem; returns the run's changes when the user accepts its fix. */
async function showProblem(
  problem: PreflightProblem,
  others: number,
): Promise<DefinitionChanges | undefined> {
  const more = others > 0 ? ` (${others} more problem${others > 1 ? 's' : ''} after this one)` : '';
  const command = problem.fix?.kind === 'runInTerminal' ? problem.fix.command : undefined;
  const change = fixChanges(problem.fix);
  const buttons = [
    ...(command === undefined ? [] : [RUN_IN_TERMINAL]),
    ...(change ? [change[0]] : []),
  ];
  const choice = await showErrorWithLog(
    vscode.l10n.t('SAM-OCTA2: {0}. {1}{2}', problem.problem, problem.nextStep, more),
    ...buttons,
  );
  if (choice === RUN_IN_TERMINAL && command !== undefined) {
    const terminal = vscode.window.createTerminal('SAM-OCTA2 setup');
    terminal.show();
    terminal.sendText(command);
  }
  return change !== undefined && choice === change[0] ? change[1] : undefined;
}
