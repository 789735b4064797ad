/**
 * Distance from each pixel of a mask to the nearest pixel outside it (outside the image counts
 * as outside), by the two-pass 3-4 chamfer transform (Borgefors 1986), in pixels: within about
 * 8 % of the Euclidean distance: enough to find the middle of a vessel (synth/vesselPoints.ts) or
 * tell a skeleton spur from a branch (measure/pruneSpurs.ts).
 */
export function chamferDistance(
  mask: ArrayLike<number>,
  width: number,
  height: number,
): Float32Array {
  const big = 1e9;
  const dist = new Float32Array(width * height);
  for (let p = 0; p < dist.length; p++) dist[p] = mask[p] !== 0 ? big : 0;
  const at = (x: number, y: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : dist[x + width * y];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = x + width * y;
      if (dist[p] === 0) continue;
      dist[p] = Math.min(
        dist[p],
        at(x - 1, y) + 3,
        at(x, y - 1) + 3,
        at(x - 1, y - 1) + 4,
        at(x + 1, y - 1) + 4,
      );
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const p = x + width * y;
      if (dist[p] === 0) continue;
      dist[p] = Math.min(
        dist[p],
        at(x + 1, y) + 3,
        at(x, y + 1) + 3,
        at(x + 1, y + 1) + 4,
        at(x - 1, y + 1) + 4,
      );
    }
  }
  for (let p = 0; p < dist.length; p++) dist[p] /= 3;
  return dist;
}
