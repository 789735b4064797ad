/**
 * Fill on one layer: the 4-connected region of pixels holding the clicked pixel's current label
 * takes the new label. 4-connectivity keeps a fill inside a region outlined by a one-pixel
 * 8-connected brush line, which an 8-connected fill would leak through at diagonals.
 */
import type { Axis } from '../volume/volume';
import { EditRecorder, type LabelEdit } from './labelEdit';
import { checkLabel, LabelError, type LabelVolume } from './labelVolume';
import { layerVoxels } from './layerVoxels';

export function floodFill(
  labels: LabelVolume,
  axis: Axis,
  layer: number,
  x: number,
  y: number,
  label: number,
): LabelEdit | null {
  checkLabel(label);
  const { width, height, base, strideX, strideY } = layerVoxels(labels.dims, axis, layer);
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= width || y >= height) {
    throw new LabelError(`Fill position (${x}, ${y}) is outside the ${width}×${height} layer.`);
  }
  const data = labels.data;
  const target = data[base + x * strideX + y * strideY];
  if (target === label) return null;
  const recorder = new EditRecorder();
  // Pixels are relabelled when pushed, so each is pushed at most once.
  const stack = new Int32Array(width * height);
  let top = 0;
  const visit = (px: number, py: number): void => {
    const v = base + px * strideX + py * strideY;
    if (data[v] !== target) return;
    recorder.add(v, target, label);
    data[v] = label;
    stack[top++] = px + width * py;
  };
  visit(x, y);
  while (top > 0) {
    const p = stack[--top];
    const px = p % width;
    const py = (p - px) / width;
    if (px > 0) visit(px - 1, py);
    if (px < width - 1) visit(px + 1, py);
    if (py > 0) visit(px, py - 1);
    if (py < height - 1) visit(px, py + 1);
  }
  return recorder.finish('fill', labels.dims, { axis, index: layer });
}
