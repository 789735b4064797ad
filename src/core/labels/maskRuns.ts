/**
 * One object's binary mask over a whole volume as run lengths (the `masks` field of
 * TrackedObjectState in src/protocol/editorMessages.ts): a Uint32Array alternating outside and
 * inside runs, starting with outside (possibly 0), summing to the voxel count. Vessel and FAZ
 * masks are a few percent of a volume, so an undo record of one stays small.
 */

/** Encodes `inside(n)` for n in [0, count). */
export function encodeRuns(count: number, inside: (n: number) => boolean): Uint32Array {
  const runs: number[] = [];
  let state = false;
  let length = 0;
  for (let n = 0; n < count; n++) {
    if (inside(n) !== state) {
      runs.push(length);
      state = !state;
      length = 0;
    }
    length++;
  }
  runs.push(length);
  return Uint32Array.from(runs);
}

/** Calls `visit(start, end)` for every inside run [start, end); checks the total. */
export function forEachInsideRun(
  runs: Uint32Array,
  count: number,
  visit: (start: number, end: number) => void,
): void {
  let at = 0;
  for (let r = 0; r < runs.length; r++) {
    const end = at + runs[r];
    if (end > count) break;
    if (r % 2 === 1 && end > at) visit(at, end);
    at = end;
  }
  if (at !== count) {
    throw new RangeError(`The mask's runs cover ${at} voxels; the volume has ${count}.`);
  }
}

/** Voxels inside. */
export function runsArea(runs: Uint32Array): number {
  let n = 0;
  for (let r = 1; r < runs.length; r += 2) n += runs[r];
  return n;
}
