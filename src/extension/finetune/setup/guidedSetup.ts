/**
 * `Fine-tune SAM-OCTA2`'s guided setup: a multi-step quick input (dataset, base model, target,
 * training numbers, device, run folder) that builds a `samocta2-finetune` task definition,
 * pre-filled with this workspace's last answers. Back goes one step back; Escape at any step
 * ends the setup with nothing saved or started. At the end the run is started (the definition
 * is returned to the caller), saved to tasks.json, or both.
 */
import * as vscode from 'vscode';
import { showErrorWithLog } from '../../notifications';
import { listModels, readModelPaths } from '../../models/modelCatalog';
import { nodePreflightProbes } from '../preflight/nodeProbes';
import type { FinetuneTaskDefinition } from '../run/taskDefinition';
import { continuableBundles, type ContinuableBundle } from './bundleChoices';
import { datasetStep, targetStep } from './dataStep';
import { deviceStep, gpusStep } from './deviceSteps';
import { askFinish } from './finishStep';
import { baseModelStep, checkpointStep } from './modelStep';
import { outputStep } from './outputStep';
import { recallChoices, rememberChoices } from './rememberedChoices';
import { saveToTasksJson, taskLabel } from './saveTask';
import { definitionFromChoices, type SetupChoices } from './setupChoices';
import { setupPaths } from './setupPaths';
import type { Draft, SetupEnv, SetupProbes, SetupStep } from './setupStep';
import { framesStep, learningRateStep, rankStep, stepsStep } from './trainingSteps';

export const SETUP_TITLE = 'Fine-tune SAM-OCTA2';
const COPY_ENTRY = 'Copy Entry';

/** In the order asked; the finish step comes after them. */
export const SETUP_STEPS: readonly SetupStep[] = [
  datasetStep,
  baseModelStep,
  checkpointStep,
  targetStep,
  stepsStep,
  framesStep,
  rankStep,
  learningRateStep,
  deviceStep,
  gpusStep,
  outputStep,
];

export interface GuidedSetupDeps {
  /** Files and folders the steps check (default: the preflight's node probes). */
  readonly probes?: SetupProbes;
  /** The folder relative paths and tasks.json belong to (default: the first workspace folder). */
  readonly workspaceFolder?: vscode.Uri;
  /** Bundles a run can continue from (default: the model catalog's bundles with LoRA weights). */
  listBundles?(): Promise<readonly ContinuableBundle[]>;
}

async function catalogBundles(context: vscode.ExtensionContext): Promise<ContinuableBundle[]> {
  try {
    const paths = readModelPaths(vscode.workspace.getConfiguration('samOcta2').get('modelPaths'));
    const models = await listModels(
      vscode.workspace.fs,
      vscode.Uri.joinPath(context.extensionUri, 'models'),
      paths,
      () => undefined, // the model picker reports bad folders; the setup only lists good ones
    );
    return await continuableBundles(vscode.workspace.fs, models);
  } catch {
    return [];
  }
}

function applies(step: SetupStep, draft: Draft): boolean {
  return step.applies?.(draft) ?? true;
}

function choicesOf(draft: Draft): SetupChoices {
  const choices: Draft = { ...draft };
  // What the dataset check found is re-checked next time, not remembered.
  delete (choices as { dataset?: unknown }).dataset;
  return choices;
}

/** Saves; on failure says why (with the entry to paste) and returns false. */
async function save(folder: vscode.Uri, definition: FinetuneTaskDefinition): Promise<boolean> {
  let result: Awaited<ReturnType<typeof saveToTasksJson>>;
  try {
    result = await saveToTasksJson(folder, definition);
  } catch (error) {
    void showErrorWithLog(
      vscode.l10n.t('SAM-OCTA2: could not write .vscode/tasks.json: {0}', (error as Error).message),
    );
    return false;
  }
  if (!result.ok) {
    const entry = result.entry;
    void Promise.resolve(
      showErrorWithLog(
        vscode.l10n.t(
          'SAM-OCTA2: {0} was not changed: {1}. Add the run by hand (Copy Entry puts it on the clipboard), or start it without saving.',
          result.uri.fsPath,
          result.problem,
        ),
        COPY_ENTRY,
      ),
    ).then((choice) => (choice === COPY_ENTRY ? vscode.env.clipboard.writeText(entry) : undefined));
    return false;
  }
  const label = taskLabel(definition);
  const path = result.uri.fsPath;
  void vscode.window.showInformationMessage(
    result.unsaved
      ? result.replaced
        ? vscode.l10n.t(
            'SAM-OCTA2: updated the task "{0}" in the open {1}, which has unsaved changes: save it to keep the task.',
            label,
            path,
          )
        : vscode.l10n.t(
            'SAM-OCTA2: added the task "{0}" in the open {1}, which has unsaved changes: save it to keep the task.',
            label,
            path,
          )
      : result.replaced
        ? vscode.l10n.t('SAM-OCTA2: updated the task "{0}" in {1}.', label, path)
        : vscode.l10n.t('SAM-OCTA2: added the task "{0}" in {1}.', label, path),
  );
  return true;
}

/**
 * Asks for a run; returns its definition when the user chose to start it, undefined when they
 * cancelled or only saved it. The answers are remembered only when the setup is completed.
 */
export async function runGuidedSetup(
  context: vscode.ExtensionContext,
  deps: GuidedSetupDeps = {},
): Promise<FinetuneTaskDefinition | undefined> {
  const folder = deps.workspaceFolder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const env: SetupEnv = {
    probes: deps.probes ?? nodePreflightProbes({ probeScript: '', env: {} }),
    paths: setupPaths(folder),
    bundles: await (deps.listBundles?.() ?? catalogBundles(context)),
    openDialog: async (options) => vscode.window.showOpenDialog(options),
  };
  let draft: Draft = recallChoices(context.workspaceState);
  const history: number[] = [];
  let index = 0;
  for (;;) {
    const step = SETUP_STEPS[index];
    if (step !== undefined && !applies(step, draft)) {
      index++;
      continue;
    }
    const shown = SETUP_STEPS.filter((s) => applies(s, draft));
    const frame = {
      title: SETUP_TITLE,
      step: step === undefined ? shown.length + 1 : shown.indexOf(step) + 1,
      totalSteps: shown.length + 1,
      canGoBack: history.length > 0,
    };
    if (step === undefined) {
      const outcome = await askFinish(draft, frame, env);
      if (outcome.kind === 'cancel') return undefined;
      if (outcome.kind === 'back') {
        index = history.pop() ?? 0;
        continue;
      }
      const definition = definitionFromChoices(draft);
      if (
        outcome.value !== 'start' &&
        !(folder !== undefined && (await save(folder, definition)))
      ) {
        continue; // not saved: the finish step again, to start without saving or cancel
      }
      await rememberChoices(context.workspaceState, choicesOf(draft));
      return outcome.value === 'save' ? undefined : definition;
    }
    const outcome = await step.run(draft, frame, env);
    if (outcome.kind === 'cancel') return undefined;
    if (outcome.kind === 'back') {
      index = history.pop() ?? 0;
      continue;
    }
    draft = { ...draft, ...outcome.value };
    history.push(index);
    index++;
  }
}
