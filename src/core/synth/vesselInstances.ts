/**
 * Makes the 3D vessel labels obey the paper's definition of a vessel, "one connected component of
 * the en-face RV annotation": trees whose en-face footprints touch (8-connected) share one id,
 * ids are renumbered 1..n in order of their lowest tree id (trees that drew no voxel vanish), and
 * the en-face RV is the union projection. Trees are grown apart, so merging is a safety net.
 */

export interface InstanceSummary {
  /** Number of vessel instances, ids 1..count. */
  count: number;
  /** En-face RV: 1 where any depth holds a vessel voxel. */
  enface: Uint8Array;
  /** En-face instance ids (the new ids). */
  footprint: Uint16Array;
  /** For each new id (index id − 1), the tree ids merged into it. */
  trees: number[][];
}

/** Relabels `labels` in place and returns the en-face footprint. */
export function settleInstances(
  labels: Uint16Array,
  dims: readonly [number, number, number],
  /** Largest id that may occur (the number of trees). */
  maxId: number,
): InstanceSummary {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const parent = Array.from({ length: maxId + 1 }, (_, id) => id);
  const find = (id: number): number => {
    while (parent[id] !== id) id = parent[id] = parent[parent[id]];
    return id;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const footprint = new Uint16Array(nxy);
  for (let k = 0; k < nz; k++) {
    const base = nxy * k;
    for (let col = 0; col < nxy; col++) {
      const id = labels[base + col];
      if (id === 0) continue;
      if (footprint[col] === 0) footprint[col] = id;
      else if (footprint[col] !== id) union(footprint[col], id);
    }
  }
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const id = footprint[i + nx * j];
      if (id === 0) continue;
      // Half of the 8-neighbourhood suffices: the other half is visited from the other side.
      for (const [di, dj] of [
        [1, 0],
        [-1, 1],
        [0, 1],
        [1, 1],
      ] as const) {
        const ii = i + di;
        const jj = j + dj;
        if (ii < 0 || ii >= nx || jj >= ny) continue;
        const other = footprint[ii + nx * jj];
        if (other !== 0 && other !== id) union(id, other);
      }
    }
  }

  const present = new Uint8Array(maxId + 1);
  for (let col = 0; col < nxy; col++) present[footprint[col]] = 1;
  const newId = new Uint16Array(maxId + 1);
  const trees: number[][] = [];
  for (let id = 1; id <= maxId; id++) {
    if (!present[id]) continue;
    const root = find(id);
    if (newId[root] === 0) {
      trees.push([]);
      newId[root] = trees.length;
    }
    newId[id] = newId[root];
    trees[newId[id] - 1].push(id);
  }
  // Most volumes need no renumbering; skip the pass over every voxel then.
  if (newId.some((id, old) => id !== old && present[old])) {
    for (let n = 0; n < labels.length; n++) if (labels[n] !== 0) labels[n] = newId[labels[n]];
  }
  const enface = new Uint8Array(nxy);
  for (let col = 0; col < nxy; col++) {
    footprint[col] = newId[footprint[col]];
    enface[col] = footprint[col] === 0 ? 0 : 1;
  }
  return { count: trees.length, enface, footprint, trees };
}
