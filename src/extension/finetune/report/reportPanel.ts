/**
 * The run report in a webview panel, one per run folder (showing it again refreshes it), and
 * the `samOcta2.showRunReport` command that asks for the folder. The page runs no script and
 * reads no resource: the report is built here from the run's files.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { buildReportHtml } from './reportHtml';
import { readRunFolder } from './runFolder';
import { buildRunReport } from './runReport';

export const SHOW_RUN_REPORT_COMMAND = 'samOcta2.showRunReport';
const VIEW_TYPE = 'samOcta2.runReport';

const panels = new Map<string, vscode.WebviewPanel>();

function panelTitle(runDir: vscode.Uri): string {
  const name = runDir.path.split('/').filter(Boolean).at(-1) ?? runDir.path;
  return `Run report: ${name}`;
}

export async function showRunReport(
  context: vscode.ExtensionContext,
  runDir: vscode.Uri,
): Promise<void> {
  const report = buildRunReport(await readRunFolder(vscode.workspace.fs, runDir));
  const key = runDir.toString();
  let panel = panels.get(key);
  if (panel === undefined) {
    const created = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      panelTitle(runDir),
      vscode.ViewColumn.Active,
      // No script, and nothing to load from disk: the page is self-contained.
      { enableScripts: false, localResourceRoots: [] },
    );
    panels.set(key, created);
    context.subscriptions.push(
      created,
      created.onDidDispose(() => panels.delete(key)),
    );
    panel = created;
  } else {
    panel.reveal();
  }
  panel.webview.html = buildReportHtml(report, randomBytes(16).toString('base64'));
}

/** Asks for a run folder (from the workspace's runs/ when there is one). */
async function pickRunFolder(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Show Report',
    title: 'SAM-OCTA2: choose a fine-tune run folder (it holds checkpoint.pt)',
    ...(folder === undefined ? {} : { defaultUri: vscode.Uri.joinPath(folder, 'runs') }),
  });
  return picked?.[0];
}

/** The command; called with a folder (e.g. from the fine-tune command) it asks nothing. */
export function registerRunReport(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_RUN_REPORT_COMMAND, async (runDir?: unknown) => {
    const folder = runDir instanceof vscode.Uri ? runDir : await pickRunFolder();
    if (folder !== undefined) await showRunReport(context, folder);
  });
}
