/**
 * Where a 2D image sits in its viewport: pure math shared by the WebGL and the canvas image
 * views, so zoom, pan and pointer picking agree wherever the image is drawn.
 *
 * Image coordinates: x to the right, y down, in pixels; a pixel is `aspect` times as tall as it
 * is wide (physical spacing), so anisotropic layers keep their true shape.
 * Screen coordinates: CSS pixels from the viewport's top-left corner.
 */
export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface PanZoom {
  /** CSS pixels per image pixel, horizontally. */
  readonly scale: number;
  /** Screen position of the image's top-left corner. */
  readonly offsetX: number;
  readonly offsetY: number;
}

const MIN_SCALE = 1 / 64;
const MAX_SCALE = 256;
/** Margin left around a fitted image, as a fraction of the viewport. */
const FIT_MARGIN = 0.04;

export function fitImage(image: Size, aspect: number, viewport: Size): PanZoom {
  const shownHeight = image.height * aspect;
  const scale = clampScale(
    Math.min(viewport.width / image.width, viewport.height / shownHeight) * (1 - FIT_MARGIN),
  );
  return {
    scale,
    offsetX: (viewport.width - image.width * scale) / 2,
    offsetY: (viewport.height - shownHeight * scale) / 2,
  };
}

/** Zooms by `factor` keeping the image point under (sx, sy) where it is. */
export function zoomAround(pz: PanZoom, sx: number, sy: number, factor: number): PanZoom {
  const scale = clampScale(pz.scale * factor);
  const k = scale / pz.scale;
  return { scale, offsetX: sx - (sx - pz.offsetX) * k, offsetY: sy - (sy - pz.offsetY) * k };
}

export function panBy(pz: PanZoom, dx: number, dy: number): PanZoom {
  return { scale: pz.scale, offsetX: pz.offsetX + dx, offsetY: pz.offsetY + dy };
}

/** Keeps the image point at the old viewport's centre at the new one's centre. */
export function recenter(pz: PanZoom, before: Size, after: Size): PanZoom {
  return panBy(pz, (after.width - before.width) / 2, (after.height - before.height) / 2);
}

export function screenToImage(
  pz: PanZoom,
  aspect: number,
  sx: number,
  sy: number,
): { x: number; y: number } {
  return { x: (sx - pz.offsetX) / pz.scale, y: (sy - pz.offsetY) / (pz.scale * aspect) };
}

export function imageToScreen(
  pz: PanZoom,
  aspect: number,
  x: number,
  y: number,
): { x: number; y: number } {
  return { x: pz.offsetX + x * pz.scale, y: pz.offsetY + y * pz.scale * aspect };
}

function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}
