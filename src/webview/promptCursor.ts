/**
 * Point prompts from the keyboard (issue 16, item 7), for users who do not point with a mouse
 * and for exact placement: P shows a cross on the layer view; the arrow keys move it one pixel
 * (Shift: ten), Enter places a positive point there, Shift+Enter a negative one, Delete removes
 * the selected object's point nearest to it, Esc hides it. While it shows, ↑/↓ move the cross,
 * not the layer (PageUp/PageDown still step layers). Holding S, N or B while moving draws a
 * scribble, a negative scribble or a box along the cursor's path (issue 20, so that no prompt
 * kind needs a mouse); releasing the key places it. Key mapping: keyboard.ts.
 */
import type { PromptShape, ShapePoint } from '../core/tracker/promptShapes';
import type { ViewKind } from '../protocol/editorMessages';
import { el } from './dom';
import type { EditorFeature } from './editorFeature';
import type { ImagePoint } from './imageView';
import { promptKeyAction, promptKeyRelease, type CursorShapeKind } from './keyboard';

export interface PromptCursorTarget {
  /** Viewport CSS px of an image point on the layer view. */
  screenOf(x: number, y: number): ImagePoint | null;
  place(layer: number, x: number, y: number, negative: boolean): void;
  remove(layer: number, x: number, y: number): void;
  /** A shape drawn with a hold key. */
  draw(layer: number, shape: PromptShape): void;
  /** The shape while its key is held (null: none). */
  draft(shape: PromptShape | null): void;
}

export class PromptCursor implements EditorFeature {
  /** The cross, over the viewport; also says where it is for assistive technology. */
  readonly element: HTMLElement;
  private at: { x: number; y: number } | null = null;
  private shown: { layer: number; width: number; height: number } | null = null;
  private view: ViewKind = 'layer';
  /** The shape being drawn while its hold key is down. */
  private holding: { kind: CursorShapeKind; layer: number; path: ShapePoint[] } | null = null;

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
    if ('hold' in action) {
      // Key repeat of a held key (or a second hold key) changes nothing.
      if (!e.repeat && !this.holding && this.at) {
        this.holding = { kind: action.hold, layer, path: [{ ...this.at }] };
        this.target.draft(this.heldShape());
      }
      return true;
    }
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
      if (this.holding) {
        this.holding.path.push({ ...this.at });
        this.target.draft(this.heldShape());
      }
    } else if ('place' in action && this.at) {
      this.target.place(layer, this.at.x, this.at.y, action.place === 'negative');
    } else if ('remove' in action && this.at) {
      this.target.remove(layer, this.at.x, this.at.y);
    }
    this.redraw();
    return true;
  }

  /** A key released: places the held shape when it is its hold key; true when it was. */
  keyUp(e: KeyboardEvent): boolean {
    const held = this.holding;
    if (!held || promptKeyRelease(e) !== held.kind) return false;
    const shape = this.heldShape();
    this.holding = null;
    this.target.draft(null);
    if (shape) this.target.draw(held.layer, shape);
    return true;
  }

  private heldShape(): PromptShape | null {
    const held = this.holding;
    if (!held) return null;
    const path = held.path.map((p) => ({ x: p.x, y: p.y }));
    if (held.kind !== 'box') {
      return { kind: 'scribble', path, positive: held.kind === 'scribble' };
    }
    const [from, to] = [path[0], path[path.length - 1]];
    return from.x === to.x || from.y === to.y ? null : { kind: 'box', from, to };
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
    const text = `Point cursor at x ${this.at.x}, y ${this.at.y}: Enter adds a positive point, Shift+Enter a negative one, Delete removes the nearest, hold S, N or B while moving to draw a scribble, negative scribble or box, Esc hides`;
    if (this.element.title !== text) {
      this.element.title = text;
      this.element.setAttribute('aria-label', text);
    }
  }
}
