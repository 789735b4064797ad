/**
 * The round brush: paint or erase a disk, or a stroke (a disk dragged along a segment, so a fast
 * mouse leaves no gaps), on one layer. Positions are layer pixel coordinates (pixel centres at
 * whole numbers, fractions round to the nearest pixel); the brush may hang over the layer's edge.
 */
import type { Axis } from '../volume/volume';
import { EditRecorder, type LabelEdit } from './labelEdit';
import { checkLabel, LabelError, type LabelVolume } from './labelVolume';
import { layerVoxels } from './layerVoxels';

export interface BrushOptions {
  /**
   * Change only voxels that currently hold this label: 0 paints without covering other objects,
   * a label erases only that object. Default: every voxel under the brush.
   */
  only?: number;
}

/** A radius below half a pixel still paints a one-pixel-wide line. */
const MIN_RADIUS = 0.5;
const MAX_RADIUS = 4096;

export function paintDisk(
  labels: LabelVolume,
  axis: Axis,
  layer: number,
  cx: number,
  cy: number,
  radius: number,
  label: number,
  options: BrushOptions = {},
): LabelEdit | null {
  return paintStroke(labels, axis, layer, [cx, cy], [cx, cy], radius, label, options);
}

/** Sets the disk to background (0); with `only`, removes just that label. */
export function eraseDisk(
  labels: LabelVolume,
  axis: Axis,
  layer: number,
  cx: number,
  cy: number,
  radius: number,
  only?: number,
): LabelEdit | null {
  return paintStroke(labels, axis, layer, [cx, cy], [cx, cy], radius, 0, { only });
}

/** Paints every pixel whose centre lies within `radius` of the segment from → to. */
export function paintStroke(
  labels: LabelVolume,
  axis: Axis,
  layer: number,
  from: readonly [number, number],
  to: readonly [number, number],
  radius: number,
  label: number,
  options: BrushOptions = {},
): LabelEdit | null {
  checkLabel(label);
  if (options.only !== undefined) checkLabel(options.only, 'Brush "only" label');
  if (!(radius >= 0 && radius <= MAX_RADIUS)) {
    throw new LabelError(`Brush radius must be 0..${MAX_RADIUS} pixels; got ${radius}.`);
  }
  const points = [...from, ...to];
  if (!points.every(Number.isFinite)) {
    throw new LabelError(`Brush positions must be finite numbers; got ${points.join(', ')}.`);
  }
  const { width, height, base, strideX, strideY } = layerVoxels(labels.dims, axis, layer);
  const [x0, y0, x1, y1] = points.map(Math.round);
  const r = Math.max(radius, MIN_RADIUS);
  const r2 = r * r;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const xLo = Math.max(0, Math.floor(Math.min(x0, x1) - r));
  const xHi = Math.min(width - 1, Math.ceil(Math.max(x0, x1) + r));
  const yLo = Math.max(0, Math.floor(Math.min(y0, y1) - r));
  const yHi = Math.min(height - 1, Math.ceil(Math.max(y0, y1) + r));
  const data = labels.data;
  const only = options.only;
  const recorder = new EditRecorder();
  for (let y = yLo; y <= yHi; y++) {
    for (let x = xLo; x <= xHi; x++) {
      // Distance from the pixel centre to the nearest point of the segment.
      const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / len2));
      const ex = x - (x0 + t * dx);
      const ey = y - (y0 + t * dy);
      if (ex * ex + ey * ey > r2) continue;
      const v = base + x * strideX + y * strideY;
      const old = data[v];
      if (old === label || (only !== undefined && old !== only)) continue;
      recorder.add(v, old, label);
      data[v] = label;
    }
  }
  return recorder.finish(label === 0 ? 'erase' : 'paint', labels.dims, { axis, index: layer });
}
