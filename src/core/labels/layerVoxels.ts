/**
 * Layer pixel (x, y) → voxel index as base + x·strideX + y·strideY, the same mapping as
 * layerPixelToVoxel (layers.ts), so label edits touch exactly the voxels the layer view shows.
 */
import { layerShape } from '../volume/layers';
import type { Axis } from '../volume/volume';
import { LabelError, type LabelVolume } from './labelVolume';

export interface LayerVoxels {
  width: number;
  height: number;
  base: number;
  strideX: number;
  strideY: number;
}

export function layerVoxels(
  dims: readonly [number, number, number],
  axis: Axis,
  layer: number,
): LayerVoxels {
  if (axis !== 0 && axis !== 1 && axis !== 2) {
    throw new LabelError(`Axis must be 0 (i), 1 (j) or 2 (k); got ${String(axis)}.`);
  }
  if (!Number.isInteger(layer) || layer < 0 || layer >= dims[axis]) {
    throw new LabelError(
      `Layer ${layer} is outside 0..${dims[axis] - 1} along axis ${'ijk'[axis]}.`,
    );
  }
  const { width, height } = layerShape(dims, axis);
  const [nx, ny] = dims;
  if (axis === 2) return { width, height, base: nx * ny * layer, strideX: 1, strideY: nx };
  if (axis === 1) return { width, height, base: nx * layer, strideX: 1, strideY: nx * ny };
  return { width, height, base: layer, strideX: nx, strideY: nx * ny };
}

/** 1 where the layer's label equals `label` (any non-zero label when absent), else 0. */
export function layerMask(
  labels: LabelVolume,
  axis: Axis,
  layer: number,
  label?: number,
): Uint8Array {
  const { width, height, base, strideX, strideY } = layerVoxels(labels.dims, axis, layer);
  const mask = new Uint8Array(width * height);
  const data = labels.data;
  for (let y = 0, p = 0; y < height; y++) {
    let v = base + y * strideY;
    for (let x = 0; x < width; x++, p++, v += strideX) {
      const value = data[v];
      mask[p] = label === undefined ? (value !== 0 ? 1 : 0) : value === label ? 1 : 0;
    }
  }
  return mask;
}
