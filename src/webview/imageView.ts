/**
 * A zoomable, pannable 2D image (the layer view and the projection view): wheel zooms around
 * the cursor, a drag pans, a click without movement is reported (point prompts will use it),
 * and the image pixel under the pointer is reported for the value readout.
 */
import { fitImage, panBy, recenter, screenToImage, imageToScreen, zoomAround } from './panZoom';
import type { PanZoom, Size } from './panZoom';
import type { ImageSurface } from './imageSurface';

export interface ImagePoint {
  readonly x: number;
  readonly y: number;
}

export interface ImageViewEvents {
  /** Something changed that needs a redraw. */
  changed(): void;
  /** The integer image pixel under the pointer, or null when outside the image. */
  hover(point: ImagePoint | null): void;
  /** A click (no drag) on the image; `negative` for Shift-click or right-click. */
  click?(point: ImagePoint, negative: boolean): void;
}

/** Pointer travel (CSS px) below which a press-release is a click, not a pan. */
const CLICK_SLOP = 4;
const WHEEL_ZOOM_RATE = 0.0015;

export class ImageView {
  private pz: PanZoom = { scale: 1, offsetX: 0, offsetY: 0 };
  private viewport: Size = { width: 1, height: 1 };
  private image: Size | null = null;
  private aspect = 1;
  /** While true, resizes re-fit the image; zooming or panning by hand clears it. */
  private fitted = true;
  private drag: { id: number; x: number; y: number; moved: boolean } | null = null;

  constructor(
    readonly surface: ImageSurface,
    private readonly events: ImageViewEvents,
  ) {}

  get placement(): PanZoom {
    return this.pz;
  }

  get hasImage(): boolean {
    return this.image !== null;
  }

  /** Shows a new image; re-fits when its size or aspect changed (or `refit`). */
  setImage(pixels: Uint8Array, width: number, height: number, aspect: number, refit = false): void {
    const changed =
      !this.image ||
      this.image.width !== width ||
      this.image.height !== height ||
      this.aspect !== aspect;
    this.surface.setImage(pixels, width, height);
    this.image = { width, height };
    this.aspect = aspect;
    if (changed || refit) this.fit();
    this.events.changed();
  }

  resize(viewport: Size): void {
    const before = this.viewport;
    this.viewport = viewport;
    if (this.fitted) this.fit();
    else this.pz = recenter(this.pz, before, viewport);
  }

  fit(): void {
    this.fitted = true;
    if (this.image) this.pz = fitImage(this.image, this.aspect, this.viewport);
    this.events.changed();
  }

  draw(background: string): void {
    if (this.image) this.surface.draw(this.pz, this.aspect, this.viewport, background);
  }

  /** The integer pixel at a viewport point, or null outside the image. */
  pixelAt(sx: number, sy: number): ImagePoint | null {
    if (!this.image) return null;
    const p = screenToImage(this.pz, this.aspect, sx, sy);
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    return x >= 0 && y >= 0 && x < this.image.width && y < this.image.height ? { x, y } : null;
  }

  /** Viewport position of an image point (pixel centres are at x + 0.5, y + 0.5). */
  screenOf(x: number, y: number): ImagePoint {
    return imageToScreen(this.pz, this.aspect, x, y);
  }

  wheel(e: WheelEvent, sx: number, sy: number): void {
    e.preventDefault();
    // Pixel-mode deltas from mice and touchpads; lines/pages are rare here but scaled alike.
    const delta = e.deltaMode === 0 ? e.deltaY : e.deltaY * 16;
    this.pz = zoomAround(this.pz, sx, sy, Math.exp(-delta * WHEEL_ZOOM_RATE));
    this.fitted = false;
    this.events.changed();
  }

  pointerDown(e: PointerEvent, sx: number, sy: number): boolean {
    if (e.button !== 0 && e.button !== 1 && e.button !== 2) return false;
    this.drag = { id: e.pointerId, x: sx, y: sy, moved: false };
    return true;
  }

  pointerMove(e: PointerEvent, sx: number, sy: number): void {
    const d = this.drag;
    if (d && d.id === e.pointerId) {
      if (!d.moved && Math.hypot(sx - d.x, sy - d.y) < CLICK_SLOP) return;
      d.moved = true;
      this.pz = panBy(this.pz, sx - d.x, sy - d.y);
      d.x = sx;
      d.y = sy;
      this.fitted = false;
      this.events.changed();
    }
    this.events.hover(this.pixelAt(sx, sy));
  }

  pointerUp(e: PointerEvent, sx: number, sy: number): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.drag = null;
    if (d.moved) return;
    const p = this.pixelAt(sx, sy);
    if (p) this.events.click?.(p, e.shiftKey || e.button === 2);
  }

  get dragging(): boolean {
    return this.drag?.moved ?? false;
  }
}
