/**
 * The line above the sparse panel while the user works through a dataset layer list
 * (docs/sparse-annotation.md §6): the host opens the item's volume and sends `sparseListItem`;
 * this steps the viewer to the item's layer once the volume is in, and shows where in the list
 * the user is. Stepping and marking done are VS Code commands (the host owns the list).
 */
import type { SparseListItemMessage } from '../../protocol/editorMessages';
import type { Axis } from '../../core/volume/volume';
import type { EditorFeature } from '../editorFeature';
import type { MessageTable } from '../messageTable';

export class LayerListLine implements EditorFeature {
  readonly element: HTMLElement;
  /** The depth axis shown, null until a volume is in. */
  private axis: Axis | null = null;
  private pending: SparseListItemMessage | null = null;

  constructor(private readonly setLayer: (layer: number) => void) {
    this.element = document.createElement('div');
    this.element.className = 'sparse-list-line';
    this.element.setAttribute('role', 'status');
    this.element.hidden = true;
    // Styled here, not in sparseStyles.ts: this line is independent of the panel's widgets.
    this.element.style.padding = '2px 6px';
    this.element.style.borderBottom = '1px solid var(--vscode-panel-border, #444)';
  }

  registerMessages(table: MessageTable): void {
    table.on('sparseListItem', (message) => {
      this.element.hidden = false;
      this.element.textContent = message.text;
      if (this.axis === null) this.pending = message;
      else this.go(message);
    });
  }

  volumeOpened(_volume: unknown, axis: Axis): void {
    this.axis = axis;
    const pending = this.pending;
    this.pending = null;
    // After the viewer has put the new volume on its starting layer, which would undo ours.
    if (pending) window.setTimeout(() => this.go(pending), 0);
  }

  axisChanged(_volume: unknown, axis: Axis): void {
    this.axis = axis;
  }

  private go(message: SparseListItemMessage): void {
    if (message.axis !== this.axis) {
      // The list's layers run along another axis than the one shown: stepping would show the wrong layer.
      this.element.textContent = `${message.text} (listed along ${'ijk'[message.axis]}: switch the depth axis to see it)`;
      return;
    }
    this.setLayer(message.layer);
  }
}
