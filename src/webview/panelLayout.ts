/**
 * What takes room from the image (issue 16, item 4): the tool rows (tracking and brush) fold
 * behind one toolbar toggle, and the sparse-annotation panel stays closed until asked for. The
 * host remembers the user's choice per workspace: it arrives with `init` and goes back as a
 * `panelLayout` message whenever the user changes it.
 */
import type { VscodeToolbarButton } from '@vscode-elements/elements';
import type { PanelLayout, PanelLayoutMessage } from '../protocol/editorMessages';
import { el } from './dom';
import type { EditorFeature } from './editorFeature';
import type { MessageTable } from './messageTable';

/** A new user sees the tools they need for a first click, and the image, not the sparse loop. */
export const DEFAULT_PANEL_LAYOUT: PanelLayout = { toolRows: true, sparsePanel: false };

export class PanelLayoutControl implements EditorFeature {
  /** The main toolbar's toggle of the tool rows. */
  readonly toggle: VscodeToolbarButton;
  private layout: PanelLayout = DEFAULT_PANEL_LAYOUT;

  constructor(
    private readonly toolRows: readonly HTMLElement[],
    private readonly sparsePanel: HTMLDetailsElement,
    private readonly post: (message: PanelLayoutMessage) => void,
  ) {
    this.toggle = el('vscode-toolbar-button', { 'data-testid': 'tool-rows-toggle' });
    this.toggle.toggleable = true;
    this.toggle.addEventListener('click', () => this.change({ toolRows: !this.layout.toolRows }));
    // Also fires when apply() sets `open`; then nothing changed and nothing is posted.
    sparsePanel.addEventListener('toggle', () => {
      if (sparsePanel.open !== this.layout.sparsePanel)
        this.change({ sparsePanel: sparsePanel.open });
    });
    this.apply();
  }

  registerMessages(table: MessageTable): void {
    table.on('init', (message) => {
      if (!message.panels) return;
      this.layout = message.panels;
      this.apply();
    });
  }

  private change(part: Partial<PanelLayout>): void {
    this.layout = { ...this.layout, ...part };
    this.apply();
    this.post({ type: 'panelLayout', panels: this.layout });
  }

  private apply(): void {
    const { toolRows, sparsePanel } = this.layout;
    for (const row of this.toolRows) row.hidden = !toolRows;
    if (this.sparsePanel.open !== sparsePanel) this.sparsePanel.open = sparsePanel;
    const title = toolRows
      ? 'Hide the tracking and brush rows (more room for the image)'
      : 'Show the tracking and brush rows';
    this.toggle.checked = toolRows;
    this.toggle.icon = toolRows ? 'fold-up' : 'fold-down';
    this.toggle.title = title;
    this.toggle.setAttribute('aria-label', title);
    this.toggle.setAttribute('aria-expanded', String(toolRows));
  }
}
