/**
 * Where each vessel can be found layer by layer: the layers it reaches, the layer where its
 * cross-section is largest, and a point well inside it (the pixel farthest from its edge), which
 * is where a test or a demo should click to prompt the tracker.
 */

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
  const dist = new Float32Array(nx * ny);
  const big = 1e9;
  let any = false;
  for (let col = 0; col < nx * ny; col++) {
    const inside = labels[base + col] === id;
    dist[col] = inside ? big : 0;
    any ||= inside;
  }
  if (!any) return null;
  const relax = (i: number, j: number, di: number, dj: number, w: number): void => {
    const ii = i + di;
    const jj = j + dj;
    const here = i + nx * j;
    const there = ii < 0 || jj < 0 || ii >= nx || jj >= ny ? 0 : dist[ii + nx * jj];
    if (there + w < dist[here]) dist[here] = there + w;
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      if (dist[i + nx * j] === 0) continue;
      relax(i, j, -1, 0, 3);
      relax(i, j, 0, -1, 3);
      relax(i, j, -1, -1, 4);
      relax(i, j, 1, -1, 4);
    }
  }
  let bestCol = 0;
  for (let j = ny - 1; j >= 0; j--) {
    for (let i = nx - 1; i >= 0; i--) {
      const col = i + nx * j;
      if (dist[col] === 0) continue;
      relax(i, j, 1, 0, 3);
      relax(i, j, 0, 1, 3);
      relax(i, j, 1, 1, 4);
      relax(i, j, -1, 1, 4);
      if (dist[col] >= dist[bestCol]) bestCol = col;
    }
  }
  return [bestCol % nx, Math.floor(bestCol / nx)];
}
