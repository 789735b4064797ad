/**
 * Mean and max projections over a depth range, like OCTA-500's ILM_OPL and OPL_BM maps. The
 * result has the shape and pixel order of extractLayer along the same axis.
 */
import { extractLayer, layerShape } from './layers';
import type { Axis, Volume } from './volume';

export type ProjectionMode = 'mean' | 'max';

/** Projects layers from..to (inclusive, in either order, clamped to the volume) along `axis`. */
export function projectRange(
  volume: Volume,
  axis: Axis,
  from: number,
  to: number,
  mode: ProjectionMode,
): Float32Array {
  const last = volume.dims[axis] - 1;
  const first = clampLayer(Math.min(from, to), last);
  const end = clampLayer(Math.max(from, to), last);
  const { width, height } = layerShape(volume.dims, axis);
  const layer = new Float32Array(width * height);
  if (mode === 'max') {
    const out = extractLayer(volume, axis, first);
    for (let index = first + 1; index <= end; index++) {
      extractLayer(volume, axis, index, layer);
      for (let p = 0; p < out.length; p++) if (layer[p] > out[p]) out[p] = layer[p];
    }
    return out;
  }
  // Float64 sums keep a 640-layer mean of large values exact to float32 precision.
  const sum = new Float64Array(width * height);
  for (let index = first; index <= end; index++) {
    extractLayer(volume, axis, index, layer);
    for (let p = 0; p < sum.length; p++) sum[p] += layer[p];
  }
  const out = new Float32Array(width * height);
  const n = end - first + 1;
  for (let p = 0; p < out.length; p++) out[p] = sum[p] / n;
  return out;
}

function clampLayer(index: number, last: number): number {
  if (!Number.isFinite(index)) return index > 0 ? last : 0;
  return Math.min(last, Math.max(0, Math.round(index)));
}
