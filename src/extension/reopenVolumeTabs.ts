/**
 * Moves .nii/.nii.gz files that VS Code opened as (binary) text before this extension was
 * registered into the volume editor. That happens on a first start: a file opened from the
 * command line or a URL resolves its editor before extensions are scanned, since VS Code only
 * waits for extensions when its cache of editor patterns (empty on a first start) says so.
 */
import * as vscode from 'vscode';
import { isVolumeFileName } from './commands/openWithViewer';
import { VOLUME_VIEW_TYPE } from './volumeEditorProvider';

export async function reopenVolumeTextTabs(log: vscode.LogOutputChannel): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (!(input instanceof vscode.TabInputText) || !isVolumeFileName(input.uri.path)) continue;
      log.info(`reopening ${input.uri.toString(true)} in the volume editor`);
      await vscode.commands.executeCommand('vscode.openWith', input.uri, VOLUME_VIEW_TYPE, {
        viewColumn: group.viewColumn,
        preview: tab.isPreview,
        preserveFocus: !tab.isActive,
      });
      await vscode.window.tabGroups.close(tab);
    }
  }
}
