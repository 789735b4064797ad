/**
 * The volume editor's controller: takes the host's messages, owns the view state, and keeps the
 * views, toolbar, footer and host (status messages, saved state) in step with it.
 */
import type { Texture3D } from '../core/volume/downsample';
import { resolveDepthAxis } from '../core/volume/layers';
import { applyWindowToUint8, percentileWindow, type ValueWindow } from '../core/volume/window';
import type { Axis } from '../core/volume/volume';
import type {
  EditorSettings,
  ToWebviewMessage,
  VolumeHeaderInfo,
  ViewKind,
} from '../protocol/editorMessages';
import { createRenderer, noWebGlMessage, type GlResult } from './glContext';
import { CanvasImageSurface, GlImageSurface, type ImageSurface } from './imageSurface';
import { ImageView, type ImagePoint } from './imageView';
import { LazyTexture, type TextureRequest } from './lazyTexture';
import type { Layout } from './layout';
import { MessageTable, type MessageOf } from './messageTable';
import { ViewportNotices } from './viewportNotices';
import { readCanvasColors, onThemeChange, type CanvasColors } from './theme';
import { Toolbar } from './toolbar';
import { Footer } from './footer';
import { sanitizeViewState, type ViewState } from './viewState';
import { volumeFromMessage, LoadedVolume, type LayerImage } from './loadedVolume';
import { VolumeView } from './volumeView';
import { bindViewportInput } from './viewportInput';
import { focusedTextEntry, type LayerKeyAction } from './keyboard';
import type { HostClient } from './vscodeApi';
import { TrackingController } from './tracking/trackingController';
import { BrushController } from './brush/brushController';
import { SparseController } from './sparse/sparseController';

const DEFAULT_SETTINGS: EditorSettings = {
  depthAxis: 'auto',
  windowPercentiles: [1, 99.5],
  max3dTextureMB: 256,
};
/** WebGL2 guarantees 256; real GPUs and SwiftShader give 2048, the limit. */
const MAX_TEXTURE_SIDE = 2048;

export interface AppSnapshot {
  readonly view: ViewKind;
  readonly layer: number;
  readonly layerCount: number;
  readonly depthAxis: Axis | null;
  readonly window: ValueWindow | null;
  readonly range: readonly [number, number] | null;
  readonly loaded: boolean;
  readonly error: string | null;
  readonly webgl: boolean;
  readonly texture: { readonly dims: readonly number[]; readonly downsampled: boolean } | null;
}

/** The host's layer commands (commands/editorKeys.ts) as the webview's own layer keys. */
const LAYER_KEYS: Readonly<Record<'previous' | 'next' | 'first' | 'last', LayerKeyAction>> = {
  previous: { step: -1 },
  next: { step: 1 },
  first: { to: 'first' },
  last: { to: 'last' },
};

export class App {
  private state: ViewState;
  private settings = DEFAULT_SETTINGS;
  private header: VolumeHeaderInfo | null = null;
  private pendingBuffer: ArrayBuffer | null = null;
  private volume: LoadedVolume | null = null;
  /** The host binds the layer and view keys as commands (init's hostKeys). */
  private hostKeys = false;
  private layerImage: LayerImage | null = null;
  private projectionValues: Float32Array | null = null;
  private projectionPixels: Uint8Array = new Uint8Array(0);
  private projectionWindow: ValueWindow | null = null;
  private errorText: string | null = null;
  private readonly texture = new LazyTexture((tex, request) => this.textureBuilt(tex, request));
  private frameRequested = false;
  private saveTimer: number | undefined;
  private colors: CanvasColors = readCanvasColors();
  private readonly gl: GlResult;
  private readonly notices: ViewportNotices;
  private readonly toolbar: Toolbar;
  private readonly footer: Footer;
  private readonly layerView: ImageView;
  private readonly projectionView: ImageView;
  private readonly volumeView: VolumeView | null = null;
  readonly tracking: TrackingController;
  readonly brush: BrushController;
  readonly sparse: SparseController;
  /** Host messages by type, to the features that registered for them. */
  private readonly messages = new MessageTable();

  constructor(
    private readonly layout: Layout,
    private readonly host: HostClient<ViewState>,
  ) {
    this.state = sanitizeViewState(host.loadState());
    this.notices = new ViewportNotices(layout);
    this.footer = new Footer(layout);
    this.gl = createRenderer(layout.glCanvas);
    const surface = (): ImageSurface =>
      this.gl.ok ? new GlImageSurface(this.gl.renderer) : new CanvasImageSurface(layout.canvas2d);
    const imageEvents = (kind: ViewKind) => ({
      changed: () => this.requestRender(),
      hover: (p: ImagePoint | null) => this.showReadout(kind, p),
      // Point prompts (issue 4): clicks on the layer view only.
      click: (p: ImagePoint, negative: boolean) => {
        if (kind === 'layer' && this.volume && this.brush.allowsPrompts)
          this.tracking.click(this.state.layer, p.x, p.y, negative);
      },
    });
    this.layerView = new ImageView(surface(), imageEvents('layer'));
    this.projectionView = new ImageView(surface(), imageEvents('projection'));
    if (this.gl.ok) {
      this.volumeView = new VolumeView(this.gl.renderer, layout.glCanvas, {
        changed: () => this.requestRender(),
        cameraChanged: (camera) => this.update({ camera }),
      });
      if (this.state.camera) this.volumeView.setCamera(this.state.camera);
    }
    const overlayOf = (v: ImageView) =>
      v.surface instanceof GlImageSurface ? v.surface.overlay : null;
    this.tracking = new TrackingController(
      {
        post: (m) => this.host.post(m),
        changed: () => this.requestRender(),
        // The brush is created after the tracking controller; its label list follows the objects.
        objectsChanged: () => this.brush?.objectsChanged(),
      },
      {
        layerOverlay: overlayOf(this.layerView),
        projectionOverlay: overlayOf(this.projectionView),
        surfaceRoot: this.volumeView?.objectRoot ?? null,
        runtimeBase: new URL('./', import.meta.url).href,
      },
    );
    layout.toolbar.after(this.tracking.panel.element);
    // ---- brush tools and vessel regions (issue 6) ----
    this.brush = new BrushController(
      {
        post: (m) => this.host.post(m),
        changed: () => this.requestRender(),
        pixelAt: (sx, sy) =>
          this.state.view === 'layer'
            ? this.layerView.pixelAt(sx, sy)
            : this.state.view === 'projection'
              ? this.projectionView.pixelAt(sx, sy)
              : null,
        settingsChanged: (brush) => this.update({ brush }),
      },
      this.tracking,
      overlayOf(this.layerView),
      overlayOf(this.projectionView),
      this.state.brush,
    );
    this.brush.viewChanged(this.state.view);
    this.tracking.panel.element.after(this.brush.panel.element);
    // ---- end brush ----
    // ---- sparse-annotation panel (issue 6) ----
    this.sparse = new SparseController(
      {
        post: (m) => this.host.post(m),
        setLayer: (layer) => {
          if (this.state.view !== 'layer') this.setView('layer');
          this.setLayer(layer);
        },
        changed: () => this.requestRender(),
      },
      overlayOf(this.layerView),
    );
    this.brush.panel.element.after(this.sparse.panel.element);
    // ---- end sparse ----
    layout.glCanvas.hidden = !this.gl.ok;
    layout.canvas2d.hidden = this.gl.ok;
    this.toolbar = new Toolbar(layout.toolbar, {
      view: (view) => this.setView(view),
      depthAxis: (choice) => this.setDepthAxis(choice),
      window: (min, max) => this.setWindow({ auto: false, min, max }),
      autoWindow: () => this.setWindow({ ...this.state.window, auto: true }),
      range: (from, to) => this.setRange(from, to),
      projection: (projection) => {
        this.update({ projection });
        this.refreshProjection();
        this.syncChrome();
      },
      render3d: (render3d) => {
        this.update({ render3d });
        this.volumeView?.setMode(render3d);
      },
      resetCamera: () => {
        this.volumeView?.resetCamera();
        this.update({ camera: null });
      },
      fit: () => this.activeImageView()?.fit(),
    });
    this.volumeView?.setMode(this.state.render3d);
    bindViewportInput(layout.viewport, layout.slider, {
      activeImageView: () => this.activeImageView(),
      pointerLeft: () => this.showReadout(this.state.view, null),
      sliderMoved: (value) => this.setLayer(value),
      // With the host's keybindings the key comes back as `editorKey`: not stepped twice.
      layerKey: (action) => (this.hostKeys ? this.volume !== null : this.stepLayer(action)),
      pointerTool: () => (this.brush.takesPointer ? this.brush : null),
      brushKey: (direction) => this.brush.radiusKey(direction),
    });
    new ResizeObserver(() => this.resize()).observe(layout.viewport);
    onThemeChange(() => {
      this.colors = readCanvasColors();
      if (this.volumeView) this.volumeView.background = this.colors.volumeBackground;
      this.requestRender();
    });
    this.registerMessages(this.messages);
    host.onMessage((m) => this.handle(m));
    this.syncChrome();
    host.post({ type: 'ready' });
  }

  // ---- host messages ----

  /** The loading messages; the features register theirs (sparse before brush: it watches the
   * region messages the brush then mirrors). */
  private registerMessages(table: MessageTable): void {
    const settings = (message: MessageOf<'init' | 'settingsChanged'>) =>
      this.applySettings(message.settings);
    table.on('init', settings);
    table.on('init', (message) => (this.hostKeys = message.hostKeys === true));
    table.on('settingsChanged', settings);
    table.on('editorKey', ({ key }) => {
      if (focusedTextEntry()) return;
      if ('view' in key) this.setView(key.view);
      else this.stepLayer(LAYER_KEYS[key.layer]);
    });
    table.on('loadProgress', (message) => {
      if (!this.volume) this.notices.progress(message.fraction, message.stage);
    });
    table.on('volumeHeader', (message) => {
      this.header = message.header;
      this.notices.progress(-1, 'Receiving voxels…');
      if (this.pendingBuffer) this.open(this.pendingBuffer);
    });
    table.on('volumeData', (message) => {
      if (this.header) this.open(message.buffer);
      else this.pendingBuffer = message.buffer;
    });
    table.on('loadError', (message) => this.fail(message.message, message.supported));
    this.sparse.registerMessages(table);
    this.brush.registerMessages(table);
    this.tracking.registerMessages(table);
  }

  handle(message: ToWebviewMessage): void {
    try {
      this.messages.dispatch(message);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.fail(text, 'The editor shows 3D NIfTI-1/2 volumes (.nii, .nii.gz) of 8–64-bit voxels.');
      this.host.post({ type: 'showError', message: text });
    }
  }

  private open(buffer: ArrayBuffer): void {
    const header = this.header;
    if (!header) return;
    this.pendingBuffer = null;
    const volume = volumeFromMessage(header, buffer);
    this.volume = new LoadedVolume(volume, header, this.axisSetting());
    this.errorText = null;
    this.layout.errorPanel.hidden = true;
    // A re-sent volume (e.g. reverted on disk) needs its own 3D texture.
    this.texture.reset();
    header.notices.forEach((text, n) => this.notices.notice(`header-${n}`, text));
    const count = this.volume.layerCount;
    const layer = this.state.layer >= 0 && this.state.layer < count ? this.state.layer : count >> 1;
    this.state = { ...this.state, layer, range: this.clampRange(this.state.range) };
    this.volumeView?.setDepthAxis(this.volume.axis);
    this.tracking.volumeOpened(volume, this.volume.axis);
    this.brush.volumeOpened(volume.dims, this.volume.axis);
    this.sparse.volumeOpened(volume, this.volume.axis);
    this.applyRangeTo3d();
    this.refreshLayer(true);
    if (this.state.view === 'projection') this.refreshProjection();
    this.notices.loaded();
    this.syncChrome();
    this.postStatus();
    this.renderNow();
    this.scheduleTexture();
  }

  private fail(message: string, supported: string): void {
    this.errorText = message;
    this.notices.error(message, supported);
    this.syncChrome();
  }

  private applySettings(settings: EditorSettings): void {
    const before = this.settings;
    this.settings = settings;
    if (!this.volume) return;
    if (this.state.depthAxis === null && settings.depthAxis !== before.depthAxis) {
      this.setDepthAxis(null);
    } else if (this.state.window.auto) {
      this.setWindow(this.state.window);
    }
    if (settings.max3dTextureMB !== before.max3dTextureMB) this.scheduleTexture();
  }

  // ---- state changes ----

  private update(patch: Partial<ViewState>): void {
    this.state = { ...this.state, ...patch };
    window.clearTimeout(this.saveTimer);
    // Layer stepping changes state many times a second; setState serializes, so batch it.
    this.saveTimer = window.setTimeout(() => this.host.saveState(this.state), 200);
  }

  /** A layer key (the webview's own or the host's `editorKey`); false without a volume. */
  private stepLayer(action: LayerKeyAction): boolean {
    if (!this.volume) return false;
    if ('step' in action) this.setLayer(this.state.layer + action.step);
    else this.setLayer(action.to === 'first' ? 0 : this.volume.layerCount - 1);
    return true;
  }

  setLayer(index: number): void {
    const s = this.volume;
    if (!s) return;
    const layer = Math.min(s.layerCount - 1, Math.max(0, Math.round(index)));
    if (layer === this.state.layer && this.layerImage) return;
    this.update({ layer });
    this.refreshLayer(false);
    // The toolbar does not change with the layer; the footer does (and is cheap).
    this.footer.sync(s, layer, this.state.view);
    this.postStatus();
  }

  setView(view: ViewKind): void {
    this.update({ view });
    this.tracking.viewChanged(view);
    this.brush.viewChanged(view);
    if (view === 'projection') this.refreshProjection();
    if (view === '3d') this.scheduleTexture(true);
    this.syncChrome();
    this.postStatus();
    this.resize();
  }

  private setDepthAxis(choice: 'auto' | Axis | null): void {
    this.update({ depthAxis: choice });
    const s = this.volume;
    if (!s || !s.setAxis(this.axisSetting())) {
      this.syncChrome();
      return;
    }
    this.update({ layer: s.layerCount >> 1, range: null });
    this.volumeView?.setDepthAxis(s.axis);
    this.tracking.axisChanged(s.volume, s.axis);
    this.brush.axisChanged(s.axis);
    this.sparse.axisChanged(s.volume, s.axis);
    this.applyRangeTo3d();
    this.refreshLayer(true);
    this.refreshProjection();
    this.syncChrome();
    this.postStatus();
  }

  private setWindow(window: ViewState['window']): void {
    this.update({ window });
    this.refreshLayer(false);
    this.refreshProjection();
    this.syncChrome();
    if (this.texture.built || this.texture.pending) this.scheduleTexture();
  }

  private setRange(from: number, to: number): void {
    this.update({ range: this.clampRange([from, to]) });
    this.applyRangeTo3d();
    this.refreshProjection();
    this.syncChrome();
  }

  // ---- derived images ----

  private effectiveWindow(): ValueWindow | null {
    if (!this.volume) return null;
    const w = this.state.window;
    return w.auto ? this.volume.autoWindow(this.settings.windowPercentiles) : w;
  }

  private refreshLayer(refit: boolean): void {
    const s = this.volume;
    const w = this.effectiveWindow();
    if (!s || !w) return;
    const img = s.layer(this.state.layer, w);
    this.layerImage = img;
    this.layerView.setImage(img.pixels, img.width, img.height, img.aspect, refit);
    this.tracking.showLayer(this.state.layer, img.width, img.height, img.aspect);
    this.brush.showLayer(this.state.layer, img.width, img.height, img.aspect);
    this.sparse.showLayer(this.state.layer, img.width, img.height, img.aspect);
    this.volumeView?.setLayer(this.state.layer, s.layerCount);
  }

  /** Auto window: the projection's own percentiles (a mean is much darker than its layers). */
  private refreshProjection(): void {
    const s = this.volume;
    if (!s || this.state.view !== 'projection') return;
    const [from, to] = this.state.range ?? [0, s.layerCount - 1];
    const values = s.projection(from, to, this.state.projection);
    const p = this.settings.windowPercentiles;
    const w = this.state.window.auto ? percentileWindow(values, p[0], p[1]) : this.state.window;
    this.projectionPixels = applyWindowToUint8(values, w, this.projectionPixels);
    this.projectionValues = values;
    this.projectionWindow = w;
    const { width, height } = s.shape;
    this.projectionView.setImage(this.projectionPixels, width, height, s.aspect);
    this.tracking.showProjection(from, to, width, height, s.aspect);
    this.brush.showProjection(width, height, s.aspect);
  }

  private clampRange(range: readonly [number, number] | null): [number, number] | null {
    const s = this.volume;
    if (!s || !range) return null;
    const last = s.layerCount - 1;
    const c = (v: number): number => Math.min(last, Math.max(0, v));
    const a = c(Math.min(range[0], range[1]));
    const b = c(Math.max(range[0], range[1]));
    return a === 0 && b === last ? null : [a, b];
  }

  private applyRangeTo3d(): void {
    const s = this.volume;
    if (!s) return;
    const [from, to] = this.state.range ?? [0, s.layerCount - 1];
    this.volumeView?.setClip(from, to, s.layerCount);
  }

  // ---- 3D texture, built lazily ----

  /** Asks for the 3D texture matching the current window and budget (built when idle). */
  private scheduleTexture(soon = false): void {
    const s = this.volume;
    const window = this.effectiveWindow();
    if (!s || !window || !this.gl.ok) return;
    this.texture.request({
      volume: s.volume,
      window,
      budgetMB: this.settings.max3dTextureMB,
      maxSide: Math.min(this.gl.max3dSize, MAX_TEXTURE_SIDE),
      soon: soon || this.state.view === '3d',
    });
  }

  private textureBuilt(tex: Texture3D, r: TextureRequest): void {
    this.volumeView?.setTexture(tex, r.volume.dims, r.volume.spacingMm);
    this.notices.notice(
      '3d-downsampled',
      tex.downsampled
        ? `3D view downsampled ${tex.factor}× to ${tex.dims.join('×')} to fit ${r.budgetMB} MB ` +
            `and ${r.maxSide} texels per side; layers and projections stay at full resolution.`
        : null,
      'info',
    );
    this.syncChrome();
  }

  // ---- rendering ----

  requestRender(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.renderNow());
  }

  renderNow(): void {
    this.frameRequested = false;
    const view = this.state.view;
    if (view === '3d') {
      this.volumeView?.render();
      return;
    }
    const target = view === 'layer' ? this.layerView : this.projectionView;
    this.tracking.beforeDraw(target.placement.scale);
    if (this.gl.ok && !target.hasImage) {
      this.gl.renderer.setClearColor(this.colors.imageBackground, 1);
      this.gl.renderer.clear();
    }
    target.draw(this.colors.imageBackground);
  }

  private resize(): void {
    const rect = this.layout.viewport.getBoundingClientRect();
    const size = { width: Math.max(1, rect.width), height: Math.max(1, rect.height) };
    if (this.gl.ok) this.gl.renderer.setSize(size.width, size.height, false);
    this.layerView.resize(size);
    this.projectionView.resize(size);
    this.volumeView?.resize(size);
    if (this.volumeView) this.volumeView.background = this.colors.volumeBackground;
    // setSize cleared the canvas: draw in this frame, not the next.
    this.renderNow();
  }

  private activeImageView(): ImageView | null {
    const v = this.state.view;
    return v === 'layer' ? this.layerView : v === 'projection' ? this.projectionView : null;
  }

  // ---- chrome: toolbar, footer, status ----

  private syncChrome(): void {
    const s = this.volume;
    const view = this.state.view;
    this.toolbar.sync(this.state, {
      dims: s ? s.volume.dims : null,
      autoAxis: s ? resolveDepthAxis(s.volume.dims, 'auto') : null,
      axisChoice: this.axisSetting(),
      window: view === 'projection' ? this.projectionWindow : this.effectiveWindow(),
      layerCount: s ? s.layerCount : 0,
      has3d: this.gl.ok,
    });
    this.footer.sync(s, this.state.layer, view);
    const { root, viewport } = this.layout;
    viewport.classList.toggle('image', view !== '3d');
    this.notices.message(view === '3d' && !this.gl.ok ? noWebGlMessage(this.gl.reason) : null);
    if (this.gl.ok) this.layout.glCanvas.hidden = false;
    else this.layout.canvas2d.hidden = view === '3d';
    this.volumeView?.setActive(view === '3d');
    // Read by end-to-end tests that cannot reach the page's globals.
    root.dataset.texture = this.texture.built ? 'ready' : 'none';
    root.dataset.loaded = String(s !== null);
    if (this.errorText === null) delete root.dataset.error;
    else root.dataset.error = '';
  }

  private showReadout(view: ViewKind, p: ImagePoint | null): void {
    this.footer.readout(this.volume, view, p, {
      layer: this.state.layer,
      layerValues: this.layerImage?.values,
      projection: this.state.projection,
      projectionValues: this.projectionValues ?? undefined,
    });
  }

  private postStatus(): void {
    if (!this.volume) return;
    this.host.post({
      type: 'status',
      layer: this.state.layer,
      layerCount: this.volume.layerCount,
      view: this.state.view,
    });
  }

  private axisSetting(): 'auto' | Axis {
    return this.state.depthAxis ?? this.settings.depthAxis;
  }

  // ---- read-only access for the test hook ----

  snapshot(): AppSnapshot {
    const s = this.volume;
    return {
      view: this.state.view,
      layer: this.state.layer,
      layerCount: s ? s.layerCount : 0,
      depthAxis: s ? s.axis : null,
      window: this.effectiveWindow(),
      range: this.state.range,
      loaded: s !== null,
      error: this.errorText,
      webgl: this.gl.ok,
      texture: this.texture.built && {
        dims: this.texture.built.texture.dims,
        downsampled: this.texture.built.texture.downsampled,
      },
    };
  }

  /** Viewport coordinates of an image point in the active 2D view (null in 3D). */
  imageToViewport(x: number, y: number): ImagePoint | null {
    return this.activeImageView()?.screenOf(x, y) ?? null;
  }

  /** Resolves once the 3D texture matching the current window exists. */
  whenTextureReady(): Promise<void> {
    return this.gl.ok ? this.texture.whenReady() : Promise.resolve();
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
