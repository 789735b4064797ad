/**
 * En-face layers: 2D slices across the depth axis. A layer is an image of width × height pixels
 * stored row-major (pixel (x, y) at x + width * y). Its two axes are the volume's remaining axes
 * in increasing order, the lower one across (width) and the higher one down (height):
 *   depth k → width = i (nx), height = j (ny)
 *   depth j → width = i (nx), height = k (nz)
 *   depth i → width = j (ny), height = k (nz)
 * so for the usual depth k, layer pixel (x, y) is voxel (i = x, j = y).
 */
import type { Axis, Volume } from './volume';

type Dims = readonly [number, number, number];

/**
 * `auto`: when exactly two axes are equally long, the third one (OCTA en-face fields are square,
 * so this is depth both for a 400×400×640 scan and for a 512×512×11 stack of en-face layers);
 * otherwise the longest axis, ties going to the highest (k, then j).
 */
export function resolveDepthAxis(dims: Dims, setting: 'auto' | Axis): Axis {
  if (setting !== 'auto') return setting;
  const [a, b, c] = dims;
  if (a === b && b !== c) return 2;
  if (a === c && c !== b) return 1;
  if (b === c && c !== a) return 0;
  let best: Axis = 2;
  for (const axis of [1, 0] as const) {
    if (dims[axis] > dims[best]) best = axis;
  }
  return best;
}

/** The two array axes a layer shows, as [across (width), down (height)]. */
export function layerAxes(axis: Axis): [Axis, Axis] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

export function layerShape(dims: Dims, axis: Axis): { width: number; height: number } {
  const [across, down] = layerAxes(axis);
  return { width: dims[across], height: dims[down] };
}

export function layerCount(dims: Dims, axis: Axis): number {
  return dims[axis];
}

/**
 * Copies layer `index` along `axis` into `out` (allocated when absent or of the wrong size).
 * This is the layer-stepping hot path: contiguous runs are block-copied, only depth i strides.
 */
export function extractLayer(
  volume: Volume,
  axis: Axis,
  index: number,
  out?: Float32Array,
): Float32Array {
  const [nx, ny, nz] = volume.dims;
  checkIndex(volume.dims, axis, index);
  const { width, height } = layerShape(volume.dims, axis);
  const layer = out && out.length === width * height ? out : new Float32Array(width * height);
  const data = volume.data;
  if (axis === 2) {
    const start = nx * ny * index;
    layer.set(data.subarray(start, start + nx * ny));
  } else if (axis === 1) {
    for (let k = 0; k < nz; k++) {
      const start = nx * (index + ny * k);
      layer.set(data.subarray(start, start + nx), nx * k);
    }
  } else {
    let at = 0;
    for (let k = 0; k < nz; k++) {
      let src = index + nx * ny * k;
      for (let j = 0; j < ny; j++, src += nx) layer[at++] = data[src];
    }
  }
  return layer;
}

/** Depth of layer `index` in mm from the first layer (index × voxel size along the axis). */
export function layerDepthMm(volume: Volume, axis: Axis, index: number): number {
  return index * volume.spacingMm[axis];
}

/** Voxel (i, j, k) shown at layer pixel (x, y) of layer `index` along `axis`. */
export function layerPixelToVoxel(
  axis: Axis,
  index: number,
  x: number,
  y: number,
): [number, number, number] {
  return axis === 2 ? [x, y, index] : axis === 1 ? [x, index, y] : [index, x, y];
}

function checkIndex(dims: Dims, axis: Axis, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= dims[axis]) {
    throw new RangeError(
      `Layer ${index} is outside 0..${dims[axis] - 1} along axis ${'ijk'[axis]}.`,
    );
  }
}
