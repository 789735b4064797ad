/**
 * Paths in the setup are kept as the user sees them: relative to the workspace folder when they
 * are inside it (so tasks.json stays portable, and the task runs in that folder), absolute
 * otherwise. Checks need them absolute.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface SetupPaths {
  /** The workspace folder relative paths belong to; undefined when none is open. */
  readonly folder: vscode.Uri | undefined;
  /** An absolute path for a typed one, or undefined when a relative path has no folder. */
  resolve(typed: string): string | undefined;
  /** How a path picked in a dialog is shown and stored. */
  display(picked: vscode.Uri): string;
}

export function setupPaths(folder: vscode.Uri | undefined): SetupPaths {
  return {
    folder,
    resolve(typed) {
      const trimmed = typed.trim();
      if (trimmed === '') return undefined;
      if (path.isAbsolute(trimmed)) return path.normalize(trimmed);
      return folder === undefined ? undefined : path.resolve(folder.fsPath, trimmed);
    },
    display(picked) {
      if (folder === undefined) return picked.fsPath;
      const relative = path.relative(folder.fsPath, picked.fsPath);
      const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
      return inside ? relative.split(path.sep).join('/') : picked.fsPath;
    },
  };
}

/** What to say when a relative path cannot be resolved. */
export const NEEDS_ABSOLUTE = 'No workspace folder is open: give an absolute path';
