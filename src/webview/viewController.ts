/**
 * What the editor shows and how it changes: the loaded volume, and the layer, view, depth axis,
 * window and range the user picks. Each change updates the view state, recomputes the derived
 * images (layer, projection, 3D texture), tells the feature panels, and brings the toolbar,
 * footer, notices and the host's status bar in step.
 */
import type { Texture3D } from '../core/volume/downsample';
import { layerPosition } from '../core/volume/layerNumbers';
import { resolveDepthAxis } from '../core/volume/layers';
import { applyWindowToUint8, percentileWindow, type ValueWindow } from '../core/volume/window';
import type { Axis } from '../core/volume/volume';
import type {
  EditorSettings,
  FromWebviewMessage,
  VolumeHeaderInfo,
  ViewKind,
} from '../protocol/editorMessages';
import type { EditorFeature } from './editorFeature';
import type { EditorViews } from './editorViews';
import type { Footer } from './footer';
import { noWebGlMessage } from './glContext';
import type { ImagePoint } from './imageView';
import type { LayerKeyAction } from './keyboard';
import type { Layout } from './layout';
import { LazyTexture, type TextureRequest } from './lazyTexture';
import { LoadedVolume, volumeFromMessage, type LayerImage } from './loadedVolume';
import type { Toolbar } from './toolbar';
import type { ViewState } from './viewState';
import type { ViewStateStore } from './viewStateStore';
import type { ViewportNotices } from './viewportNotices';
import type { VolumeLoadingTarget } from './volumeLoading';

/** WebGL2 guarantees 256; real GPUs and SwiftShader give 2048, the limit. */
const MAX_TEXTURE_SIDE = 2048;

/** What the controller drives (the app builds them). */
export interface ViewControllerParts {
  readonly layout: Layout;
  readonly state: ViewStateStore;
  readonly views: EditorViews;
  readonly notices: ViewportNotices;
  readonly toolbar: Toolbar;
  readonly footer: Footer;
  /** The feature panels, told of every change in this order. */
  readonly features: readonly EditorFeature[];
  post(message: FromWebviewMessage): void;
}

export class ViewController implements VolumeLoadingTarget {
  private loadedVolume: LoadedVolume | null = null;
  private layerImage: LayerImage | null = null;
  private projectionValues: Float32Array | null = null;
  private projectionPixels: Uint8Array = new Uint8Array(0);
  private projectionWindow: ValueWindow | null = null;
  private errorText: string | null = null;
  readonly texture = new LazyTexture((tex, request) => this.textureBuilt(tex, request));

  constructor(private readonly parts: ViewControllerParts) {}

  private get state(): ViewState {
    return this.parts.state.current;
  }

  /** The loaded volume; null until the first one arrives. */
  get volume(): LoadedVolume | null {
    return this.loadedVolume;
  }

  get loaded(): boolean {
    return this.loadedVolume !== null;
  }

  /** The message of the last failure to load; null once a volume loads. */
  get error(): string | null {
    return this.errorText;
  }

  // ---- loading ----

  /** Shows the volume the host sent (the first, or a re-sent one after a revert). */
  open(header: VolumeHeaderInfo, buffer: ArrayBuffer): void {
    const { layout, notices, views, state } = this.parts;
    const volume = volumeFromMessage(header, buffer);
    const loaded = new LoadedVolume(volume, header, state.axisSetting());
    delete layout.root.dataset.preview;
    this.loadedVolume = loaded;
    this.errorText = null;
    layout.errorPanel.hidden = true;
    // A re-sent volume (e.g. reverted on disk) needs its own 3D texture.
    this.texture.reset();
    header.notices.forEach((text, n) => notices.notice(`header-${n}`, text));
    const count = loaded.layerCount;
    const layer = this.state.layer >= 0 && this.state.layer < count ? this.state.layer : count >> 1;
    state.adjust({ layer, range: this.clampRange(this.state.range) });
    views.volume?.setDepthAxis(loaded.axis);
    for (const f of this.parts.features) {
      f.volumeOpened?.(volume, loaded.axis, header);
      f.rangeChanged?.(this.state.range);
    }
    this.applyRangeTo3d();
    this.refreshLayer(true);
    if (this.state.view === 'projection') this.refreshProjection();
    notices.loaded();
    this.syncChrome();
    this.postStatus();
    views.renderNow();
    this.scheduleTexture();
  }

  /**
   * Shows layer 0 of a volume still loading (progressive opening, issue 17) in the layer view,
   * with the progress bar moved aside; nothing else works until open(). Only when the depth axis
   * is k: the other axes' layers need the whole file. The auto window is the layer's own.
   */
  preview(header: VolumeHeaderInfo, layers: number, buffer: ArrayBuffer): void {
    const { notices, views, layout, state } = this.parts;
    if (this.loadedVolume || this.state.view !== 'layer') return;
    if (resolveDepthAxis(header.dims, state.axisSetting()) !== 2) return;
    const [nx, ny] = header.dims;
    const partial = new LoadedVolume(
      volumeFromMessage({ ...header, dims: [nx, ny, layers] }, buffer),
      header,
      2,
    );
    const w = this.state.window;
    const img = partial.layer(0, w.auto ? partial.autoWindow(state.settings.windowPercentiles) : w);
    if (views.gl.ok) layout.glCanvas.hidden = false;
    views.layer.setImage(img.pixels, img.width, img.height, img.aspect, true);
    notices.previewing(`${layerPosition(0, header.dims[2])}: the rest is loading`);
    layout.root.dataset.preview = 'true';
    views.renderNow();
  }

  fail(message: string, supported: string): void {
    delete this.parts.layout.root.dataset.preview;
    this.errorText = message;
    this.parts.notices.error(message, supported);
    this.syncChrome();
  }

  applySettings(settings: EditorSettings): void {
    const before = this.parts.state.settings;
    this.parts.state.settings = settings;
    for (const f of this.parts.features) f.settingsApplied?.(settings);
    if (!this.loadedVolume) return;
    if (this.state.depthAxis === null && settings.depthAxis !== before.depthAxis) {
      this.setDepthAxis(null);
    } else if (this.state.window.auto) {
      this.setWindow(this.state.window);
    }
    if (settings.max3dTextureMB !== before.max3dTextureMB) this.scheduleTexture();
  }

  // ---- the user's changes ----

  setLayer(index: number): void {
    const s = this.loadedVolume;
    if (!s) return;
    const layer = Math.min(s.layerCount - 1, Math.max(0, Math.round(index)));
    if (layer === this.state.layer && this.layerImage) return;
    this.parts.state.update({ layer });
    this.refreshLayer(false);
    // The toolbar does not change with the layer; the footer does (and is cheap).
    this.parts.footer.sync(s, layer, this.state.view);
    this.postStatus();
  }

  /** Steps `step` layers, or jumps to the first or last; false without a volume. */
  layerKey(action: LayerKeyAction): boolean {
    if (!this.loadedVolume) return false;
    if ('step' in action) this.setLayer(this.state.layer + action.step);
    else this.setLayer(action.to === 'first' ? 0 : this.loadedVolume.layerCount - 1);
    return true;
  }

  setView(view: ViewKind): void {
    this.parts.state.update({ view });
    for (const f of this.parts.features) f.viewChanged?.(view);
    if (view === 'projection') this.refreshProjection();
    if (view === '3d') this.scheduleTexture(true);
    this.syncChrome();
    this.postStatus();
    this.parts.views.resize();
  }

  setDepthAxis(choice: 'auto' | Axis | null): void {
    this.parts.state.update({ depthAxis: choice });
    const s = this.loadedVolume;
    if (!s || !s.setAxis(this.parts.state.axisSetting())) {
      this.syncChrome();
      return;
    }
    this.parts.state.update({ layer: s.layerCount >> 1, range: null });
    this.parts.views.volume?.setDepthAxis(s.axis);
    for (const f of this.parts.features) f.axisChanged?.(s.volume, s.axis);
    this.applyRangeTo3d();
    this.refreshLayer(true);
    this.refreshProjection();
    this.syncChrome();
    this.postStatus();
  }

  setWindow(window: ViewState['window']): void {
    this.parts.state.update({ window });
    this.refreshLayer(false);
    this.refreshProjection();
    this.syncChrome();
    if (this.texture.built || this.texture.pending) this.scheduleTexture();
  }

  setRange(from: number, to: number): void {
    this.parts.state.update({ range: this.clampRange([from, to]) });
    for (const f of this.parts.features) f.rangeChanged?.(this.state.range);
    this.applyRangeTo3d();
    this.refreshProjection();
    this.syncChrome();
  }

  setProjection(projection: ViewState['projection']): void {
    this.parts.state.update({ projection });
    this.refreshProjection();
    this.syncChrome();
  }

  // ---- derived images ----

  /** The window the layer view and the 3D texture use: the user's, or the volume's percentiles. */
  effectiveWindow(): ValueWindow | null {
    if (!this.loadedVolume) return null;
    const w = this.state.window;
    return w.auto ? this.loadedVolume.autoWindow(this.parts.state.settings.windowPercentiles) : w;
  }

  private refreshLayer(refit: boolean): void {
    const s = this.loadedVolume;
    const w = this.effectiveWindow();
    if (!s || !w) return;
    const layer = this.state.layer;
    const img = s.layer(layer, w);
    this.layerImage = img;
    this.parts.views.layer.setImage(img.pixels, img.width, img.height, img.aspect, refit);
    for (const f of this.parts.features) f.showLayer?.(layer, img.width, img.height, img.aspect);
    this.parts.views.volume?.setLayer(layer, s.layerCount);
  }

  /** Auto window: the projection's own percentiles (a mean is much darker than its layers). */
  private refreshProjection(): void {
    const s = this.loadedVolume;
    if (!s || this.state.view !== 'projection') return;
    const [from, to] = this.state.range ?? [0, s.layerCount - 1];
    const values = s.projection(from, to, this.state.projection);
    const p = this.parts.state.settings.windowPercentiles;
    const w = this.state.window.auto ? percentileWindow(values, p[0], p[1]) : this.state.window;
    this.projectionPixels = applyWindowToUint8(values, w, this.projectionPixels);
    this.projectionValues = values;
    this.projectionWindow = w;
    const { width, height } = s.shape;
    this.parts.views.projection.setImage(this.projectionPixels, width, height, s.aspect);
    for (const f of this.parts.features) f.showProjection?.(from, to, width, height, s.aspect);
  }

  private clampRange(range: readonly [number, number] | null): [number, number] | null {
    const s = this.loadedVolume;
    if (!s || !range) return null;
    const last = s.layerCount - 1;
    const c = (v: number): number => Math.min(last, Math.max(0, v));
    const a = c(Math.min(range[0], range[1]));
    const b = c(Math.max(range[0], range[1]));
    return a === 0 && b === last ? null : [a, b];
  }

  private applyRangeTo3d(): void {
    const s = this.loadedVolume;
    if (!s) return;
    const [from, to] = this.state.range ?? [0, s.layerCount - 1];
    this.parts.views.volume?.setClip(from, to, s.layerCount);
  }

  // ---- 3D texture, built lazily ----

  /** Asks for the 3D texture matching the current window and budget (built when idle). */
  private scheduleTexture(soon = false): void {
    const s = this.loadedVolume;
    const window = this.effectiveWindow();
    const gl = this.parts.views.gl;
    if (!s || !window || !gl.ok) return;
    this.texture.request({
      volume: s.volume,
      window,
      budgetMB: this.parts.state.settings.max3dTextureMB,
      maxSide: Math.min(gl.max3dSize, MAX_TEXTURE_SIDE),
      soon: soon || this.state.view === '3d',
    });
  }

  private textureBuilt(tex: Texture3D, r: TextureRequest): void {
    this.parts.views.volume?.setTexture(tex, r.volume.dims, r.volume.spacingMm);
    this.parts.notices.notice(
      '3d-downsampled',
      tex.downsampled
        ? `3D view downsampled ${tex.factor}× to ${tex.dims.join('×')} to fit ${r.budgetMB} MB ` +
            `and ${r.maxSide} texels per side; layers and projections stay at full resolution.`
        : null,
      'info',
    );
    this.syncChrome();
  }

  // ---- chrome: toolbar, footer, status ----

  syncChrome(): void {
    const { layout, views, toolbar, footer, notices } = this.parts;
    const s = this.loadedVolume;
    const view = this.state.view;
    toolbar.sync(this.state, {
      dims: s ? s.volume.dims : null,
      autoAxis: s ? resolveDepthAxis(s.volume.dims, 'auto') : null,
      axisChoice: this.parts.state.axisSetting(),
      window: view === 'projection' ? this.projectionWindow : this.effectiveWindow(),
      layerCount: s ? s.layerCount : 0,
      has3d: views.gl.ok,
    });
    footer.sync(s, this.state.layer, view);
    const { root, viewport } = layout;
    viewport.classList.toggle('image', view !== '3d');
    notices.message(view === '3d' && !views.gl.ok ? noWebGlMessage(views.gl.reason) : null);
    if (views.gl.ok) layout.glCanvas.hidden = false;
    else layout.canvas2d.hidden = view === '3d';
    views.volume?.setActive(view === '3d');
    // Read by end-to-end tests that cannot reach the page's globals.
    root.dataset.texture = this.texture.built ? 'ready' : 'none';
    root.dataset.loaded = String(s !== null);
    if (this.errorText === null) delete root.dataset.error;
    else root.dataset.error = '';
  }

  /** The footer's value under the pointer in `view` (null: the pointer left the image). */
  showReadout(view: ViewKind, p: ImagePoint | null): void {
    this.parts.footer.readout(this.loadedVolume, view, p, {
      layer: this.state.layer,
      layerValues: this.layerImage?.values,
      projection: this.state.projection,
      projectionValues: this.projectionValues ?? undefined,
      projectionRange: this.state.range ?? [0, (this.loadedVolume?.layerCount ?? 1) - 1],
    });
  }

  private postStatus(): void {
    if (!this.loadedVolume) return;
    this.parts.post({
      type: 'status',
      layer: this.state.layer,
      layerCount: this.loadedVolume.layerCount,
      view: this.state.view,
    });
  }
}
