/**
 * `samOcta2.selectModel`: a quick pick of the model bundles found (extension + the folders in
 * `samOcta2.modelPaths`); the pick becomes the model of the active volume editor and of editors
 * opened later.
 */
import * as vscode from 'vscode';
import type { ModelEntry } from '../models/modelCatalog';
import { SELECT_MODEL_COMMAND } from '../models/modelStatusBar';

export interface ModelChooser {
  models(): Promise<ModelEntry[]>;
  /** Makes `id` the preferred model and loads it in the active editor. */
  choose(id: string): Promise<void>;
  /** Makes `id` the preferred model and loads it in every open volume editor. */
  chooseEverywhere(id: string): Promise<void>;
}

export function registerSelectModel(chooser: ModelChooser): vscode.Disposable {
  return vscode.commands.registerCommand(SELECT_MODEL_COMMAND, async (modelId?: unknown) => {
    // Called with a bundle id (a fine-tune run's "Use in Open Editors"): no pick, all editors.
    if (typeof modelId === 'string') {
      await chooser.chooseEverywhere(modelId);
      return;
    }
    const models = await chooser.models();
    if (models.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'SAM-OCTA2: no model bundle found. Add folders holding bundles (manifest.json and the four .onnx graphs) to the setting samOcta2.modelPaths.',
        ),
      );
      return;
    }
    const picked = await vscode.window.showQuickPick(
      models.map((m) => ({
        label: m.demo ? `$(warning) ${m.name}` : m.name,
        description: `${m.size} · ${m.quality}`,
        detail:
          (m.demo ? `Demo model: ${m.demo}; not for measurements. ` : '') +
          (m.source === 'extension' ? 'Shipped with the extension' : m.uri.fsPath),
        id: m.id,
      })),
      { title: 'SAM-OCTA2: tracking model', placeHolder: 'Pick the model bundle to track with' },
    );
    if (picked) await chooser.choose(picked.id);
  });
}
