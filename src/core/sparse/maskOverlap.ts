/** Overlap of binary masks (non-zero = inside). */

/** Dice = 2|A∩B| / (|A| + |B|); two empty masks agree fully (1). */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`Masks differ in size (${a.length} vs ${b.length} pixels).`);
  }
  let both = 0;
  let sizes = 0;
  for (let p = 0; p < a.length; p++) {
    const inA = a[p] !== 0;
    const inB = b[p] !== 0;
    if (inA) sizes++;
    if (inB) sizes++;
    if (inA && inB) both++;
  }
  return sizes === 0 ? 1 : (2 * both) / sizes;
}
