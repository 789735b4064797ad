/**
 * Wires "Add SAM 2.1 Model…" to VS Code: checkpoints and bundles in the extension's global
 * storage (bundles may also go to the workspace), the trainer run with the Python the fine-tune
 * runs use, the bundle added to samOcta2.modelPaths. activate() disposes what it returns.
 */
import * as vscode from 'vscode';
import { resolvePython } from '../trainerTask/pythonInterpreter';
import { nodeSpawnTrainer } from '../trainerTask/trainerTerminal';
import { ADD_SAM21_MODEL_COMMAND, addSam21ModelCommand } from './addSam21Model';
import { downloadFile } from './checkpointDownload';
import { addModelFolder, useModelEverywhere } from './modelFolders';
import { runSam21Export } from './sam21Export';

export function registerAddSam21Model(context: vscode.ExtensionContext): vscode.Disposable {
  // The deps are made when the command runs: storage folders are only needed then.
  return vscode.commands.registerCommand(ADD_SAM21_MODEL_COMMAND, () => {
    const storage = context.globalStorageUri;
    return addSam21ModelCommand({
      checkpointFolder: vscode.Uri.joinPath(storage, 'checkpoints').fsPath,
      storageModels: vscode.Uri.joinPath(storage, 'models').fsPath,
      env: process.env,
      download: downloadFile,
      exportBundle: async (plan, started) =>
        runSam21Export(
          plan,
          {
            trainerFolder: vscode.Uri.joinPath(context.extensionUri, 'trainer').fsPath,
            python: await resolvePython(vscode.workspace.workspaceFolders?.[0]?.uri),
            env: process.env,
            spawn: nodeSpawnTrainer,
          },
          started,
        ),
      addModelFolder,
      useModel: useModelEverywhere,
    })();
  });
}
