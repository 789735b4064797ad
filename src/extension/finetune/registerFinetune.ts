/**
 * Everything fine-tuning adds to VS Code: the `samocta2-finetune` task provider and the
 * `samOcta2.fineTune` command, and what happens when a run ends (the new bundle joins the
 * model list; open editors can switch to it; the run report). activate() calls this once and
 * disposes what it returns.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { showErrorWithLog } from '../notifications';
import { addModelFolder, useModelEverywhere } from '../models/modelFolders';
import { FINETUNE_COMMAND, fineTuneCommand } from './fineTuneCommand';
import {
  FinetuneTaskProvider,
  taskForDefinition,
  taskWithChanges,
  type FinetuneTaskContext,
} from './run/finetuneTaskProvider';
import { resolvePython } from '../trainerTask/pythonInterpreter';
import { showRunReport } from './report/reportPanel';
import { completeRun } from './run/runCompletion';
import { FileRunLog } from '../trainerTask/runLog';
import { followRun } from './run/runProgress';
import { FINETUNE_TASK_TYPE, type FinetuneTaskDefinition } from './run/taskDefinition';
import { preflightTask } from './preflight/taskPreflight';
import { nodeSpawnTrainer } from '../trainerTask/trainerTerminal';
import { runGuidedSetup } from './setup/guidedSetup';

/** The task's name in the terminal and the notification: the run folder says which run. */
export function runName(definition: FinetuneTaskDefinition): string {
  return `fine-tune ${definition.out ?? definition.config ?? path.join('runs', 'samocta2')}`;
}

export function registerFinetune(context: vscode.ExtensionContext): vscode.Disposable {
  const trainerFolder = vscode.Uri.joinPath(context.extensionUri, 'trainer').fsPath;
  const complete = completeRun({
    addModelFolder,
    useModel: useModelEverywhere,
    showReport: (runFolder) => showRunReport(context, vscode.Uri.file(runFolder)),
    openLog: async (file) => {
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    },
    warn: (message) =>
      void vscode.window.showWarningMessage(vscode.l10n.t('SAM-OCTA2: {0}', message)),
  });
  const taskContext: FinetuneTaskContext = {
    trainerFolder,
    resolvePython: (scope) => resolvePython(scope),
    showError: (message) => showErrorWithLog(message),
    env: process.env,
    spawn: nodeSpawnTrainer,
    // A notification that cannot be shown must not disturb the run itself.
    onRun: (terminal, name) => void followRun(terminal, name, complete).catch(() => undefined),
    createLog: (runFolder) => new FileRunLog(runFolder),
  };
  const provider = new FinetuneTaskProvider(taskContext);
  return vscode.Disposable.from(
    vscode.tasks.registerTaskProvider(FINETUNE_TASK_TYPE, provider),
    vscode.commands.registerCommand(
      FINETUNE_COMMAND,
      fineTuneCommand({
        guidedSetup: () => runGuidedSetup(context),
        taskFor: (definition) => taskForDefinition(definition, runName(definition), taskContext),
        preflight: (task) => preflightTask(task, trainerFolder),
        withChanges: (task, changes) => taskWithChanges(task, changes, taskContext),
      }),
    ),
  );
}
