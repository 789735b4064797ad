/**
 * The editor's panel layout (tool rows shown, sparse panel open), remembered per workspace in
 * ExtensionContext.workspaceState: a user who closed the sparse panel should not find it open
 * again in the next volume of the same study, while another workspace keeps its own choice.
 */
import type * as vscode from 'vscode';
import type { PanelLayout } from '../protocol/editorMessages';

const KEY = 'samOcta2.panelLayout';

export interface PanelLayoutMemory {
  /** The last layout the user chose here; undefined before any (the webview's defaults apply). */
  recall(): PanelLayout | undefined;
  remember(layout: PanelLayout): void;
}

export function panelLayoutMemory(state: vscode.Memento): PanelLayoutMemory {
  return {
    recall: () => {
      const stored = state.get<unknown>(KEY);
      return isPanelLayout(stored) ? stored : undefined;
    },
    remember: (layout) => void state.update(KEY, { ...layout }),
  };
}

export function isPanelLayout(value: unknown): value is PanelLayout {
  if (typeof value !== 'object' || value === null) return false;
  const { toolRows, sparsePanel } = value as Record<string, unknown>;
  return typeof toolRows === 'boolean' && typeof sparsePanel === 'boolean';
}
