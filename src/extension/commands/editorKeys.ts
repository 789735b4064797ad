/**
 * The volume editor's layer and view keys as commands (issue 16), so that users find them in the
 * palette and rebind them in Keyboard Shortcuts: package.json binds them, scoped to the editor.
 * Each posts an `editorKey` to the active editor, whose webview applies it as it applied its own
 * keys before (and ignores it while a text field has the focus).
 */
import * as vscode from 'vscode';
import type { EditorKey } from '../../protocol/editorMessages';

export const EDITOR_KEY_COMMANDS: Readonly<Record<string, EditorKey>> = {
  'samOcta2.previousLayer': { layer: 'previous' },
  'samOcta2.nextLayer': { layer: 'next' },
  'samOcta2.firstLayer': { layer: 'first' },
  'samOcta2.lastLayer': { layer: 'last' },
  'samOcta2.showLayerView': { view: 'layer' },
  'samOcta2.show3dView': { view: '3d' },
  'samOcta2.showProjectionView': { view: 'projection' },
};

/** `send` gives the key to the active volume editor; false when there is none. */
export function registerEditorKeys(send: (key: EditorKey) => boolean): vscode.Disposable {
  return vscode.Disposable.from(
    ...Object.entries(EDITOR_KEY_COMMANDS).map(([command, key]) =>
      vscode.commands.registerCommand(command, () => {
        send(key);
      }),
    ),
  );
}
