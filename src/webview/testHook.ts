/**
 * A read-only window into the editor for the headless-browser tests and the benchmark, installed
 * only when the page asks for it (the test harness sets `window.__samOcta2EnableTestHook` before
 * the bundle loads; VS Code's page never does):
 *
 *   window.__samOcta2Test = {
 *     state()                  → AppSnapshot (view, layer, layerCount, depthAxis, window, …)
 *     imageToViewport(x, y)    → viewport CSS px of image point (x, y) in the layer/projection view
 *     renderedPixel(sx, sy)    → [r, g, b, a] the active view draws at viewport point (sx, sy)
 *     textureReady()           → Promise, resolves when the 3D texture for the current window exists
 *     tracking()               → TrackingSnapshot (model, backend, objects' mask areas per layer, …)
 *     buildSurfaces()          → builds the 3D object surfaces now (the view waits for idle)
 *     mask(objectId, layer)    → that object's mask on that layer as 0/1 numbers, or null
 *     brush()                  → BrushSnapshot (tool, target, radius, annotated layers, region
 *                                voxels per layer, …)
 *     regionMask(layer)        → the vessel region on that layer (view axis) as 0/1 numbers
 *     measures()               → MeasuresSnapshot (state, status, rows, grid shown)
 *   }
 *
 * Viewport coordinates are relative to the `.viewport` element's top-left corner.
 */
import type { ValueWindow } from '../core/volume/window';
import type { Axis } from '../core/volume/volume';
import type { ViewKind } from '../protocol/editorMessages';
import type { BrushController } from './brush/brushController';
import type { BrushSnapshot } from './brush/brushSnapshot';
import type { EditorViews } from './editorViews';
import type { ImagePoint } from './imageView';
import type { MeasuresController, MeasuresSnapshot } from './measures/measuresController';
import type { TrackingController } from './tracking/trackingController';
import type { TrackingSnapshot } from './tracking/trackingSnapshot';
import type { ViewController } from './viewController';
import type { ViewStateStore } from './viewStateStore';

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

/** The parts of the editor the hook reads (the app's). */
export interface TestedParts {
  readonly state: ViewStateStore;
  readonly controller: ViewController;
  readonly views: EditorViews;
  readonly tracking: TrackingController;
  readonly brush: BrushController;
  readonly measures: MeasuresController;
}

export interface SamOcta2TestHook {
  state(): AppSnapshot;
  imageToViewport(x: number, y: number): ImagePoint | null;
  renderedPixel(sx: number, sy: number): [number, number, number, number];
  textureReady(): Promise<void>;
  tracking(): TrackingSnapshot;
  buildSurfaces(): void;
  mask(objectId: number, layer: number): number[] | null;
  brush(): BrushSnapshot;
  regionMask(layer: number): number[] | null;
  measures(): MeasuresSnapshot;
}

declare global {
  interface Window {
    __samOcta2EnableTestHook?: boolean;
    __samOcta2Test?: SamOcta2TestHook;
  }
}

export function installTestHook(parts: TestedParts): void {
  if (window.__samOcta2EnableTestHook !== true) return;
  const { controller, views, tracking, brush } = parts;
  window.__samOcta2Test = Object.freeze({
    state: () => snapshot(parts),
    imageToViewport: (x: number, y: number) => views.imageToViewport(x, y),
    renderedPixel: (sx: number, sy: number) => views.readPixel(sx, sy),
    textureReady: () => (views.gl.ok ? controller.texture.whenReady() : Promise.resolve()),
    tracking: () => tracking.snapshot(),
    buildSurfaces: () => tracking.buildSurfaces(),
    mask: (objectId: number, layer: number) => tracking.mask(objectId, layer),
    brush: () => brush.snapshot(),
    regionMask: (layer: number) => brush.regionMask(layer),
    measures: () => parts.measures.snapshot(),
  });
}

function snapshot({ state, controller, views }: TestedParts): AppSnapshot {
  const s = controller.volume;
  const built = controller.texture.built;
  return {
    view: state.current.view,
    layer: state.current.layer,
    layerCount: s ? s.layerCount : 0,
    depthAxis: s ? s.axis : null,
    window: controller.effectiveWindow(),
    range: state.current.range,
    loaded: s !== null,
    error: controller.error,
    webgl: views.gl.ok,
    texture: built && { dims: built.texture.dims, downsampled: built.texture.downsampled },
  };
}
