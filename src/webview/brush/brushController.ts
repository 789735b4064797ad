/**
 * The brush tools on the layer view (issue 6): turns pointer input in the Paint, Erase and Fill
 * tools and the Clear-layer button into label edits on the current layer, for the vessel region
 * or one tracked object, and reports each (one per stroke) to the host as an undoable edit:
 * `regionEdit` for the region, a 'brush' TrackingEdit (through the tracking controller) for an
 * object. Keeps the webview's copy of the region annotation in step with the host's
 * (`regions`, `applyRegionEdit`) and draws it, with the brush ring, over the layer view.
 * On the projection view the same tools paint the en-face RV annotation instead (one plane in
 * the volume's x-y plane, so only while the depth axis is k), posted as `enfaceRvEdit`.
 */
import type { MessageTable } from '../messageTable';
import type { LabelEdit } from '../../core/labels/labelEdit';
import type { Axis, Volume } from '../../core/volume/volume';
import type { Group } from 'three';
import type { FromWebviewMessage, ToWebviewMessage, ViewKind } from '../../protocol/editorMessages';
import type { ImagePoint } from '../imageView';
import type { ObjectMaskEdit } from '../tracking/trackingController';
import type { EditorFeature } from '../editorFeature';
import { BrushPanel } from './brushPanel';
import type { BrushSnapshot } from './brushSnapshot';
import { BRUSH_STYLES } from './brushStyles';
import {
  DEFAULT_RADIUS,
  clampRadius,
  isStrokeTool,
  stepRadius,
  type BrushTarget,
  type BrushTool,
} from './brushTools';
import { EnfaceRvMirror } from './enfaceRvMirror';
import { LayerStroke, clearMask, fillLayer } from './layerStroke';
import { RegionMirror } from './regionMirror';
import { REGION_COLOR, RegionOverlay } from './regionOverlay';

export interface BrushHost {
  post(message: FromWebviewMessage): void;
  /** A redraw is needed. */
  changed(): void;
  /** The shown view's pixel at a viewport point, or null outside the image. */
  pixelAt(sx: number, sy: number): ImagePoint | null;
  /** The tool or radius changed (the host keeps them across hiding the tab). */
  settingsChanged(settings: { tool: BrushTool; radius: number }): void;
}

/** What the brush needs of the tracking controller. */
export interface BrushObjects {
  objectList(): { id: number; name: string; color: string }[];
  /** The tracking row's one picker: the selected object, or null for the vessel region. */
  readonly selectedObject: number | null;
  beginMaskEdit(objectId: number, layer: number, size: number): ObjectMaskEdit | null;
}

interface Shown {
  layer: number;
  width: number;
  height: number;
  aspect: number;
}

interface ActiveStroke {
  readonly stroke: LayerStroke;
  readonly layer: number;
  readonly object: ObjectMaskEdit | null;
}

const hex = (rgb: readonly number[]): string =>
  `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const REGION_HEX = hex(REGION_COLOR);
/** The en-face RV's colour on the projection view, apart from the region's. */
const ENFACE_RV_COLOR: readonly [number, number, number] = [255, 64, 160];
/** The layer index an en-face stroke is kept under (it is on no layer). */
const PROJECTION = -1;

export class BrushController implements EditorFeature {
  readonly panel: BrushPanel;
  private tool: BrushTool = 'prompt';
  private target: BrushTarget = 'region';
  private radius = DEFAULT_RADIUS;
  private readonly mirror: RegionMirror;
  private shown: Shown = { layer: 0, width: 0, height: 0, aspect: 1 };
  private readonly overlay: RegionOverlay | null;
  private active: ActiveStroke | null = null;
  private hover: ImagePoint | null = null;
  private note = '';
  private objectEdits = 0;
  private readonly rv: EnfaceRvMirror;
  private readonly rvOverlay: RegionOverlay | null;
  private view: ViewKind = 'layer';
  private projection: Shown = { layer: PROJECTION, width: 0, height: 0, aspect: 1 };
  private depthAxis: Axis = 2;

  constructor(
    private readonly host: BrushHost,
    private readonly objects: BrushObjects,
    layerOverlay: Group | null,
    projectionOverlay: Group | null = null,
    initial: { tool: BrushTool; radius: number } | null = null,
  ) {
    adoptStyles();
    if (initial) {
      this.tool = initial.tool;
      this.radius = clampRadius(initial.radius);
    }
    this.mirror = new RegionMirror((m) => host.post(m));
    this.overlay = layerOverlay ? new RegionOverlay(layerOverlay) : null;
    this.rv = new EnfaceRvMirror((m) => host.post(m));
    this.rvOverlay = projectionOverlay
      ? new RegionOverlay(projectionOverlay, ENFACE_RV_COLOR)
      : null;
    this.panel = new BrushPanel({
      tool: (tool) => this.setTool(tool),
      radius: (radius) => this.setRadius(radius),
      clearLayer: () => this.clearLayer(),
    });
    this.sync();
  }

  /** Clicks on the layer view are point prompts only in the Prompt tool. */
  get allowsPrompts(): boolean {
    return this.tool === 'prompt';
  }

  // ---- host messages ----

  /** `regions` and `applyRegionEdit`; false for other messages. */
  /** The region and en-face RV messages: mirrored, then redrawn. */
  registerMessages(table: MessageTable): void {
    const mirrored = (mirror: { handle(message: ToWebviewMessage): boolean }) => {
      return (message: ToWebviewMessage) => {
        mirror.handle(message);
        this.redraw();
      };
    };
    table.on('regions', mirrored(this.mirror));
    table.on('applyRegionEdit', mirrored(this.mirror));
    table.on('enfaceRv', mirrored(this.rv));
    table.on('applyEnfaceRvEdit', mirrored(this.rv));
  }

  private get regions() {
    return this.mirror.regions;
  }

  // ---- from the app ----

  volumeOpened(volume: Volume, axis: Axis): void {
    this.active = null;
    this.mirror.volumeOpened(volume.dims, axis);
    this.rv.volumeOpened(volume.dims);
    this.depthAxis = axis;
    this.redraw();
  }

  axisChanged(_volume: Volume, axis: Axis): void {
    this.active = null;
    this.mirror.axisChanged(axis);
    this.depthAxis = axis;
    this.redraw();
  }

  showLayer(layer: number, width: number, height: number, aspect: number): void {
    this.shown = { layer, width, height, aspect };
    this.redraw();
  }

  /** The projection view shows a W×H image (the layers' shape along the depth axis); the en-face
   * RV covers every layer, whatever range the projection spans. */
  showProjection(_from: number, _to: number, width: number, height: number, aspect: number): void {
    this.projection = { layer: PROJECTION, width, height, aspect };
    this.redraw();
  }

  /** Layer view: the region or an object; projection view: the en-face RV; 3D: nothing. */
  viewChanged(view: ViewKind): void {
    if (this.active) this.up();
    this.view = view;
    this.setNote('');
    this.redraw();
  }

  /** The image the brush works on now. */
  private get here(): Shown {
    return this.view === 'projection' ? this.projection : this.shown;
  }

  /**
   * The tracked objects or the selection changed. One notion of "what I am editing" (issue 16,
   * item 5): the brush paints what the tracking row's one picker shows, the selected object or,
   * with none selected, the vessel region.
   */
  objectsChanged(): void {
    this.target = this.objects.selectedObject ?? 'region';
    this.sync();
  }

  /** `[` (-1) or `]` (+1); false when the keys mean nothing now. */
  radiusKey(direction: -1 | 1): boolean {
    if (!this.regions) return false;
    this.setRadius(stepRadius(this.radius, direction));
    return true;
  }

  // ---- pointer input (viewportInput's PointerTool) ----

  /** The layer view's left button belongs to the tool (not panning, not prompts). */
  get takesPointer(): boolean {
    return this.tool !== 'prompt' && this.regions !== null && this.view !== '3d';
  }

  down(sx: number, sy: number): boolean {
    const p = this.host.pixelAt(sx, sy);
    if (!p) return false;
    if (this.tool === 'fill') {
      this.fill(p);
      return false;
    }
    if (!isStrokeTool(this.tool)) return false;
    const start = this.begin();
    if (!start) return false;
    this.active = {
      stroke: new LayerStroke(
        start.mask,
        this.here.width,
        this.here.height,
        this.tool === 'erase',
        this.radius,
      ),
      layer: this.here.layer,
      object: start.object,
    };
    if (this.active.stroke.to(p.x, p.y)) this.changedMask();
    return true;
  }

  move(sx: number, sy: number): void {
    const p = this.host.pixelAt(sx, sy);
    this.setHover(p);
    const a = this.active;
    if (a && p && a.layer === this.here.layer && a.stroke.to(p.x, p.y)) this.changedMask();
  }

  up(): void {
    const a = this.active;
    this.active = null;
    if (!a) return;
    const verb = this.tool === 'erase' ? 'Erase' : 'Paint';
    this.finish(a.layer, a.object, a.stroke.finish(), verb);
  }

  leave(): void {
    this.setHover(null);
  }

  // ---- actions ----

  private fill(p: ImagePoint): void {
    const start = this.begin();
    if (!start) return;
    const { width, height, layer } = this.here;
    this.finish(layer, start.object, fillLayer(start.mask, width, height, p.x, p.y), 'Fill');
  }

  private clearLayer(): void {
    const start = this.begin();
    if (!start) return;
    const { width, height, layer } = this.here;
    this.finish(layer, start.object, clearMask(start.mask, width, height), 'Clear');
  }

  /** The mask an edit of the current layer changes, or null (with a note why not). */
  private begin(): { mask: Uint8Array; object: ObjectMaskEdit | null } | null {
    const regions = this.regions;
    if (this.view === 'projection') return this.beginEnface();
    const { layer, width, height } = this.shown;
    if (!regions || width * height === 0) return null;
    if (this.target !== 'region') {
      const object = this.objects.beginMaskEdit(this.target, layer, width * height);
      if (!object) this.setNote('That object cannot be edited now (it is being tracked).');
      return object && { mask: object.mask, object };
    }
    if (!regions.loaded) {
      this.setNote('The vessel regions are still loading.');
      return null;
    }
    if (!regions.paintable) {
      const axis = 'ijk'[regions.axis];
      this.setNote(`Regions are annotated along axis ${axis}: switch the depth axis to ${axis}.`);
      return null;
    }
    return { mask: regions.ensureMask(layer), object: null };
  }

  /** The en-face RV plane, when the projection shows it (depth axis k). */
  private beginEnface(): { mask: Uint8Array; object: null } | null {
    const mask = this.rv.mask;
    const { width, height } = this.projection;
    if (!mask || width * height === 0) return null;
    if (!this.rv.loaded) {
      this.setNote('The en-face RV annotation is still loading.');
      return null;
    }
    if (this.depthAxis !== 2 || width !== this.rv.width || height !== this.rv.height) {
      this.setNote('The en-face RV is drawn in the x-y plane: switch the depth axis to k.');
      return null;
    }
    return { mask, object: null };
  }

  private finish(
    layer: number,
    object: ObjectMaskEdit | null,
    edit: LabelEdit | null,
    verb: string,
  ): void {
    if (object) {
      const name = this.objects.objectList().find((o) => o.id === this.target)?.name ?? 'object';
      object.commit(`${verb} ${name} on layer ${layer}`);
      if (edit) this.objectEdits++;
      return;
    }
    if (layer === PROJECTION) this.rv.commit(edit, `${verb} en-face RV`);
    else this.mirror.commit(layer, edit, `${verb} region on layer ${layer}`);
    this.redraw();
  }

  // ---- settings ----

  private setTool(tool: BrushTool): void {
    if (this.active) this.up();
    this.tool = tool;
    this.setNote('');
    this.host.settingsChanged({ tool: this.tool, radius: this.radius });
  }

  private setRadius(radius: number): void {
    this.radius = clampRadius(radius);
    this.drawCursor();
    this.sync();
    this.host.settingsChanged({ tool: this.tool, radius: this.radius });
  }

  // ---- drawing ----

  private changedMask(): void {
    if (this.active?.object) this.active.object.redraw();
    else this.redraw();
  }

  private setHover(p: ImagePoint | null): void {
    this.hover = p;
    this.drawCursor();
  }

  private drawCursor(): void {
    if (!this.overlay) return;
    const show = this.tool !== 'prompt' && this.tool !== 'fill' ? this.hover : null;
    const onProjection = this.view === 'projection';
    const color = onProjection
      ? hex(ENFACE_RV_COLOR)
      : this.target === 'region'
        ? REGION_HEX
        : (this.objects.objectList().find((o) => o.id === this.target)?.color ?? '#ffffff');
    this.overlay.setCursorColor(color);
    this.overlay.setCursor(onProjection ? null : show, this.radius, this.shown.aspect);
    this.rvOverlay?.setCursorColor(color);
    this.rvOverlay?.setCursor(onProjection ? show : null, this.radius, this.projection.aspect);
    this.host.changed();
  }

  private redraw(): void {
    const { layer, width, height, aspect } = this.shown;
    this.overlay?.setMask(this.regions?.mask(layer) ?? null, width, height, aspect);
    const p = this.projection;
    this.rvOverlay?.setMask(
      this.depthAxis === 2 ? this.rv.mask : null,
      p.width,
      p.height,
      p.aspect,
    );
    this.sync();
    this.host.changed();
  }

  private setNote(note: string): void {
    this.note = note;
    this.drawCursor();
    this.sync();
  }

  private status(): string {
    if (this.note) return this.note;
    if (this.view === 'projection') return `En-face RV · ${this.rv.pixels().length} px`;
    const r = this.regions;
    if (!r || this.target !== 'region') return '';
    const layer = this.shown.layer;
    const area = r.area(layer);
    if (r.isAnnotated(layer)) return `Layer ${layer} annotated · region ${area} px`;
    return `Layer ${layer} not annotated${area ? ` · region ${area} px` : ''}`;
  }

  private sync(): void {
    this.panel.sync({
      tool: this.tool,
      target: this.target,
      radius: this.radius,
      status: this.status(),
    });
  }

  // ---- tests ----

  snapshot(): BrushSnapshot {
    const r = this.regions;
    return {
      tool: this.tool,
      target: this.target,
      radius: this.radius,
      regionsLoaded: r?.loaded ?? false,
      regionAxis: r?.axis ?? 2,
      annotatedLayers: r ? [...r.layers] : [],
      regionLayers: r?.areas() ?? {},
      edits: this.mirror.posted + this.objectEdits + this.rv.posted,
      enfaceRv: this.rv.pixels(),
      status: this.status(),
    };
  }

  /** The region on a layer (view axis) as 0/1 values, or null before the volume. */
  regionMask(layer: number): number[] | null {
    const r = this.regions;
    if (!r || layer < 0 || layer >= r.dims[r.layerAxis]) return null;
    return Array.from(r.mask(layer) ?? new Uint8Array(r.layerSize));
  }
}

function adoptStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(BRUSH_STYLES);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
