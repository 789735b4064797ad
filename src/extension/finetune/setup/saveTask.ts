/**
 * Writes the run into the workspace folder's .vscode/tasks.json (tasksJson.ts decides the edit),
 * so the same run can be started again with "Run Task". An existing file is edited through a
 * WorkspaceEdit on its document: an open tasks.json with unsaved changes gets the entry in its
 * buffer (and stays unsaved, the user's to save), comments and formatting stay as they were.
 */
import * as vscode from 'vscode';
import type { FinetuneTaskDefinition } from '../run/taskDefinition';
import { mergeTaskEntry, taskEntry } from './tasksJson';

export type SaveResult =
  | {
      readonly ok: true;
      readonly uri: vscode.Uri;
      readonly replaced: boolean;
      /** The open tasks.json had unsaved changes: the entry is in its buffer, not on disk yet. */
      readonly unsaved: boolean;
    }
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

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function saveToTasksJson(
  folder: vscode.Uri,
  definition: FinetuneTaskDefinition,
): Promise<SaveResult> {
  const uri = tasksJsonUri(folder);
  const entry = taskEntry(definition, taskLabel(definition));
  const refuse = (problem: string): SaveResult => ({
    ok: false,
    uri,
    problem,
    entry: JSON.stringify(entry, null, 2),
  });
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open === undefined && !(await exists(uri))) {
    const created = mergeTaskEntry(undefined, entry);
    if (!created.ok) return refuse(created.problem);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(created.text));
    return { ok: true, uri, replaced: false, unsaved: false };
  }
  // A tasks.json that exists but cannot be read fails here rather than being overwritten.
  const document = open ?? (await vscode.workspace.openTextDocument(uri));
  const unsaved = document.isDirty;
  const merged = mergeTaskEntry(document.getText(), entry);
  if (!merged.ok) return refuse(merged.problem);
  const { offset, length, content } = merged.change;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    uri,
    new vscode.Range(document.positionAt(offset), document.positionAt(offset + length)),
    content,
  );
  if (!(await vscode.workspace.applyEdit(edit))) {
    return refuse('VS Code did not apply the edit (is the file read-only?)');
  }
  // Saving a buffer the user left unsaved would save their changes too: that stays their call.
  const saved = !unsaved && (await document.save());
  return { ok: true, uri, replaced: merged.replaced, unsaved: !saved };
}
