/**
 * Opens a volume in the real editor provider over the vscode mock, as VS Code would: activate,
 * openCustomDocument (optionally from a backup), resolveCustomEditor, the webview's `ready`, and
 * waits until the host has answered. Shared by the document tests (segmentation, regions,
 * en-face RV). Import ./vscodeMock before this module.
 */
import { Memento, Uri, createPanel, recorded } from './vscodeMock';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { activate } from '../../src/extension/extension';
import type { VolumeDocument } from '../../src/extension/volumeDocument';
import type { VolumeEditorProvider } from '../../src/extension/volumeEditorProvider';

export const token = { isCancellationRequested: false } as vscode.CancellationToken;
export const kind = (m: unknown): string => (m as { type: string }).type;
export const ofType = <T>(panel: { posted: unknown[] }, type: string): T[] =>
  panel.posted.filter((m) => kind(m) === type) as T[];

export interface Opened {
  provider: VolumeEditorProvider;
  document: VolumeDocument;
  panel: ReturnType<typeof createPanel>;
  changes: vscode.CustomDocumentEditEvent<VolumeDocument>[];
}

export async function openVolumeEditor(
  path = '/ws/eye.nii.gz',
  backupId?: string,
): Promise<Opened> {
  if (recorded.customEditors.length === 0) {
    activate({
      subscriptions: [],
      extensionUri: Uri.file('/ext'),
      workspaceState: new Memento(),
    } as unknown as vscode.ExtensionContext);
  }
  const provider = recorded.customEditors[0]!.provider as VolumeEditorProvider;
  const changes: vscode.CustomDocumentEditEvent<VolumeDocument>[] = [];
  provider.onDidChangeCustomDocument((e) =>
    changes.push(e as vscode.CustomDocumentEditEvent<VolumeDocument>),
  );
  const uri = Uri.file(path) as unknown as vscode.Uri;
  const document = await provider.openCustomDocument(
    uri,
    { backupId, untitledDocumentData: undefined },
    token,
  );
  const panel = createPanel();
  await provider.resolveCustomEditor(document, panel as unknown as vscode.WebviewPanel, token);
  panel.receive({ type: 'ready' });
  await until(() => panel.posted.some((m) => kind(m) === 'models' || kind(m) === 'loadError'));
  return { provider, document, panel, changes };
}

/** Polls `done` for up to 3 s (the host's answers are asynchronous). */
export async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), 'timed out waiting for the editor');
}
