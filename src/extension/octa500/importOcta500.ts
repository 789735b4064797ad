/**
 * "SAM-OCTA2: Import OCTA-500…" (issue 16): the user picks the release folder; the trainer's
 * `import-octa500` runs as a task (its terminal shows the log, a notification counts the
 * subjects and can stop it) and writes NIfTI volumes and labels into the workspace's
 * data/octa500, split as the paper splits them; then the first imported volume opens in the
 * volume editor, ready to click.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EventLines } from '../trainerTask/eventLines';
import type { CommandLine } from '../trainerTask/runPlan';
import { resolvePython } from '../trainerTask/pythonInterpreter';
import { createTrainerTask, type TrainerTaskContext } from '../trainerTask/trainerTask';
import { nodeSpawnTrainer } from '../trainerTask/trainerTerminal';
import { VOLUME_VIEW_TYPE } from '../volumeEditorProvider';
import { showErrorWithLog } from '../notifications';

export const IMPORT_OCTA500_COMMAND = 'samOcta2.importOcta500';
/** Where the import writes, relative to the workspace folder (the fine-tune setup suggests it). */
export const IMPORT_FOLDER = path.join('data', 'octa500');

export interface ImportContext extends TrainerTaskContext {
  resolvePython(scope: vscode.Uri | undefined): Promise<string>;
}

/** One `subject` event: a subject written into `folder`, with its volume or with labels only. */
export interface ImportedSubject {
  readonly id: number;
  readonly folder: string;
  readonly volume: boolean;
}

export function importCommandLine(python: string, source: string, target: string): CommandLine {
  return { command: python, args: ['-m', 'samocta2', 'import-octa500', source, target] };
}

/** The volume to open: the training split first, then the lowest id. */
export function firstImportedVolume(subjects: readonly ImportedSubject[]): string | undefined {
  const rank = (s: ImportedSubject): number => (path.basename(s.folder) === 'train' ? 0 : 1);
  const [first] = subjects
    .filter((s) => s.volume)
    .sort((a, b) => rank(a) - rank(b) || a.folder.localeCompare(b.folder) || a.id - b.id);
  return first && path.join(first.folder, `${first.id}.nii.gz`);
}

interface ImportRun {
  readonly code: number;
  readonly subjects: readonly ImportedSubject[];
  readonly error?: string;
}

/** Runs the task under a cancellable notification; resolves when the process has ended. */
function runImport(
  folder: vscode.WorkspaceFolder,
  line: CommandLine,
  context: ImportContext,
): Thenable<ImportRun> {
  const title = vscode.l10n.t('SAM-OCTA2: importing OCTA-500');
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) =>
      new Promise<ImportRun>((resolve, reject) => {
        const subjects: ImportedSubject[] = [];
        let error: string | undefined;
        const task = createTrainerTask(
          {
            definition: { type: 'samocta2-import' },
            scope: folder,
            name: vscode.l10n.t('Import OCTA-500'),
            detail: line.args.slice(3).join(' → '),
            line,
            onTerminal: (terminal) => {
              token.onCancellationRequested(() => terminal.stop());
              const lines = new EventLines('subject', ({ id, folder, volume, done, total }) => {
                if (typeof id !== 'number' || typeof folder !== 'string') return;
                subjects.push({ id, folder, volume: volume === true });
                if (typeof done === 'number' && typeof total === 'number' && total > 0) {
                  const message = vscode.l10n.t('{0} of {1} subjects (last: {2})', done, total, id);
                  progress.report({ increment: 100 / total, message });
                }
              });
              terminal.onDidWrite((text) => lines.push(text));
              terminal.onProgress((event) => {
                if (event.event === 'error') error = event.message;
              });
              terminal.onDidClose((code) =>
                resolve({ code: code ?? 0, subjects, ...(error ? { error } : {}) }),
              );
            },
          },
          context,
        );
        Promise.resolve(vscode.tasks.executeTask(task)).catch(reject);
      }),
  );
}

export async function importOcta500(context: ImportContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) {
    await vscode.window.showErrorMessage(
      vscode.l10n.t(
        'SAM-OCTA2: open a folder first. The import writes the volumes into its {0} folder.',
        IMPORT_FOLDER,
      ),
    );
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    title: vscode.l10n.t('The OCTA-500 release folder (holding OCTA_3M and/or OCTA_6M)'),
    openLabel: vscode.l10n.t('Import OCTA-500'),
  });
  const source = picked?.[0];
  if (source === undefined) return;
  const target = path.join(folder.uri.fsPath, IMPORT_FOLDER);
  const python = await context.resolvePython(folder.uri);
  const run = await runImport(folder, importCommandLine(python, source.fsPath, target), context);
  if (run.code !== 0) {
    const why =
      run.code === 130
        ? vscode.l10n.t('it was stopped')
        : (run.error ?? vscode.l10n.t('the trainer exited with code {0}', run.code));
    await showErrorWithLog(
      vscode.l10n.t(
        'SAM-OCTA2: importing OCTA-500 from {0} failed: {1}. The task terminal has the full output.',
        source.fsPath,
        why,
      ),
    );
    return;
  }
  const first = firstImportedVolume(run.subjects);
  if (first === undefined) {
    await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'SAM-OCTA2: imported {0} subject(s) into {1}, labels only: the release folder has no B-scans (OCTA_3M/OCTA/<id>) to build volumes from.',
        run.subjects.length,
        target,
      ),
    );
    return;
  }
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      'SAM-OCTA2: imported {0} subject(s) into {1}. Fine-tune SAM-OCTA2 trains on its train folders.',
      run.subjects.length,
      target,
    ),
  );
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(first), VOLUME_VIEW_TYPE);
}

export function registerImportOcta500(extension: vscode.ExtensionContext): vscode.Disposable {
  const context: ImportContext = {
    trainerFolder: vscode.Uri.joinPath(extension.extensionUri, 'trainer').fsPath,
    resolvePython: (scope) => resolvePython(scope),
    env: process.env,
    spawn: nodeSpawnTrainer,
  };
  return vscode.commands.registerCommand(IMPORT_OCTA500_COMMAND, () => importOcta500(context));
}
