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

/** The voxel indices where `runs` switches between outside and inside, ascending. */
function switches(runs: Uint32Array): number[] {
  const out: number[] = [];
  let at = 0;
  for (let r = 0; r < runs.length - 1; r++) {
    at += runs[r];
    // A zero-length run switches twice at one place: no switch at all.
    if (out.length > 0 && out[out.length - 1] === at) out.pop();
    else out.push(at);
  }
  return out;
}

/**
 * The voxels inside exactly one of `a` and `b` (both over `count` voxels), as runs. XOR with the
 * result turns one mask into the other either way, so an undo record of a mask change keeps
 * only what changed (a few layers' worth for a propagation), not both masks.
 */
export function xorRuns(a: Uint32Array, b: Uint32Array, count: number): Uint32Array {
  for (const runs of [a, b]) {
    const total = runs.reduce((sum, n) => sum + n, 0);
    if (total !== count) {
      throw new RangeError(`The mask's runs cover ${total} voxels; the volume has ${count}.`);
    }
  }
  // A switch at `count` (a last inside run of length 0) switches nothing.
  const sa = switches(a).filter((p) => p < count);
  const sb = switches(b).filter((p) => p < count);
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < sa.length || j < sb.length) {
    if (j >= sb.length || (i < sa.length && sa[i] < sb[j])) merged.push(sa[i++]);
    else if (i >= sa.length || sb[j] < sa[i]) merged.push(sb[j++]);
    else {
      i++; // the same switch in both: the masks agree across it
      j++;
    }
  }
  const out = new Uint32Array(merged.length + 1);
  let at = 0;
  merged.forEach((position, r) => {
    out[r] = position - at;
    at = position;
  });
  out[merged.length] = count - at;
  return out;
}
