/**
 * A skeleton split into branches: pixel paths between nodes, each listed from node to node with
 * both nodes included, plus closed loops with no node on them. A node is an end point (one
 * neighbour) or a junction (three or more); thinning often leaves a junction as a small cluster
 * of such pixels, and touching junction pixels are one junction, so the steps inside a cluster
 * are not branches of their own. Neighbours are 8-adjacent.
 */
import { labelComponents } from '../labels/connectedComponents';

export interface SkeletonBranches {
  /** Pixel index paths (x + width·y), each at least two pixels long. */
  paths: number[][];
  /**
   * What each path's first and last pixel is: 0 for a tip (an end point), else the id (1, 2, …)
   * of the junction it ends on, touching junction pixels sharing one id. Loops are [0, 0].
   */
  ends: [number, number][];
  closed: boolean[];
  /** Junction pixels (three or more neighbours), whose steps between each other no path holds. */
  junctions: number[];
}

export function skeletonBranches(
  skeleton: ArrayLike<number>,
  width: number,
  height: number,
): SkeletonBranches {
  const size = width * height;
  const neighbours = (p: number): number[] => {
    const x = p % width;
    const y = (p - x) / width;
    const out: number[] = [];
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if ((dx || dy) && nx >= 0 && ny >= 0 && nx < width && ny < height) {
          if (skeleton[nx + width * ny] !== 0) out.push(nx + width * ny);
        }
      }
    }
    return out;
  };
  const degree = new Uint8Array(size);
  for (let p = 0; p < size; p++) if (skeleton[p] !== 0) degree[p] = neighbours(p).length;
  const isJunction = (p: number): boolean => degree[p] >= 3;
  const isNode = (p: number): boolean => skeleton[p] !== 0 && degree[p] !== 2;
  const junctionIds = labelComponents(
    Uint8Array.from(degree, (d) => (d >= 3 ? 1 : 0)),
    width,
    height,
  ).labels;
  const usedEdges = new Set<number>();
  const edgeKey = (a: number, b: number): number => (a < b ? a * size + b : b * size + a);
  const visited = new Uint8Array(size);
  const result: SkeletonBranches = { paths: [], ends: [], closed: [], junctions: [] };
  const walk = (start: number, first: number): number[] => {
    const path = [start, first];
    usedEdges.add(edgeKey(start, first));
    visited[start] = visited[first] = 1;
    let prev = start;
    let cur = first;
    while (!isNode(cur) && cur !== start) {
      const next = neighbours(cur).find((q) => q !== prev && !usedEdges.has(edgeKey(cur, q)));
      if (next === undefined) break;
      usedEdges.add(edgeKey(cur, next));
      visited[next] = 1;
      path.push(next);
      prev = cur;
      cur = next;
    }
    return path;
  };
  for (let p = 0; p < size; p++) {
    if (!isNode(p)) continue;
    visited[p] = 1;
    if (isJunction(p)) result.junctions.push(p);
    for (const q of neighbours(p)) {
      // A step between two pixels of one junction is inside the junction, not a branch.
      if (usedEdges.has(edgeKey(p, q)) || (isJunction(p) && isJunction(q))) continue;
      const path = walk(p, q);
      result.paths.push(path);
      result.ends.push([junctionIds[path[0]], junctionIds[path[path.length - 1]]]);
      result.closed.push(false);
    }
  }
  // What is left unvisited are loops of degree-2 pixels with no node on them.
  for (let p = 0; p < size; p++) {
    if (skeleton[p] === 0 || visited[p]) continue;
    const path = walk(p, neighbours(p)[0]);
    result.paths.push(path);
    result.ends.push([0, 0]);
    result.closed.push(path[path.length - 1] === p);
  }
  return result;
}
