/**
 * The end of a fine-tune run, for the user: a new bundle is added to the model catalog at once
 * (so the picker lists it even if the message is ignored), then "Fine-tuned model ready" offers
 * to switch the open volume editors to it or to show the run's report; a failed run offers its
 * log. The VS Code calls are injected, so the flow is unit-tested.
 */
import * as vscode from 'vscode';
import { showErrorWithLog } from '../../notifications';
import type { CompleteRun, OutcomeAction } from './runProgress';

export interface CompletionDeps {
  /** Makes the bundle folder one the model catalog lists (modelCatalogFolders.ts). */
  addModelFolder(bundle: string): Promise<void>;
  /** Switches every open volume editor to the bundle (the model picker's path). */
  useModel(bundle: string): Promise<void>;
  /** The run report (curve, evaluation table) for the run folder. */
  showReport(runFolder: string): Promise<void>;
  openLog(file: string): Promise<void>;
  /** Where a failure of these steps themselves is noted; the run's outcome still shows. */
  warn(message: string): void;
}

export const ACTION_LABELS: Readonly<Record<OutcomeAction, string>> = {
  useModel: 'Use in Open Editors',
  showReport: 'Show Report',
  openLog: 'Open Log',
};

export function completeRun(deps: CompletionDeps): CompleteRun {
  return async (outcome, result) => {
    if (result?.bundle !== undefined) {
      try {
        await deps.addModelFolder(result.bundle);
      } catch (error) {
        deps.warn(`could not add ${result.bundle} to the model list: ${String(error)}`);
      }
    }
    const labels = outcome.actions.map((a) => ACTION_LABELS[a]);
    const message = vscode.l10n.t('SAM-OCTA2: {0}', outcome.message);
    const choice =
      outcome.level === 'info'
        ? await vscode.window.showInformationMessage(message, ...labels)
        : outcome.level === 'warning'
          ? await vscode.window.showWarningMessage(message, ...labels)
          : await showErrorWithLog(message, ...labels);
    const action = outcome.actions.find((a) => ACTION_LABELS[a] === choice);
    try {
      if (action === 'useModel' && result?.bundle !== undefined) await deps.useModel(result.bundle);
      if (action === 'showReport' && result?.runFolder !== undefined) {
        await deps.showReport(result.runFolder);
      }
      if (action === 'openLog' && result?.logFile !== undefined) await deps.openLog(result.logFile);
    } catch (error) {
      deps.warn(`${choice ?? 'the action'} failed: ${String(error)}`);
    }
  };
}
