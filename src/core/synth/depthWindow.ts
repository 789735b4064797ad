/**
 * A window of consecutive depths of a generated volume: the generator makes the whole depth axis
 * (the retina's geometry is defined over it) and keeps only these layers, as OCTA-500's
 * layer-stack samples are windows of consecutive depths of a 640-layer scan.
 */

export interface DepthWindow {
  first: number;
  last: number;
  /** The window's size along depth. */
  layers: number;
  /**
   * The window's layers of a W×H×D array: a copy (so the full array can be freed), or the array
   * itself when the window is every layer (no second copy of a full-size volume).
   */
  keep<T extends Uint8Array | Uint16Array>(data: T): T;
}

export function depthWindow(
  dims: readonly [number, number, number],
  [first, last]: readonly [number, number],
): DepthWindow {
  const nxy = dims[0] * dims[1];
  const whole = first === 0 && last === dims[2] - 1;
  return {
    first,
    last,
    layers: last - first + 1,
    keep: (data) => (whole ? data : (data.slice(first * nxy, (last + 1) * nxy) as typeof data)),
  };
}

/** First and last layer with a non-zero voxel, or null when there is none. */
export function occupiedLayers(
  data: Uint8Array | Uint16Array,
  dims: readonly [number, number, number],
): [number, number] | null {
  const nxy = dims[0] * dims[1];
  let first = -1;
  let last = -1;
  for (let k = 0; k < dims[2]; k++) {
    const layer = data.subarray(k * nxy, (k + 1) * nxy);
    if (layer.some((v) => v !== 0)) {
      if (first < 0) first = k;
      last = k;
    }
  }
  return first < 0 ? null : [first, last];
}
