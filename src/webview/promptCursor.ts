/**
 * Point prompts from the keyboard (issue 16, item 7), for users who do not point with a mouse
 * and for exact placement: P shows a cross on the layer view; the arrow keys move it one pixel
 * (Shift: ten), Enter places a positive point there, Shift+Enter a negative one, Delete removes
 * the selected object's point nearest to it, Esc hides it. While it shows, ↑/↓ move the cross,
 * not the layer (PageUp/PageDown still step layers). Key mapping: keyboard.ts.
 */
import type { ViewKind } from '../protocol/editorMessages';
import { el } from './dom';
import type { EditorFeature } from './editorFeature';
import type { ImagePoint } from './imageView';
import { promptKeyAction } from './keyboard';

export interface PromptCursorTarget {
  /** Viewport CSS px of an image point on the layer view. */
  screenOf(x: number, y: number): ImagePoint | null;
  place(layer: number, x: number, y: number, negative: boolean): void;
  remove(layer: number, x: number, y: number): void;
}

export class PromptCursor implements EditorFeature {
  /** The cross, over the viewport; also says where it is for assistive technology. */
  readonly element: HTMLElement;
  private at: { x: number; y: number } | null = null;
  private shown: { layer: number; width: number; height: number } | null = null;
  private view: ViewKind = 'layer';

  constructor(private readonly target: PromptCursorTarget) {
    this.element = el('div', {
      class: 'prompt-cursor',
      hidden: true,
      role: 'status',
      'data-testid': 'prompt-cursor',
    });
  }

  volumeOpened(): void {
    this.at = null;
    this.redraw();
  }

  axisChanged(): void {
    this.volumeOpened();
  }

  showLayer(layer: number, width: number, height: number): void {
    this.shown = { layer, width, height };
    if (this.at)
      this.at = { x: Math.min(this.at.x, width - 1), y: Math.min(this.at.y, height - 1) };
    this.redraw();
  }

  viewChanged(view: ViewKind): void {
    this.view = view;
    this.redraw();
  }

  /** Image pixel under the cross, or null while it is hidden. */
  get position(): { x: number; y: number } | null {
    return this.at && { ...this.at };
  }

  /** Handles a key; true when it was the cursor's. */
  key(e: KeyboardEvent): boolean {
    const shown = this.view === 'layer' ? this.shown : null;
    const action = promptKeyAction(e, this.at !== null);
    if (!action || !shown) return false;
    const { layer, width, height } = shown;
    if ('toggle' in action || 'hide' in action) {
      this.at =
        this.at || 'hide' in action
          ? null
          : { x: Math.floor(width / 2), y: Math.floor(height / 2) };
    } else if ('move' in action && this.at) {
      this.at = {
        x: Math.min(width - 1, Math.max(0, this.at.x + action.move[0])),
        y: Math.min(height - 1, Math.max(0, this.at.y + action.move[1])),
      };
    } else if ('place' in action && this.at) {
      this.target.place(layer, this.at.x, this.at.y, action.place === 'negative');
    } else if ('remove' in action && this.at) {
      this.target.remove(layer, this.at.x, this.at.y);
    }
    this.redraw();
    return true;
  }

  /** Follows pan and zoom: called before every frame. */
  redraw(): void {
    const p =
      this.at && this.view === 'layer'
        ? this.target.screenOf(this.at.x + 0.5, this.at.y + 0.5)
        : null;
    this.element.hidden = p === null;
    if (!p || !this.at) return;
    this.element.style.left = `${p.x}px`;
    this.element.style.top = `${p.y}px`;
    const text = `Point cursor at x ${this.at.x}, y ${this.at.y}: Enter adds a positive point, Shift+Enter a negative one, Delete removes the nearest, Esc hides`;
    if (this.element.title !== text) {
      this.element.title = text;
      this.element.setAttribute('aria-label', text);
    }
  }
}
