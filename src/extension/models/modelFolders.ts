/**
 * Adds a folder to the `samOcta2.modelPaths` setting, which the model catalog lists beside
 * the shipped bundles. A fine-tune run adds its bundle here, rather than the catalog keeping a
 * hidden list of runs: the user sees where the model comes from, can remove it like any other
 * entry, it survives a reload, and every open editor's model list refreshes through the setting's
 * change event, which the editor provider already follows.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readModelPaths } from './modelCatalog';
import { SELECT_MODEL_COMMAND } from './modelStatusBar';

export const MODEL_PATHS_SETTING = 'modelPaths';

/**
 * The setting's list with `bundle` added, or undefined when an entry already lists it (the
 * bundle itself, or the folder of bundles holding it).
 */
export function withModelFolder(paths: readonly string[], bundle: string): string[] | undefined {
  const wanted = path.resolve(bundle);
  const covered = paths.some((p) => {
    const entry = path.resolve(p);
    return entry === wanted || entry === path.dirname(wanted);
  });
  return covered ? undefined : [...paths, bundle];
}

/** Adds `bundle` to the workspace's modelPaths (the user's when no folder is open). */
export async function addModelFolder(bundle: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('samOcta2');
  if (withModelFolder(readModelPaths(config.get<unknown>(MODEL_PATHS_SETTING)), bundle) === undefined) {
    return;
  }
  const inWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  const inspected = config.inspect<unknown>(MODEL_PATHS_SETTING);
  // A workspace list replaces the user's list, so a new one starts from the user's entries.
  const base = inWorkspace
    ? (inspected?.workspaceValue ?? inspected?.globalValue)
    : inspected?.globalValue;
  const next = withModelFolder(readModelPaths(base), bundle) ?? readModelPaths(base);
  await config.update(
    MODEL_PATHS_SETTING,
    next,
    inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
  );
}

/** The catalog's id of a bundle listed from the setting (modelCatalog.ts: the folder's Uri). */
export function bundleModelId(bundle: string): string {
  return vscode.Uri.file(bundle).toString();
}

/** Switches every open volume editor to the bundle, through the model picker's command. */
export async function useModelEverywhere(bundle: string): Promise<void> {
  await vscode.commands.executeCommand(SELECT_MODEL_COMMAND, bundleModelId(bundle));
}
