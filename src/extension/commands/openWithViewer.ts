/**
 * `samOcta2.openWithViewer`: opens a .nii/.nii.gz in the volume editor, whatever editor it was
 * associated with. Takes the file from the explorer's context menu, else the active tab, else
 * asks for one.
 */
import * as vscode from 'vscode';
import { VOLUME_VIEW_TYPE } from '../volumeEditorProvider';

export const OPEN_WITH_VIEWER_COMMAND = 'samOcta2.openWithViewer';

export function registerOpenWithViewer(): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_WITH_VIEWER_COMMAND, async (resource?: unknown) => {
    const uri =
      resource instanceof vscode.Uri ? resource : (activeTabUri() ?? (await askForFile()));
    if (!uri) return;
    await vscode.commands.executeCommand('vscode.openWith', uri, VOLUME_VIEW_TYPE);
  });
}

export function isVolumeFileName(path: string): boolean {
  return /\.nii(\.gz)?$/i.test(path);
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri =
    input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom
      ? input.uri
      : undefined;
  return uri && isVolumeFileName(uri.path) ? uri : undefined;
}

async function askForFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Open in SAM-OCTA2',
    filters: { 'NIfTI volumes': ['nii', 'nii.gz', 'gz'] },
  });
  return picked?.[0];
}
