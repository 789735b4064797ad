/**
 * A closed triangle surface around the inside voxels of a binary mask (naive surface nets, the
 * dual of marching cubes): one vertex per grid cell whose corners disagree, placed at the mean of
 * its sign-changing edges' midpoints, and one quad per voxel edge that crosses the surface. No
 * case tables, no cracks, and no ambiguous cases; voxels beyond the mask count as outside, so
 * the surface is watertight even where the object touches the volume's border.
 *
 * Coordinates are voxel indices (voxel centres at integers); triangles wind counter-clockwise
 * seen from outside (normals point out of the object).
 */

export interface TriangleMesh {
  /** x, y, z per vertex. */
  readonly positions: Float32Array;
  /** Three vertex indices per triangle. */
  readonly indices: Uint32Array;
}

export type Dims3 = readonly [number, number, number];

/** `mask[x + nx * (y + ny * z)]` != 0 is inside. */
export function surfaceNets(mask: ArrayLike<number>, dims: Dims3): TriangleMesh {
  const [nx, ny, nz] = dims;
  if (mask.length !== nx * ny * nz) {
    throw new RangeError(
      `The mask holds ${mask.length} voxels; dims ${dims.join('×')} need ${nx * ny * nz}.`,
    );
  }
  const inside = (x: number, y: number, z: number): boolean =>
    x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz && mask[x + nx * (y + ny * z)] !== 0;
  // Cell (cx, cy, cz) has corners at voxels cx..cx+1 (and so on); cells run from -1 to n-1.
  const cx1 = nx + 1;
  const cy1 = ny + 1;
  const cellIndex = (x: number, y: number, z: number): number =>
    x + 1 + cx1 * (y + 1 + cy1 * (z + 1));
  const vertexOf = new Int32Array(cx1 * cy1 * (nz + 1)).fill(-1);
  const positions: number[] = [];
  const corner = new Array<boolean>(8);
  for (let z = -1; z < nz; z++) {
    for (let y = -1; y < ny; y++) {
      for (let x = -1; x < nx; x++) {
        let count = 0;
        for (let c = 0; c < 8; c++) {
          corner[c] = inside(x + (c & 1), y + ((c >> 1) & 1), z + (c >> 2));
          if (corner[c]) count++;
        }
        if (count === 0 || count === 8) continue;
        let sx = 0;
        let sy = 0;
        let sz = 0;
        let n = 0;
        // The 12 cube edges: pairs of corners differing in one bit.
        for (let c = 0; c < 8; c++) {
          for (const bit of [1, 2, 4]) {
            if (c & bit || corner[c] === corner[c | bit]) continue;
            const d = c | bit;
            sx += ((c & 1) + (d & 1)) / 2;
            sy += (((c >> 1) & 1) + ((d >> 1) & 1)) / 2;
            sz += ((c >> 2) + (d >> 2)) / 2;
            n++;
          }
        }
        vertexOf[cellIndex(x, y, z)] = positions.length / 3;
        positions.push(x + sx / n, y + sy / n, z + sz / n);
      }
    }
  }
  const indices: number[] = [];
  const p = [0, 0, 0];
  const quad = (a: number, lo: boolean): void => {
    // Cells around the edge from p to p + e_a, counter-clockwise seen from +a.
    const b = (a + 1) % 3;
    const c = (a + 2) % 3;
    const ids: number[] = [];
    for (const [db, dc] of [
      [-1, -1],
      [0, -1],
      [0, 0],
      [-1, 0],
    ] as const) {
      const q = [p[0], p[1], p[2]];
      q[b] += db;
      q[c] += dc;
      ids.push(vertexOf[cellIndex(q[0], q[1], q[2])]);
    }
    const [v0, v1, v2, v3] = ids;
    // Inside at the low end: the outward normal is +a, the order above; else reversed.
    if (lo) indices.push(v0, v1, v2, v0, v2, v3);
    else indices.push(v0, v2, v1, v0, v3, v2);
  };
  for (let z = -1; z < nz; z++) {
    for (let y = -1; y < ny; y++) {
      for (let x = -1; x < nx; x++) {
        const here = inside(x, y, z);
        p[0] = x;
        p[1] = y;
        p[2] = z;
        // Edges along +x, +y, +z from this grid point; both ends must have cells on all sides.
        if (y >= 0 && z >= 0 && here !== inside(x + 1, y, z)) quad(0, here);
        if (x >= 0 && z >= 0 && here !== inside(x, y + 1, z)) quad(1, here);
        if (x >= 0 && y >= 0 && here !== inside(x, y, z + 1)) quad(2, here);
      }
    }
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}
