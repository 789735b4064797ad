/**
 * Everything fine-tuning adds to VS Code: the `samocta2-finetune` task provider and the
 * `samOcta2.fineTune` command. activate() calls this once and disposes what it returns.
 */
import * as vscode from 'vscode';
import { FINETUNE_COMMAND, fineTuneCommand } from './fineTuneCommand';
import {
  FinetuneTaskProvider,
  taskWithChanges,
  type FinetuneTaskContext,
} from './finetuneTaskProvider';
import { resolvePython } from './pythonInterpreter';
import { followRun } from './runProgress';
import { FINETUNE_TASK_TYPE } from './taskDefinition';
import { preflightTask } from './taskPreflight';
import { nodeSpawnTrainer } from './trainerTerminal';

export function registerFinetune(context: vscode.ExtensionContext): vscode.Disposable {
  const trainerFolder = vscode.Uri.joinPath(context.extensionUri, 'trainer').fsPath;
  const taskContext: FinetuneTaskContext = {
    trainerFolder,
    resolvePython: (scope) => resolvePython(scope),
    showError: (message) => vscode.window.showErrorMessage(message),
    env: process.env,
    spawn: nodeSpawnTrainer,
    // A notification that cannot be shown must not disturb the run itself.
    onRun: (terminal, name) => void followRun(terminal, name).catch(() => undefined),
  };
  const provider = new FinetuneTaskProvider(taskContext);
  return vscode.Disposable.from(
    vscode.tasks.registerTaskProvider(FINETUNE_TASK_TYPE, provider),
    vscode.commands.registerCommand(
      FINETUNE_COMMAND,
      fineTuneCommand({
        preflight: (task) => preflightTask(task, trainerFolder),
        withChanges: (task, changes) => taskWithChanges(task, changes, taskContext),
      }),
    ),
  );
}
