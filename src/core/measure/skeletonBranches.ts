/**
 * A skeleton split into branches: pixel paths between nodes (end points, where one neighbour
 * touches, and junctions, where three or more do), each listed from node to node with both
 * nodes included, plus closed loops that have no node at all. Neighbours are 8-adjacent.
 */

/** Pixel index paths (x + width·y), each at least two pixels long. */
export function skeletonBranches(
  skeleton: ArrayLike<number>,
  width: number,
  height: number,
): { paths: number[][]; closed: boolean[] } {
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
  const size = width * height;
  const usedEdges = new Set<number>();
  const edgeKey = (a: number, b: number): number => (a < b ? a * size + b : b * size + a);
  const visited = new Uint8Array(size);
  const paths: number[][] = [];
  const closed: boolean[] = [];
  const isNode = (p: number): boolean => neighbours(p).length !== 2;
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
    if (skeleton[p] === 0 || !isNode(p)) continue;
    visited[p] = 1;
    for (const q of neighbours(p)) {
      if (usedEdges.has(edgeKey(p, q))) continue;
      paths.push(walk(p, q));
      closed.push(false);
    }
  }
  // What is left unvisited are loops of degree-2 pixels with no node on them.
  for (let p = 0; p < size; p++) {
    if (skeleton[p] === 0 || visited[p]) continue;
    const path = walk(p, neighbours(p)[0]);
    paths.push(path);
    closed.push(path[path.length - 1] === p);
  }
  return { paths, closed };
}
