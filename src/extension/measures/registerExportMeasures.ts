/**
 * `samOcta2.exportMeasures` ("Export Measures…"): asks the active volume editor for its
 * measures (the webview measures its objects; src/extension/measures/measuresExport.ts writes
 * them). Without a volume editor in front it says what to do instead.
 */
import * as vscode from 'vscode';

export const EXPORT_MEASURES_COMMAND = 'samOcta2.exportMeasures';

export interface MeasuresSource {
  requestMeasuresExport(): void;
}

export function registerExportMeasures(
  activeEditor: () => MeasuresSource | undefined,
): vscode.Disposable {
  return vscode.commands.registerCommand(EXPORT_MEASURES_COMMAND, () => {
    const editor = activeEditor();
    if (!editor) {
      void vscode.window.showErrorMessage(
        'SAM-OCTA2: Export Measures works on the volume in front: open a .nii or .nii.gz in ' +
          'the SAM-OCTA2 Volume editor, track or paint an object, and run it again.',
      );
      return;
    }
    editor.requestMeasuresExport();
  });
}
