/**
 * Where each vessel can be found layer by layer: the layers it reaches, the layer where its
 * cross-section is largest, and a point well inside it (the pixel farthest from its edge), which
 * is where a test or a demo should click to prompt the tracker.
 */
import { chamferDistance } from '../labels/chamferDistance';

export interface VesselLayerStats {
  id: number;
  voxels: number;
  /** First and last layer (k) holding this vessel. */
  layers: [number, number];
  /** Layer with the most pixels of this vessel. */
  bestLayer: number;
  /** [i, j, k]: a pixel deep inside the vessel on bestLayer. */
  point: [number, number, number];
}

export function vesselLayerStats(
  labels: Uint16Array,
  dims: readonly [number, number, number],
  count: number,
): VesselLayerStats[] {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const perLayer = new Int32Array((count + 1) * nz);
  for (let k = 0; k < nz; k++) {
    const base = nxy * k;
    for (let col = 0; col < nxy; col++) {
      const id = labels[base + col];
      if (id !== 0) perLayer[id * nz + k]++;
    }
  }
  const stats: VesselLayerStats[] = [];
  for (let id = 1; id <= count; id++) {
    let first = -1;
    let last = -1;
    let best = 0;
    let voxels = 0;
    for (let k = 0; k < nz; k++) {
      const n = perLayer[id * nz + k];
      if (n === 0) continue;
      voxels += n;
      if (first < 0) first = k;
      last = k;
      if (n > perLayer[id * nz + best]) best = k;
    }
    if (first < 0) continue;
    const [i, j] = innermostPixel(labels, dims, id, best) ?? [0, 0];
    stats.push({ id, voxels, layers: [first, last], bestLayer: best, point: [i, j, best] });
  }
  return stats;
}

/**
 * The pixel of vessel `id` on layer k farthest (chamfer 3-4 distance) from any pixel outside it;
 * null when the vessel is absent from that layer.
 */
export function innermostPixel(
  labels: Uint16Array,
  dims: readonly [number, number, number],
  id: number,
  k: number,
): [number, number] | null {
  const [nx, ny] = dims;
  const base = nx * ny * k;
  const mask = new Uint8Array(nx * ny);
  let any = false;
  for (let col = 0; col < nx * ny; col++) {
    mask[col] = labels[base + col] === id ? 1 : 0;
    any ||= mask[col] === 1;
  }
  if (!any) return null;
  const dist = chamferDistance(mask, nx, ny);
  // Ties go to the last pixel in raster order.
  let bestCol = 0;
  for (let col = nx * ny - 1; col >= 0; col--) {
    if (dist[col] > 0 && dist[col] >= dist[bestCol]) bestCol = col;
  }
  return [bestCol % nx, Math.floor(bestCol / nx)];
}
