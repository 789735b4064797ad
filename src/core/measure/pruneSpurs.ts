/**
 * Removes a skeleton's spurs: the short side branches thinning grows from bumps on a thick
 * vessel's edge. A branch from an end point to a junction is a spur when it is no longer than
 * twice the vessel's half-width at that junction: it then ends within one half-width beyond the
 * vessel's edge, a bump rather than a vessel of its own. Left in, spurs add false length and false branches.
 * At a junction where fewer than two other branches go on, the longest short branches are kept:
 * there they are the vessel's own ends. One pass: a branch is never shortened, only whole
 * spurs go.
 */
import { chamferDistance } from '../labels/chamferDistance';
import { skeletonBranches } from './skeletonBranches';
import { neighbourGroups } from './skeletonize';

export function pruneSpurs(
  skeleton: Uint8Array,
  mask: ArrayLike<number>,
  width: number,
  height: number,
): Uint8Array {
  const { paths, ends } = skeletonBranches(skeleton, width, height);
  if (paths.length < 2) return skeleton;
  const distance = chamferDistance(mask, width, height);
  // Per junction: how many branches meet there that are not spur candidates, and the candidates.
  const solid = new Map<number, number>();
  const candidates = new Map<number, { path: number[]; junction: number }[]>();
  paths.forEach((path, n) => {
    const [a, b] = ends[n];
    for (const id of [a, b]) if (id > 0) solid.set(id, solid.get(id) ?? 0);
    const tipToJunction = (a === 0) !== (b === 0);
    const junction = a > 0 ? path[0] : path[path.length - 1];
    if (tipToJunction && path.length - 1 <= 2 * distance[junction]) {
      const id = Math.max(a, b);
      candidates.set(id, [...(candidates.get(id) ?? []), { path, junction }]);
      return;
    }
    for (const id of [a, b]) if (id > 0) solid.set(id, (solid.get(id) ?? 0) + 1);
  });
  const pruned = skeleton.slice();
  const roots: number[] = [];
  for (const [id, list] of candidates) {
    // The line must go on through the junction: keep the longest candidates it needs for that
    // (a vessel's own end segment next to a bump is as short as the bump's spur).
    const keep = Math.max(0, 2 - (solid.get(id) ?? 0));
    const byLength = [...list].sort((x, y) => y.path.length - x.path.length);
    for (const { path, junction } of byLength.slice(keep)) {
      for (const p of path) if (p !== junction) pruned[p] = 0;
      roots.push(junction);
    }
  }
  // A spur's root may be left as a one-pixel bump on the line: drop it where it joins nothing.
  for (const p of roots) {
    const ring = ringAround(pruned, p, width, height);
    if (ring.reduce((a, b) => a + b, 0) >= 2 && neighbourGroups(ring) === 1) pruned[p] = 0;
  }
  return pruned;
}

/** The 8 neighbours of p as 0/1 in ring order N, NE, E, SE, S, SW, W, NW (outside the image: 0). */
function ringAround(image: Uint8Array, p: number, width: number, height: number): number[] {
  const x = p % width;
  const y = (p - x) / width;
  const steps = [
    [0, -1],
    [1, -1],
    [1, 0],
    [1, 1],
    [0, 1],
    [-1, 1],
    [-1, 0],
    [-1, -1],
  ];
  return steps.map(([dx, dy]) => {
    const nx = x + dx;
    const ny = y + dy;
    return nx >= 0 && ny >= 0 && nx < width && ny < height && image[nx + width * ny] ? 1 : 0;
  });
}
