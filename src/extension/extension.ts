/**
 * Entry point: registers the volume editor and the commands; everything it creates is disposed
 * with the extension. The work happens in the files it imports.
 */
import * as vscode from 'vscode';
import { registerOpenWithViewer } from './commands/openWithViewer';
import { registerFinetune } from './finetune/registerFinetune';
import { registerRunReport } from './finetune/report/reportPanel';
import { LayerStatusBar } from './layerStatusBar';
import { registerAddSam21Model } from './models/registerAddSam21Model';
import { useNotificationLog } from './notifications';
import { registerImportOcta500 } from './octa500/importOcta500';
import { reopenVolumeTextTabs } from './reopenVolumeTabs';
import { registerSparse } from './sparse/registerSparse';
import { VolumeEditorProvider } from './volumeEditorProvider';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('SAM-OCTA2', { log: true });
  const statusBar = new LayerStatusBar();
  context.subscriptions.push(
    log,
    useNotificationLog(log),
    statusBar,
    // Before the editor: its sessions take the sparse panel's task context.
    registerSparse(context),
    VolumeEditorProvider.register(context, log, statusBar),
    registerOpenWithViewer(),
    registerFinetune(context),
    registerRunReport(context),
    registerAddSam21Model(context),
    registerImportOcta500(context),
  );
  reopenVolumeTextTabs(log).catch((error: unknown) =>
    log.warn(`could not reopen volume tabs: ${String(error)}`),
  );
}

export function deactivate(): void {
  // Nothing beyond context.subscriptions, which VS Code disposes.
}
