/**
 * Everything the sparse workflow adds to VS Code: the `samocta2-region` task type (tasks.json
 * entries run region-train / region-predict) and the context each editor's SparseSession uses.
 * activate() calls registerSparse once; the volume editor sessions read sparseHost().
 */
import * as vscode from 'vscode';
import { showErrorWithLog } from '../notifications';
import { resolvePython } from '../trainerTask/pythonInterpreter';
import { nodeSpawnTrainer } from '../trainerTask/trainerTerminal';
import { REGION_TASK_TYPE, parseRegionDefinition } from './regionTaskDefinition';
import { createRegionTask, type RegionRunContext } from './regionTaskRunner';
import type { SparseSessionContext } from './sparseSession';

/** volumeEditorProvider's VOLUME_VIEW_TYPE (not imported: that module imports the sessions). */
const VOLUME_VIEW_TYPE = 'samOcta2.volume';

let host: Omit<SparseSessionContext, 'log'> | undefined;

/** The shared context, or undefined before activate (then the panel's tasks are refused). */
export function sparseHost(): Omit<SparseSessionContext, 'log'> | undefined {
  return host;
}

export function registerSparse(context: vscode.ExtensionContext): vscode.Disposable {
  const run: RegionRunContext = {
    trainerFolder: vscode.Uri.joinPath(context.extensionUri, 'trainer').fsPath,
    resolvePython: (scope) => resolvePython(scope),
    env: process.env,
    spawn: nodeSpawnTrainer,
  };
  host = { ...run, isDirty, save: async (uri) => (await vscode.workspace.save(uri)) !== undefined };
  const provider: vscode.TaskProvider = {
    provideTasks: () => [],
    // Called by VS Code for a tasks.json entry of our type, before it runs.
    resolveTask: async (task) => {
      const parsed = parseRegionDefinition(task.definition);
      if (!parsed.ok) {
        void showErrorWithLog(
          vscode.l10n.t(
            'SAM-OCTA2 region task "{0}" in tasks.json: {1}',
            task.name,
            parsed.problems.join('; '),
          ),
        );
        return undefined;
      }
      const scope = task.scope ?? vscode.TaskScope.Workspace;
      const python = await run.resolvePython(typeof scope === 'object' ? scope.uri : undefined);
      return createRegionTask(
        parsed.definition,
        scope,
        task.name,
        python,
        run,
        undefined,
        task.definition,
      );
    },
  };
  return vscode.Disposable.from(vscode.tasks.registerTaskProvider(REGION_TASK_TYPE, provider), {
    dispose: () => (host = undefined),
  });
}

/** The volume editor tab of `uri` shows unsaved changes. */
function isDirty(uri: vscode.Uri): boolean {
  return vscode.window.tabGroups.all.some((group) =>
    group.tabs.some(
      (tab) =>
        tab.isDirty &&
        tab.input instanceof vscode.TabInputCustom &&
        tab.input.viewType === VOLUME_VIEW_TYPE &&
        tab.input.uri.toString() === uri.toString(),
    ),
  );
}
