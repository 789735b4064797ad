/**
 * The one-pixel-wide centrelines of a 2D mask by Zhang–Suen thinning (Zhang & Suen 1984, the
 * 2D method of scikit-image's skeletonize and of the OCTA skeleton-density literature): boundary
 * pixels whose removal keeps the shape's connectivity are peeled in two alternating sub-passes
 * until none is left to peel. Zhang–Suen leaves staircase corners (a pixel whose only two
 * neighbours touch each other diagonally) that make a diagonal centreline look longer; a last pass
 * removes them. The result is 8-connected; a closed loop stays a loop.
 */
import { MeasureError } from './measureError';

export function skeletonize(mask: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (mask.length !== width * height) {
    throw new MeasureError(
      `Mask has ${mask.length} pixels; ${width}×${height} needs ${width * height}.`,
    );
  }
  // One pixel of background padding all round: no bounds checks in the hot loop.
  const w = width + 2;
  const image = new Uint8Array(w * (height + 2));
  const candidates: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[x + width * y] === 0) continue;
      const q = x + 1 + w * (y + 1);
      image[q] = 1;
      candidates.push(q);
    }
  }
  let live = candidates;
  const remove: number[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const step of [0, 1]) {
      remove.length = 0;
      for (const q of live) {
        if (image[q] && peelable(image, q, w, step)) remove.push(q);
      }
      for (const q of remove) image[q] = 0;
      if (remove.length > 0) changed = true;
    }
    live = live.filter((q) => image[q] === 1);
  }
  for (const q of live) if (redundantCorner(image, q, w)) image[q] = 0;
  const out = new Uint8Array(width * height);
  for (const q of live) {
    if (image[q] === 0) continue;
    const x = (q % w) - 1;
    const y = Math.floor(q / w) - 1;
    out[x + width * y] = 1;
  }
  return out;
}

/** Zhang–Suen's test with neighbours P2..P9 clockwise from north. */
function peelable(image: Uint8Array, q: number, w: number, step: number): boolean {
  const p2 = image[q - w];
  const p3 = image[q - w + 1];
  const p4 = image[q + 1];
  const p5 = image[q + w + 1];
  const p6 = image[q + w];
  const p7 = image[q + w - 1];
  const p8 = image[q - 1];
  const p9 = image[q - w - 1];
  const neighbours = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
  if (neighbours < 2 || neighbours > 6) return false;
  // 0→1 transitions around the ring: exactly one means the pixel is on a simple boundary.
  const ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2];
  let transitions = 0;
  for (let n = 0; n < 8; n++) if (ring[n] === 0 && ring[n + 1] === 1) transitions++;
  if (transitions !== 1) return false;
  return step === 0
    ? p2 * p4 * p6 === 0 && p4 * p6 * p8 === 0
    : p2 * p4 * p8 === 0 && p2 * p6 * p8 === 0;
}

/**
 * A staircase corner: its only two 4-neighbours are at a right angle (so they touch each other
 * diagonally) and its neighbours stay one 8-connected group without it. Removing it keeps the
 * skeleton's connectivity and leaves the diagonal step. Line ends (one 4-neighbour) are kept.
 */
function redundantCorner(image: Uint8Array, q: number, w: number): boolean {
  // Ring order N, NE, E, SE, S, SW, W, NW: even entries are the 4-neighbours.
  const ring = [
    image[q - w],
    image[q - w + 1],
    image[q + 1],
    image[q + w + 1],
    image[q + w],
    image[q + w - 1],
    image[q - 1],
    image[q - w - 1],
  ];
  // Exactly two 4-neighbours, at a right angle: a crossing or a T keeps its centre.
  const fourNeighbours = ring[0] + ring[2] + ring[4] + ring[6];
  let corner = false;
  for (let n = 0; n < 8; n += 2) if (ring[n] && ring[(n + 2) % 8]) corner = true;
  if (!corner || fourNeighbours !== 2) return false;
  return neighbourGroups(ring) === 1;
}

/**
 * How many 8-connected groups the on-pixels of a ring form, ring order N, NE, E, SE, S, SW, W, NW:
 * neighbours in the ring touch, and so do 4-neighbours two steps apart (N and E touch at a corner).
 * One group means the centre pixel joins nothing that would not be joined without it.
 */
export function neighbourGroups(ring: readonly number[]): number {
  let groups = 0;
  const seen = [false, false, false, false, false, false, false, false];
  for (let start = 0; start < 8; start++) {
    if (!ring[start] || seen[start]) continue;
    groups++;
    const stack = [start];
    seen[start] = true;
    while (stack.length > 0) {
      const n = stack.pop()!;
      const touching = [(n + 1) % 8, (n + 7) % 8];
      if (n % 2 === 0) touching.push((n + 2) % 8, (n + 6) % 8);
      for (const m of touching) {
        if (ring[m] && !seen[m]) {
          seen[m] = true;
          stack.push(m);
        }
      }
    }
  }
  return groups;
}
