/**
 * Where the tracked objects are drawn: their masks and prompt points over the layer view, their
 * en-face footprint (the union over the projected range) over the projection view, and their
 * surfaces in the 3D view, rebuilt lazily while that view is shown.
 */
import type { Group } from 'three';
import type { ViewKind } from '../../protocol/editorMessages';
import { MaskOverlay, type ColoredMask, type ColoredShape, type MarkerPoint } from './maskOverlay';
import { ObjectSurfaces } from './objectSurfaces';
import type { PromptShape } from '../../core/tracker/promptShapes';
import { pointsOn, shapesOn, type MaskGeometry, type TrackedObject } from './trackedObjects';

export interface ViewTargets {
  readonly layerOverlay: Group | null;
  readonly projectionOverlay: Group | null;
  readonly surfaceRoot: Group | null;
}

export interface ViewSources {
  objects(): Iterable<TrackedObject>;
  geometry(): MaskGeometry | null;
  /** A redraw is needed. */
  changed(): void;
}

interface Shown {
  width: number;
  height: number;
  aspect: number;
}

/** Wait after the last mask change before re-meshing (propagation changes a layer at a time). */
const SURFACE_DELAY_MS = 250;

export class TrackingViews {
  private readonly layerMasks: MaskOverlay | null;
  private readonly footprint: MaskOverlay | null;
  private readonly surfaces: ObjectSurfaces | null;
  private layer = 0;
  private layerShape: Shown = { width: 0, height: 0, aspect: 1 };
  private projection: (Shown & { from: number; to: number }) | null = null;
  private view: ViewKind = 'layer';
  private surfacesDirty = true;
  private surfaceTimer: number | undefined;
  /** The shape being drawn (promptShapeTool.ts), shown in white until it is released. */
  private draft: PromptShape | null = null;

  constructor(
    targets: ViewTargets,
    private readonly sources: ViewSources,
  ) {
    this.layerMasks = targets.layerOverlay ? new MaskOverlay(targets.layerOverlay) : null;
    this.footprint = targets.projectionOverlay ? new MaskOverlay(targets.projectionOverlay) : null;
    this.surfaces = targets.surfaceRoot ? new ObjectSurfaces(targets.surfaceRoot) : null;
  }

  get surfaceStats(): { surfaces: number; triangles: number } {
    return this.surfaces?.stats ?? { surfaces: 0, triangles: 0 };
  }

  showLayer(layer: number, shape: Shown): void {
    this.layer = layer;
    this.layerShape = shape;
    this.drawLayer();
  }

  showProjection(from: number, to: number, shape: Shown): void {
    this.projection = { from, to, ...shape };
    this.drawFootprint();
  }

  viewChanged(view: ViewKind): void {
    this.view = view;
    if (view === '3d') this.scheduleSurfaces(0);
  }

  setDraft(shape: PromptShape | null): void {
    this.draft = shape;
    this.drawLayer();
  }

  setOpacity(value: number): void {
    this.layerMasks?.setOpacity(value);
    this.footprint?.setOpacity(value);
    this.sources.changed();
  }

  /** Before a 2D view draws: markers keep their on-screen size at any zoom. */
  beforeDraw(scale: number): void {
    this.layerMasks?.setZoom(scale);
  }

  /** Prompts or masks changed: redraw what is shown, re-mesh later. */
  objectsChanged(): void {
    this.drawLayer();
    this.drawFootprint();
    this.surfacesDirty = true;
    if (this.view === '3d') this.scheduleSurfaces(SURFACE_DELAY_MS);
  }

  buildSurfaces(): void {
    window.clearTimeout(this.surfaceTimer);
    const geo = this.sources.geometry();
    if (geo) this.surfaces?.rebuild(this.sources.objects(), geo);
    this.surfacesDirty = false;
    this.sources.changed();
  }

  private drawLayer(): void {
    const overlay = this.layerMasks;
    if (!overlay) return;
    const { width, height, aspect } = this.layerShape;
    const masks: ColoredMask[] = [];
    const points: MarkerPoint[] = [];
    const shapes: ColoredShape[] = [];
    for (const o of this.sources.objects()) {
      const mask = o.masks.get(this.layer);
      if (mask && mask.length === width * height) masks.push({ mask, color: o.color });
      for (const p of pointsOn(o, this.layer)) points.push({ ...p, color: o.color });
      for (const shape of shapesOn(o, this.layer)) shapes.push({ shape, color: o.color });
    }
    if (this.draft) shapes.push({ shape: this.draft, color: '#ffffff' });
    overlay.setMasks(masks, width, height, aspect);
    overlay.setPoints(points);
    overlay.setShapes(shapes);
    this.sources.changed();
  }

  /** The union of each object's masks over the projected range, in its colour. */
  private drawFootprint(): void {
    const p = this.projection;
    if (!this.footprint || !p || this.view !== 'projection') return;
    const size = p.width * p.height;
    const masks: ColoredMask[] = [];
    for (const o of this.sources.objects()) {
      const union = new Uint8Array(size);
      let any = false;
      for (const [layer, mask] of o.masks) {
        if (layer < p.from || layer > p.to || mask.length !== size) continue;
        any = true;
        for (let i = 0; i < size; i++) union[i] |= mask[i] ?? 0;
      }
      if (any) masks.push({ mask: union, color: o.color });
    }
    this.footprint.setMasks(masks, p.width, p.height, p.aspect);
    this.sources.changed();
  }

  private scheduleSurfaces(delayMs: number): void {
    if (!this.surfaces || !this.surfacesDirty) return;
    window.clearTimeout(this.surfaceTimer);
    this.surfaceTimer = window.setTimeout(() => this.buildSurfaces(), delayMs);
  }
}
