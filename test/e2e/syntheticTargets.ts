/**
 * Where the e2e tests click in a synthetic volume: an object's layer and a pixel inside it near
 * its centre, with the object's 3D mask as ground truth. Dims are (x, y, layers), voxels in
 * NIfTI order (x fastest), as the generator writes them.
 */
import assert from 'node:assert/strict';

export interface Target {
  layer: number;
  x: number;
  y: number;
  /** The object, 1 inside, in the volume's voxel order. */
  truth: Uint8Array;
}

type Dims = readonly [number, number, number];

/** The vessel instance with the largest cross-section on one layer, clicked near its centroid. */
export function vesselTarget(labels: Uint16Array, dims: Dims): Target {
  const plane = dims[0] * dims[1];
  const counts = new Map<string, number>();
  labels.forEach((id, n) => {
    if (id === 0) return;
    const key = `${id}:${Math.floor(n / plane)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  assert.ok(best, 'the synthetic volume has vessels');
  const [id, layer] = best[0].split(':').map(Number) as [number, number];
  const truth = Uint8Array.from(labels, (v) => (v === id ? 1 : 0));
  return { layer, ...nearestCentroid(truth, layer, dims), truth };
}

/** The FAZ on its layer of largest area, clicked near its centroid. */
export function fazTarget(faz: Uint8Array, dims: Dims): Target {
  const plane = dims[0] * dims[1];
  const truth = Uint8Array.from(faz, (v) => (v > 0 ? 1 : 0));
  let layer = 0;
  let most = -1;
  for (let k = 0; k < dims[2]; k++) {
    const area = truth.subarray(k * plane, (k + 1) * plane).reduce((a, v) => a + v, 0);
    if (area > most) [layer, most] = [k, area];
  }
  assert.ok(most > 0, 'the synthetic volume has a FAZ');
  return { layer, ...nearestCentroid(truth, layer, dims), truth };
}

/** The pixel of a 0/1 mask's layer nearest that layer's centroid (a click inside the object). */
function nearestCentroid(truth: Uint8Array, layer: number, dims: Dims): { x: number; y: number } {
  const plane = dims[0] * dims[1];
  const pixels: [number, number][] = [];
  for (let p = 0; p < plane; p++) {
    if (truth[layer * plane + p] === 1) pixels.push([p % dims[0], Math.floor(p / dims[0])]);
  }
  const cx = pixels.reduce((s, p) => s + p[0], 0) / pixels.length;
  const cy = pixels.reduce((s, p) => s + p[1], 0) / pixels.length;
  const [x, y] = pixels.sort(
    (a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy),
  )[0]!;
  return { x, y };
}
