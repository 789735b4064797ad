/**
 * `samOcta2.addSam21Model`, "Add SAM 2.1 Model…": the user's road to SAM 2.1's own quality
 * without training. Asks the size, where the checkpoint comes from (Meta's download, checked
 * against its pinned sha256, resumable, or a file on disk), the input side and where the bundle
 * goes; then exports it with the trainer as a task and adds it to `samOcta2.modelPaths`, so the
 * model picker lists it. The VS Code-free parts live in sam21Checkpoints.ts,
 * checkpointDownload.ts and sam21Export.ts.
 */
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { showErrorWithLog } from '../notifications';
import {
  DownloadCancelled,
  DownloadError,
  fileSha256,
  type DownloadRequest,
} from './checkpointDownload';
import {
  SAM21_IMAGE_SIZES,
  SAM21_SIZES,
  megabytes,
  sam21BundleName,
  sam21Checkpoint,
  type Sam21Checkpoint,
  type Sam21Size,
} from './sam21Checkpoints';
import type { Sam21ExportPlan, Sam21ExportResult } from './sam21Export';
import type { TrainerTerminal } from '../trainerTask/trainerTerminal';
import { SELECT_MODEL_COMMAND } from './modelStatusBar';

export const ADD_SAM21_MODEL_COMMAND = 'samOcta2.addSam21Model';
const TITLE = 'SAM-OCTA2: Add SAM 2.1 Model';
export const USE_IN_EDITORS = 'Use in Open Editors';
export const SELECT_MODEL = 'Select Tracking Model';
const USE_FILE = 'Use a File on Disk…';

export interface AddSam21Deps {
  /** Where downloaded checkpoints are kept (the extension's global storage). */
  readonly checkpointFolder: string;
  /** Where bundles go when not in the workspace (the extension's global storage). */
  readonly storageModels: string;
  /** The process environment (the download's test hook is read from it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  download(request: DownloadRequest): Promise<void>;
  /** Runs the export task; `started` gets its terminal. */
  exportBundle(
    plan: Sam21ExportPlan,
    started: (terminal: TrainerTerminal) => void,
  ): Promise<Sam21ExportResult>;
  addModelFolder(bundle: string): Promise<void>;
  useModel(bundle: string): Promise<void>;
}

export function addSam21ModelCommand(deps: AddSam21Deps): () => Promise<void> {
  return async () => {
    // package.json disables the command in untrusted workspaces; this covers direct calls.
    if (!vscode.workspace.isTrusted) {
      await vscode.window.showErrorMessage(
        vscode.l10n.t(
          'SAM-OCTA2: adding a SAM 2.1 model runs Python, so it is off in untrusted workspaces. Trust this workspace (Manage Workspace Trust) to use it.',
        ),
      );
      return;
    }
    const size = await pickSize(deps.env);
    if (size === undefined) return;
    const checkpoint = sam21Checkpoint(size, deps.env);
    const source = await pickSource(checkpoint, deps.checkpointFolder);
    if (source === undefined) return;
    const imageSize = await pickImageSize();
    if (imageSize === undefined) return;
    const name = sam21BundleName(size, imageSize);
    const out = await pickBundleFolder(name, deps.storageModels);
    if (out === undefined) return;
    const file =
      source === 'download'
        ? await downloadCheckpoint(checkpoint, deps)
        : await chooseCheckpointFile(checkpoint);
    if (file === undefined) return;
    await exportAndAdd({ checkpoint: file, size, imageSize, out, name }, deps);
  };
}

async function pickSize(env: AddSam21Deps['env']): Promise<Sam21Size | undefined> {
  const picked = await vscode.window.showQuickPick(
    SAM21_SIZES.map((size) => {
      const c = sam21Checkpoint(size, env);
      return {
        label: c.label,
        description: `${c.parameters} parameters · ${megabytes(c.bytes)}`,
        detail: c.file,
        size,
      };
    }),
    {
      title: TITLE,
      placeHolder: 'Which SAM 2.1 size? Larger ones segment better and run slower',
    },
  );
  return picked?.size;
}

/** Download, or a file the user has; a finished earlier download is offered as the download. */
async function pickSource(
  checkpoint: Sam21Checkpoint,
  checkpointFolder: string,
): Promise<'download' | 'file' | undefined> {
  const host = new URL(checkpoint.url).host;
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: `Download ${checkpoint.file}`,
        description: `${megabytes(checkpoint.bytes)} from ${host}`,
        detail: `Checked against its published sha256; kept in ${checkpointFolder}; an interrupted download resumes`,
        source: 'download' as const,
      },
      {
        label: 'A file on disk…',
        description: checkpoint.file,
        detail: 'A checkpoint you already have (e.g. downloaded on another machine)',
        source: 'file' as const,
      },
    ],
    { title: TITLE, placeHolder: `Where does ${checkpoint.file} come from?` },
  );
  return picked?.source;
}

async function pickImageSize(): Promise<number | undefined> {
  const picked = await vscode.window.showQuickPick(
    SAM21_IMAGE_SIZES.map((side) => ({
      label: `${side} px`,
      description: side === 1024 ? 'as released (best detail)' : 'faster, less detail',
      side,
    })),
    { title: TITLE, placeHolder: 'Input image size: each layer is resized to this side' },
  );
  return picked?.side;
}

/** The workspace's models/ folder when a folder is open, else (or by choice) global storage. */
async function pickBundleFolder(name: string, storageModels: string): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const inStorage = path.join(storageModels, name);
  const choices = [
    ...(folder === undefined
      ? []
      : [
          {
            label: "In this workspace's models/ folder",
            detail: path.join(folder.uri.fsPath, 'models', name),
            out: path.join(folder.uri.fsPath, 'models', name),
          },
        ]),
    {
      label: "In SAM-OCTA2's storage, for every workspace",
      detail: inStorage,
      out: inStorage,
    },
  ];
  const picked = await vscode.window.showQuickPick(choices, {
    title: TITLE,
    placeHolder: `Where should the model bundle ${name} go?`,
  });
  if (picked === undefined) return undefined;
  try {
    await vscode.workspace.fs.stat(vscode.Uri.file(path.join(picked.out, 'manifest.json')));
  } catch {
    return picked.out; // nothing there yet
  }
  const replace = await vscode.window.showWarningMessage(
    vscode.l10n.t('SAM-OCTA2: {0} already holds a model bundle. Replace it?', picked.out),
    { modal: true },
    'Replace',
  );
  return replace === 'Replace' ? picked.out : undefined;
}

/** Downloads (or resumes) into the checkpoint folder; undefined when it did not finish. */
async function downloadCheckpoint(
  checkpoint: Sam21Checkpoint,
  deps: AddSam21Deps,
): Promise<string | undefined> {
  const dest = path.join(deps.checkpointFolder, checkpoint.file);
  const controller = new AbortController();
  try {
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `SAM-OCTA2: downloading ${checkpoint.file}`,
        cancellable: true,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        await deps.download({
          url: checkpoint.url,
          sha256: checkpoint.sha256,
          dest,
          bytes: checkpoint.bytes,
          signal: controller.signal,
          onProgress: (received, total) => {
            const whole = total ?? checkpoint.bytes;
            const percent = Math.min(100, (100 * received) / whole);
            if (percent - shown < 0.5 && received < whole) return; // fewer UI updates
            progress.report({
              message: `${megabytes(received)} of ${megabytes(whole)}`,
              increment: percent - shown,
            });
            shown = percent;
          },
          onVerifying: () => progress.report({ message: 'checking its sha256…' }),
        });
      },
    );
    return dest;
  } catch (error) {
    if (error instanceof DownloadCancelled) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'SAM-OCTA2: download stopped. What arrived is kept in {0}; run Add SAM 2.1 Model again to resume.',
          error.partFile,
        ),
      );
      return undefined;
    }
    const message = error instanceof Error ? error.message : String(error);
    const kind = error instanceof DownloadError ? error.kind : 'network';
    // Offline or refused: the file-on-disk road is the way on, offered at once.
    const offer = kind === 'offline' || kind === 'http' ? [USE_FILE] : [];
    const choice = await showErrorWithLog(
      vscode.l10n.t('SAM-OCTA2: could not download {0}: {1}', checkpoint.file, message),
      ...offer,
    );
    return choice === USE_FILE ? chooseCheckpointFile(checkpoint) : undefined;
  }
}

/** A .pt file the user picks; one that is not Meta's release is used only when confirmed. */
async function chooseCheckpointFile(checkpoint: Sam21Checkpoint): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: `${TITLE}: ${checkpoint.file}`,
    canSelectMany: false,
    openLabel: 'Use This Checkpoint',
    filters: { 'SAM 2.1 checkpoint': ['pt', 'pth'] },
  });
  const file = picked?.[0]?.fsPath;
  if (file === undefined) return undefined;
  const digest = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `SAM-OCTA2: checking ${file}` },
    () => fileSha256(file).catch((error: Error) => error),
  );
  if (digest instanceof Error) {
    void showErrorWithLog(vscode.l10n.t('SAM-OCTA2: cannot read {0}: {1}', file, digest.message));
    return undefined;
  }
  if (digest === checkpoint.sha256) return file;
  // A SAM 2.1 checkpoint trained elsewhere is legitimate; a truncated copy is not: the user says.
  const go = await vscode.window.showWarningMessage(
    `SAM-OCTA2: ${path.basename(file)} is not Meta's released ${checkpoint.file} (its sha256 is ${digest}). Export it anyway, e.g. a SAM 2.1 ${checkpoint.label} checkpoint trained elsewhere?`,
    { modal: true },
    'Export Anyway',
  );
  return go === 'Export Anyway' ? file : undefined;
}

async function exportAndAdd(plan: Sam21ExportPlan, deps: AddSam21Deps): Promise<void> {
  await mkdir(path.dirname(plan.out), { recursive: true });
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `SAM-OCTA2: exporting ${plan.name}`,
      cancellable: true,
    },
    (progress, token) => {
      progress.report({
        message: `SAM 2.1 ${plan.size} at ${plan.imageSize} px to ONNX graphs (seconds to minutes; the task's terminal shows the output)…`,
      });
      return deps.exportBundle(plan, (terminal) =>
        token.onCancellationRequested(() => terminal.stop()),
      );
    },
  );
  if (result.code !== 0) {
    const why = result.error ?? `the trainer exited with code ${result.code}`;
    const stopped = result.code === 130 ? 'was stopped' : `failed: ${why}`;
    void showErrorWithLog(
      vscode.l10n.t(
        "SAM-OCTA2: exporting {0} {1}. The task's terminal has the full output; the checkpoint {2} stays for another try.",
        plan.name,
        stopped,
        plan.checkpoint,
      ),
    );
    return;
  }
  try {
    await deps.addModelFolder(plan.out);
  } catch (error) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'SAM-OCTA2: {0} was exported to {1}, but adding it to samOcta2.modelPaths failed ({2}); add that folder by hand.',
        plan.name,
        plan.out,
        String(error),
      ),
    );
    return;
  }
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'SAM-OCTA2: SAM 2.1 model ready: {0}, in {1}. The model picker lists it.',
      plan.name,
      plan.out,
    ),
    USE_IN_EDITORS,
    SELECT_MODEL,
  );
  if (choice === USE_IN_EDITORS) await deps.useModel(plan.out);
  if (choice === SELECT_MODEL) await vscode.commands.executeCommand(SELECT_MODEL_COMMAND);
}
