/**
 * Drawn prompts on the layer view (issue 20): the Click / Scribble / Box / Lasso row under the
 * tracking panel picks how the left button prompts. Scribble: drag along a vessel (Shift:
 * negative). Box: drag from corner to corner. Lasso: drag around the object. Alt+drag moves the
 * selected object's shape under the pointer; Alt+click deletes it. The keyboard draws the same
 * shapes with the prompt cursor (promptCursor.ts). Shapes go to the tracking controller, which
 * previews, records and saves them.
 */
import type { PromptShape, ShapePoint } from '../../core/tracker/promptShapes';
import type { ViewKind } from '../../protocol/editorMessages';
import { el } from '../dom';
import type { EditorFeature } from '../editorFeature';
import type { ImagePoint } from '../imageView';
import type { PointerTool } from '../viewportInput';

export type ShapeMode = 'click' | 'scribble' | 'box' | 'lasso';
export const SHAPE_MODES: readonly ShapeMode[] = ['click', 'scribble', 'box', 'lasso'];

const MODE_TITLES: Record<ShapeMode, string> = {
  click: 'Click: a point prompt (Shift or right click: negative)',
  scribble: 'Scribble: drag along a vessel (Shift: negative); Alt+drag moves, Alt+click deletes',
  box: 'Box: drag from corner to corner around the FAZ; Alt+drag moves, Alt+click deletes',
  lasso: 'Lasso: drag around the object; Alt+drag moves, Alt+click deletes',
};

/** Image pixels an Alt+press may be from a shape's outline and still pick it. */
const PICK_PX = 4;

export interface ShapeToolHost {
  pixelAt(sx: number, sy: number): ImagePoint | null;
  /** Prompts may be placed now (the brush's prompt tool is active). */
  allowsPrompts(): boolean;
  draw(layer: number, shape: PromptShape): void;
  shapesOn(layer: number): readonly PromptShape[];
  edit(layer: number, index: number, move: { dx: number; dy: number } | null): void;
  /** The shape being drawn, to show while the button is held (null: none). */
  draft(shape: PromptShape | null): void;
}

type Gesture =
  | { kind: 'draw'; layer: number; negative: boolean; path: ShapePoint[] }
  | { kind: 'move'; layer: number; index: number; from: ShapePoint; to: ShapePoint };

export class PromptShapeTool implements PointerTool, EditorFeature {
  readonly element: HTMLElement;
  private mode: ShapeMode = 'click';
  private view: ViewKind = 'layer';
  private layer: number | null = null;
  private gesture: Gesture | null = null;
  private readonly buttons = new Map<ShapeMode, HTMLElement>();

  constructor(private readonly host: ShapeToolHost) {
    const row = el('div', {
      class: 'prompt-shapes',
      role: 'radiogroup',
      'aria-label': 'Prompt kind',
    });
    for (const mode of SHAPE_MODES) {
      const b = el('button', {
        type: 'button',
        title: MODE_TITLES[mode],
        'aria-label': MODE_TITLES[mode],
        role: 'radio',
        'data-testid': `prompt-${mode}`,
      });
      b.textContent = mode[0].toUpperCase() + mode.slice(1);
      b.addEventListener('click', () => this.setMode(mode));
      this.buttons.set(mode, b);
      row.append(b);
    }
    this.element = el('div', { class: 'group' }, [el('span', { class: 'label' }, ['Prompt']), row]);
    this.setMode('click');
  }

  get current(): ShapeMode {
    return this.mode;
  }

  setMode(mode: ShapeMode): void {
    this.mode = mode;
    for (const [m, b] of this.buttons) b.setAttribute('aria-checked', String(m === mode));
  }

  viewChanged(view: ViewKind): void {
    this.view = view;
  }

  showLayer(layer: number): void {
    this.layer = layer;
  }

  /** The left button on the layer view is the tool's while a shape mode is picked. */
  get takesPointer(): boolean {
    return this.mode !== 'click' && this.view === 'layer' && this.host.allowsPrompts();
  }

  down(sx: number, sy: number, e?: PointerEvent): boolean {
    const p = this.host.pixelAt(sx, sy);
    const layer = this.layer;
    if (!p || layer === null) return false;
    if (e?.altKey) {
      const index = pickShape(this.host.shapesOn(layer), p);
      if (index < 0) return false;
      this.gesture = { kind: 'move', layer, index, from: p, to: p };
      return true;
    }
    this.gesture = { kind: 'draw', layer, negative: e?.shiftKey ?? false, path: [p] };
    this.host.draft(this.shapeOf(this.gesture));
    return true;
  }

  move(sx: number, sy: number): void {
    const g = this.gesture;
    const p = this.host.pixelAt(sx, sy);
    if (!g || !p) return;
    if (g.kind === 'move') {
      g.to = p;
      return;
    }
    const last = g.path[g.path.length - 1];
    if (last.x === p.x && last.y === p.y) return;
    g.path.push(p);
    this.host.draft(this.shapeOf(g));
  }

  up(): void {
    const g = this.gesture;
    this.gesture = null;
    this.host.draft(null);
    if (!g) return;
    if (g.kind === 'move') {
      const [dx, dy] = [g.to.x - g.from.x, g.to.y - g.from.y];
      this.host.edit(g.layer, g.index, dx === 0 && dy === 0 ? null : { dx, dy });
      return;
    }
    const shape = this.shapeOf(g);
    if (shape) this.host.draw(g.layer, shape);
  }

  leave(): void {}

  /** The shape a drawing gesture makes so far; null while it is too small to mean one. */
  private shapeOf(g: Extract<Gesture, { kind: 'draw' }>): PromptShape | null {
    const { path } = g;
    if (this.mode === 'scribble')
      return { kind: 'scribble', path: [...path], positive: !g.negative };
    if (this.mode === 'box') {
      const [a, b] = [path[0], path[path.length - 1]];
      return a.x === b.x || a.y === b.y ? null : { kind: 'box', from: a, to: b };
    }
    return path.length >= 3 ? { kind: 'lasso', path: [...path] } : null;
  }
}

/** Index of the shape nearest to p within PICK_PX of its outline, or -1. */
export function pickShape(shapes: readonly PromptShape[], p: ShapePoint): number {
  let best = -1;
  let bestDistance = PICK_PX;
  shapes.forEach((shape, i) => {
    const d = outlineDistance(shape, p);
    if (d <= bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
}

function outlineDistance(shape: PromptShape, p: ShapePoint): number {
  let ring: ShapePoint[];
  if (shape.kind === 'box') {
    const [a, b] = [shape.from, shape.to];
    ring = [a, { x: b.x, y: a.y }, b, { x: a.x, y: b.y }, a];
  } else {
    ring = shape.kind === 'lasso' ? [...shape.path, shape.path[0]] : [...shape.path];
  }
  if (ring.length === 1) return Math.hypot(ring[0].x - p.x, ring[0].y - p.y);
  let d = Infinity;
  for (let i = 1; i < ring.length; i++) d = Math.min(d, segmentDistance(ring[i - 1], ring[i], p));
  return d;
}

function segmentDistance(a: ShapePoint, b: ShapePoint, p: ShapePoint): number {
  const [vx, vy] = [b.x - a.x, b.y - a.y];
  const length2 = vx * vx + vy * vy;
  const t =
    length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * vx + (p.y - a.y) * vy) / length2));
  return Math.hypot(a.x + t * vx - p.x, a.y + t * vy - p.y);
}
