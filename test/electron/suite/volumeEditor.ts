/**
 * The extension-host suite: the packaged extension's editor and command as VS Code sees them.
 * The workspace (made by runTest.ts) holds a synthetic .nii.gz and a bad.nii text file.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const VIEW_TYPE = 'samOcta2.volume';

export const volumeEditorTests: { name: string; fn: () => Promise<void> }[] = [
  {
    name: 'the extension activates and contributes its command',
    fn: async () => {
      const extension = vscode.extensions.getExtension('sam-octa2.sam-octa2');
      assert.ok(extension, 'extension sam-octa2.sam-octa2 is installed');
      await extension.activate();
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes('samOcta2.openWithViewer'));
    },
  },
  {
    name: 'vscode.openWith opens a .nii.gz in the volume editor',
    fn: async () => {
      const uri = await workspaceFile('**/*.nii.gz');
      await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
      await assertActiveCustomEditor(uri);
    },
  },
  {
    name: 'samOcta2.openWithViewer opens a .nii.gz in the volume editor',
    fn: async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const uri = await workspaceFile('**/*.nii.gz');
      await vscode.commands.executeCommand('samOcta2.openWithViewer', uri);
      await assertActiveCustomEditor(uri);
    },
  },
  {
    name: 'a bad file opens in the volume editor (which shows the error) and VS Code goes on',
    fn: async () => {
      const bad = await workspaceFile('**/bad.nii');
      await vscode.commands.executeCommand('vscode.openWith', bad, VIEW_TYPE);
      await assertActiveCustomEditor(bad);
      const doc = await vscode.workspace.openTextDocument({ content: 'still working' });
      const editor = await vscode.window.showTextDocument(doc);
      assert.equal(editor.document.getText(), 'still working');
    },
  },
];

async function workspaceFile(glob: string): Promise<vscode.Uri> {
  const [uri] = await vscode.workspace.findFiles(glob, undefined, 1);
  assert.ok(uri, `the workspace has ${glob}`);
  return uri;
}

async function assertActiveCustomEditor(uri: vscode.Uri): Promise<void> {
  // The tab model updates after the command resolves; give it a moment.
  for (let i = 0; i < 50; i++) {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputCustom && input.uri.toString() === uri.toString()) {
      assert.equal(input.viewType, VIEW_TYPE);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  assert.fail(`the active tab is not ${VIEW_TYPE} for ${uri.fsPath}: ${JSON.stringify(input)}`);
}
