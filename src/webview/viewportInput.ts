/**
 * Routes pointer, wheel and key input to the active 2D view and the layer controls. The 3D view's
 * OrbitControls listen on the canvas themselves and are enabled only while that view is shown.
 */
import type { ImageView } from './imageView';
import { layerKeyAction, type LayerKeyAction } from './keyboard';

export interface ViewportInputTarget {
  /** The layer or projection view when one is shown, else null (3D). */
  activeImageView(): ImageView | null;
  /** The pointer left the viewport. */
  pointerLeft(): void;
  sliderMoved(value: number): void;
  /** Returns false when there is nothing to step through (no volume yet). */
  layerKey(action: LayerKeyAction): boolean;
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
  viewport.addEventListener('pointerdown', (e) => {
    viewport.focus({ preventScroll: true });
    if (target.activeImageView()?.pointerDown(e, ...local(e))) {
      viewport.setPointerCapture(e.pointerId);
    }
  });
  viewport.addEventListener('pointermove', (e) => {
    const view = target.activeImageView();
    view?.pointerMove(e, ...local(e));
    viewport.classList.toggle('panning', view?.dragging ?? false);
  });
  viewport.addEventListener('pointerup', (e) => {
    target.activeImageView()?.pointerUp(e, ...local(e));
    viewport.classList.remove('panning');
  });
  viewport.addEventListener('pointerleave', () => target.pointerLeft());
  // Right-click is a negative point prompt (issue 4), not a menu.
  viewport.addEventListener('contextmenu', (e) => e.preventDefault());
  slider.addEventListener('input', () => target.sliderMoved(Number(slider.value)));
  document.addEventListener('keydown', (e) => {
    const action = layerKeyAction(e);
    if (action && target.layerKey(action)) e.preventDefault();
  });
}
