/**
 * Routes pointer, wheel and key input to the active 2D view and the layer controls. The 3D view's
 * OrbitControls listen on the canvas themselves and are enabled only while that view is shown.
 * A pointer tool (the brush, issue 6) takes the left button on the layer view when it wants it;
 * the other buttons still pan.
 */
import type { ImageView } from './imageView';
import { brushKeyAction, layerKeyAction, type LayerKeyAction } from './keyboard';
import type { PromptCursor } from './promptCursor';

/** Viewport coordinates in CSS px. */
export interface PointerTool {
  /** Left button pressed (`e` for its modifier keys); true to take the pointer until release. */
  down(sx: number, sy: number, e?: PointerEvent): boolean;
  move(sx: number, sy: number): void;
  up(): void;
  leave(): void;
}

export interface ViewportInputTarget {
  /** The layer or projection view when one is shown, else null (3D). */
  activeImageView(): ImageView | null;
  /** The pointer left the viewport. */
  pointerLeft(): void;
  sliderMoved(value: number): void;
  /** Returns false when there is nothing to step through (no volume yet). */
  layerKey(action: LayerKeyAction): boolean;
  /** The tool that takes the left button now, or null (pan and click as usual). */
  pointerTool?(): PointerTool | null;
  /** `[` / `]`; returns false when they mean nothing now. */
  brushKey?(direction: -1 | 1): boolean;
  /** The keyboard's point prompts; its keys come before the layer keys. */
  promptCursor?: PromptCursor;
}

export function bindViewportInput(
  viewport: HTMLElement,
  slider: HTMLInputElement,
  target: ViewportInputTarget,
): void {
  const local = (e: MouseEvent): [number, number] => {
    const r = viewport.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  viewport.addEventListener('wheel', (e) => target.activeImageView()?.wheel(e, ...local(e)), {
    passive: false,
  });
  // The tool keeps a pointer it took until release, whatever the mode or view is by then.
  let held: { id: number; tool: PointerTool } | null = null;
  viewport.addEventListener('pointerdown', (e) => {
    viewport.focus({ preventScroll: true });
    const tool = target.pointerTool?.() ?? null;
    if (tool && e.button === 0) {
      if (tool.down(...local(e), e)) {
        held = { id: e.pointerId, tool };
        viewport.setPointerCapture(e.pointerId);
      }
      return;
    }
    if (target.activeImageView()?.pointerDown(e, ...local(e))) {
      viewport.setPointerCapture(e.pointerId);
    }
  });
  viewport.addEventListener('pointermove', (e) => {
    const view = target.activeImageView();
    view?.pointerMove(e, ...local(e));
    viewport.classList.toggle('panning', view?.dragging ?? false);
    const tool = target.pointerTool?.() ?? null;
    viewport.classList.toggle('brush-tool', tool !== null);
    if (held?.id === e.pointerId) held.tool.move(...local(e));
    else tool?.move(...local(e));
  });
  viewport.addEventListener('pointerup', (e) => {
    if (held?.id === e.pointerId) {
      const { tool } = held;
      held = null;
      tool.up();
      return;
    }
    target.activeImageView()?.pointerUp(e, ...local(e));
    viewport.classList.remove('panning');
  });
  viewport.addEventListener('pointercancel', (e) => {
    if (held?.id !== e.pointerId) return;
    const { tool } = held;
    held = null;
    tool.up();
  });
  viewport.addEventListener('pointerleave', () => {
    target.pointerTool?.()?.leave();
    target.pointerLeft();
  });
  // Right-click is a negative point prompt (issue 4), not a menu.
  viewport.addEventListener('contextmenu', (e) => e.preventDefault());
  slider.addEventListener('input', () => target.sliderMoved(Number(slider.value)));
  document.addEventListener('keyup', (e) => {
    if (target.promptCursor?.keyUp(e)) e.preventDefault();
  });
  document.addEventListener('keydown', (e) => {
    if (target.promptCursor?.key(e)) {
      e.preventDefault();
      return;
    }
    const action = layerKeyAction(e);
    if (action && target.layerKey(action)) e.preventDefault();
    const brush = brushKeyAction(e);
    if (brush && target.brushKey?.(brush)) e.preventDefault();
  });
}
