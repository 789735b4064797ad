/**
 * The editor's three views on one canvas (layer and projection as pan-zoom images, the 3D volume)
 * and their drawing: at most one frame per animation frame, only the active view drawn, resizes
 * drawn at once (a resize clears the canvas), and the drawn pixel read back for the tests.
 */
import type { Group } from 'three';
import type { ViewKind } from '../protocol/editorMessages';
import { createRenderer, type GlResult } from './glContext';
import { CanvasImageSurface, GlImageSurface, type ImageSurface } from './imageSurface';
import { ImageView, type ImagePoint, type ImageViewEvents } from './imageView';
import type { Layout } from './layout';
import { readCanvasColors, onThemeChange, type CanvasColors } from './theme';
import { VolumeView, type VolumeViewEvents } from './volumeView';

export interface EditorViewsEvents {
  /** The view to draw now. */
  view(): ViewKind;
  /** Before a 2D view draws, with its scale in screen px per image pixel. */
  beforeDraw(scale: number): void;
  /** The layer and projection views' pointer events. */
  image(kind: 'layer' | 'projection'): Omit<ImageViewEvents, 'changed'>;
  /** The 3D camera moved (by the user). */
  cameraChanged: VolumeViewEvents['cameraChanged'];
}

export class EditorViews {
  readonly gl: GlResult;
  readonly layer: ImageView;
  readonly projection: ImageView;
  /** Null without WebGL2. */
  readonly volume: VolumeView | null = null;
  private colors: CanvasColors = readCanvasColors();
  private frameRequested = false;

  constructor(
    private readonly layout: Layout,
    private readonly events: EditorViewsEvents,
  ) {
    this.gl = createRenderer(layout.glCanvas);
    const surface = (): ImageSurface =>
      this.gl.ok ? new GlImageSurface(this.gl.renderer) : new CanvasImageSurface(layout.canvas2d);
    const changed = (): void => this.requestRender();
    this.layer = new ImageView(surface(), { ...events.image('layer'), changed });
    this.projection = new ImageView(surface(), { ...events.image('projection'), changed });
    if (this.gl.ok) {
      this.volume = new VolumeView(this.gl.renderer, layout.glCanvas, {
        changed,
        cameraChanged: (camera) => events.cameraChanged(camera),
      });
    }
    layout.glCanvas.hidden = !this.gl.ok;
    layout.canvas2d.hidden = this.gl.ok;
    new ResizeObserver(() => this.resize()).observe(layout.viewport);
    onThemeChange(() => {
      this.colors = readCanvasColors();
      if (this.volume) this.volume.background = this.colors.volumeBackground;
      this.requestRender();
    });
  }

  /** The scene group drawn over a 2D view's image (null on the 2D-canvas fallback). */
  overlayOf(kind: 'layer' | 'projection'): Group | null {
    const surface = this[kind].surface;
    return surface instanceof GlImageSurface ? surface.overlay : null;
  }

  /** The 2D view of `view`; null for the 3D view. */
  imageView(view: ViewKind): ImageView | null {
    return view === 'layer' ? this.layer : view === 'projection' ? this.projection : null;
  }

  /** Draws in the next animation frame (once, however often it is asked). */
  requestRender(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.renderNow());
  }

  renderNow(): void {
    this.frameRequested = false;
    const view = this.events.view();
    if (view === '3d') {
      this.volume?.render();
      return;
    }
    const target = view === 'layer' ? this.layer : this.projection;
    this.events.beforeDraw(target.placement.scale);
    if (this.gl.ok && !target.hasImage) {
      this.gl.renderer.setClearColor(this.colors.imageBackground, 1);
      this.gl.renderer.clear();
    }
    target.draw(this.colors.imageBackground);
  }

  resize(): void {
    const rect = this.layout.viewport.getBoundingClientRect();
    const size = { width: Math.max(1, rect.width), height: Math.max(1, rect.height) };
    if (this.gl.ok) this.gl.renderer.setSize(size.width, size.height, false);
    this.layer.resize(size);
    this.projection.resize(size);
    this.volume?.resize(size);
    if (this.volume) this.volume.background = this.colors.volumeBackground;
    // setSize cleared the canvas: draw in this frame, not the next.
    this.renderNow();
  }

  /** Viewport coordinates of an image point in the active 2D view (null in 3D). */
  imageToViewport(x: number, y: number): ImagePoint | null {
    return this.imageView(this.events.view())?.screenOf(x, y) ?? null;
  }

  /**
   * Draws the active view now and reads back the pixel at viewport point (sx, sy) as RGBA:
   * what the canvas shows, before the compositor sees it.
   */
  readPixel(sx: number, sy: number): [number, number, number, number] {
    this.renderNow();
    const dpr = window.devicePixelRatio || 1;
    const px = Math.floor(sx * dpr);
    if (this.gl.ok) {
      const gl = this.gl.renderer.getContext();
      const out = new Uint8Array(4);
      gl.readPixels(
        px,
        gl.drawingBufferHeight - 1 - Math.floor(sy * dpr),
        1,
        1,
        gl.RGBA,
        gl.UNSIGNED_BYTE,
        out,
      );
      return [out[0] ?? 0, out[1] ?? 0, out[2] ?? 0, out[3] ?? 0];
    }
    const d = this.layout.canvas2d
      .getContext('2d')
      ?.getImageData(px, Math.floor(sy * dpr), 1, 1).data;
    return d ? [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, d[3] ?? 0] : [0, 0, 0, 0];
  }
}
