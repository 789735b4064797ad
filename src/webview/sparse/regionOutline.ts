/**
 * The edge of a predicted region (p ≥ 0.5, values scaled to 255) as a 0/1 mask: inside pixels
 * with an outside 4-neighbour or on the border. An outline, not a fill, so the painted region
 * and the image stay visible under it during the review.
 */
export function regionOutline(map: ArrayLike<number>, width: number, height: number): Uint8Array {
  const inside = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < width && y < height && map[y * width + x]! >= 128;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside(x, y)) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        !inside(x - 1, y) ||
        !inside(x + 1, y) ||
        !inside(x, y - 1) ||
        !inside(x, y + 1);
      if (edge) out[y * width + x] = 1;
    }
  }
  return out;
}
