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
import type { App, AppSnapshot } from './app';
import type { ImagePoint } from './imageView';
import type { TrackingSnapshot } from './tracking/trackingSnapshot';
import type { BrushSnapshot } from './brush/brushSnapshot';
import type { MeasuresSnapshot } from './measures/measuresController';

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

export function installTestHook(app: App): void {
  if (window.__samOcta2EnableTestHook !== true) return;
  window.__samOcta2Test = Object.freeze({
    state: () => app.snapshot(),
    imageToViewport: (x: number, y: number) => app.imageToViewport(x, y),
    renderedPixel: (sx: number, sy: number) => app.readPixel(sx, sy),
    textureReady: () => app.whenTextureReady(),
    tracking: () => app.tracking.snapshot(),
    buildSurfaces: () => app.tracking.buildSurfaces(),
    mask: (objectId: number, layer: number) => app.tracking.mask(objectId, layer),
    brush: () => app.brush.snapshot(),
    regionMask: (layer: number) => app.brush.regionMask(layer),
    measures: () => app.measures.snapshot(),
  });
}
