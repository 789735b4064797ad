/**
 * Writes the run into the workspace folder's .vscode/tasks.json (tasksJson.ts decides the text),
 * so the same run can be started again with "Run Task".
 */
import * as vscode from 'vscode';
import type { FinetuneTaskDefinition } from '../run/taskDefinition';
import { mergeTaskEntry, taskEntry } from './tasksJson';

export type SaveResult =
  | { readonly ok: true; readonly uri: vscode.Uri; readonly replaced: boolean }
  | {
      readonly ok: false;
      readonly uri: vscode.Uri;
      readonly problem: string;
      readonly entry: string;
    };

export function tasksJsonUri(folder: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(folder, '.vscode', 'tasks.json');
}

/** The task's label: the run folder names the run. */
export function taskLabel(definition: FinetuneTaskDefinition): string {
  return `SAM-OCTA2 fine-tune: ${definition.out ?? 'runs/samocta2'}`;
}

export async function saveToTasksJson(
  folder: vscode.Uri,
  definition: FinetuneTaskDefinition,
): Promise<SaveResult> {
  const uri = tasksJsonUri(folder);
  const entry = taskEntry(definition, taskLabel(definition));
  let found = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    found = false; // no tasks.json yet
  }
  // A tasks.json that exists but cannot be read fails here rather than being overwritten.
  const existing = found
    ? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))
    : undefined;
  const merged = mergeTaskEntry(existing, entry);
  if (!merged.ok) {
    return { ok: false, uri, problem: merged.problem, entry: JSON.stringify(entry, null, 2) };
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(merged.text));
  return { ok: true, uri, replaced: merged.replaced };
}
