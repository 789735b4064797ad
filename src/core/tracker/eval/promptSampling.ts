/**
 * The paper's layer-sequence sampling, ported from the trainer (trainer/samocta2/prompts.py):
 * equal-interval frames inside the object's depth span, prompted positions first/last/middle,
 * positive points one per connected component first (largest first), negative points from a
 * ring more than `gap` and at most `gap + ringWidth` pixels (Euclidean) from the object.
 * Same rules, a different generator (the project's seeded Random, not numpy's), so the draws
 * differ from Python's; `sam-octa2 eval --prompts` replays Python's draws exactly.
 * Masks are row-major rows x cols, points (x, y) = (column, row).
 */
import { labelComponents } from '../../labels/connectedComponents';
import type { Random } from '../../synth/random';

export type SampledPoint = [x: number, y: number, label: 0 | 1];

export function equalIntervalFrames(
  rng: Random,
  depth: number,
  present: readonly number[],
  length: number,
): number[] {
  const n = Math.min(length, depth);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  const span = hi - lo + 1;
  let stride = 1;
  let start: number;
  if (span >= n && n > 1) {
    stride = rng.int(1, Math.floor((span - 1) / (n - 1)));
    start = rng.int(lo, hi - (n - 1) * stride);
  } else {
    start = Math.min(Math.max(lo - rng.int(0, n - span), 0), depth - n);
  }
  return Array.from({ length: n }, (_, i) => start + i * stride);
}

/**
 * Positions that get prompts, in the priority first, last, middle; sorted. The middle is
 * (length - 1) // 2 ('lower', this project's) or length // 2 ('upper', the authors' evaluation;
 * evalProtocol.ts).
 */
export function promptedPositions(
  count: number,
  length: number,
  middle: 'lower' | 'upper' = 'lower',
): number[] {
  const chosen: number[] = [];
  const mid = middle === 'lower' ? Math.floor((length - 1) / 2) : Math.floor(length / 2);
  for (const pos of [0, length - 1, mid]) if (!chosen.includes(pos)) chosen.push(pos);
  return chosen.slice(0, Math.max(1, Math.min(count, chosen.length))).sort((a, b) => a - b);
}

/** 1 where a pixel is more than `gap` and at most `gap + ringWidth` from the object. */
export function negativeRing(
  mask: Uint8Array,
  rows: number,
  cols: number,
  gap: number,
  ringWidth: number,
): Uint8Array {
  const ring = new Uint8Array(rows * cols);
  const outer = gap + ringWidth;
  const r = Math.floor(outer);
  const inside: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) inside.push(i);
  if (inside.length === 0) return ring;
  // Squared distance to the nearest object pixel, searched only within the ring's reach.
  const best = new Float64Array(rows * cols).fill(Infinity);
  for (const i of inside) {
    const y0 = Math.floor(i / cols);
    const x0 = i % cols;
    for (let y = Math.max(0, y0 - r); y <= Math.min(rows - 1, y0 + r); y++) {
      for (let x = Math.max(0, x0 - r); x <= Math.min(cols - 1, x0 + r); x++) {
        const d = (x - x0) ** 2 + (y - y0) ** 2;
        if (d < best[y * cols + x]) best[y * cols + x] = d;
      }
    }
  }
  for (let i = 0; i < ring.length; i++)
    ring[i] = best[i] > gap * gap && best[i] <= outer * outer ? 1 : 0;
  return ring;
}

export function positivePoints(
  rng: Random,
  mask: Uint8Array,
  rows: number,
  cols: number,
  count: number,
): SampledPoint[] {
  const { labels, count: n } = labelComponents(mask, cols, rows, 8);
  if (n === 0 || count <= 0) return [];
  const members: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < labels.length; i++) if (labels[i] > 0) members[labels[i] - 1].push(i);
  const tie = members.map(() => rng.next());
  const order = members
    .map((_, c) => c)
    .sort((a, b) => members[b].length - members[a].length || tie[a] - tie[b]);
  const picked: number[] = [];
  for (const c of order.slice(0, count)) picked.push(members[c][rng.int(0, members[c].length - 1)]);
  const taken = new Set(picked);
  const rest = members
    .flat()
    .filter((i) => !taken.has(i))
    .sort((a, b) => a - b);
  picked.push(...chooseWithout(rng, rest, Math.min(count - picked.length, rest.length)));
  return picked.map((i) => [i % cols, Math.floor(i / cols), 1]);
}

export function negativePoints(
  rng: Random,
  mask: Uint8Array,
  rows: number,
  cols: number,
  count: number,
  gap: number,
  ringWidth: number,
): SampledPoint[] {
  const ring = negativeRing(mask, rows, cols, gap, ringWidth);
  const candidates: number[] = [];
  for (let i = 0; i < ring.length; i++) if (ring[i]) candidates.push(i);
  return chooseWithout(rng, candidates, Math.min(count, candidates.length)).map((i) => [
    i % cols,
    Math.floor(i / cols),
    0,
  ]);
}

/** Positive points then negative points for one prompted frame. */
export function framePrompt(
  rng: Random,
  mask: Uint8Array,
  rows: number,
  cols: number,
  nPos: number,
  nNeg: number,
  gap = 3,
  ringWidth = 8,
): SampledPoint[] {
  return [
    ...positivePoints(rng, mask, rows, cols, nPos),
    ...negativePoints(rng, mask, rows, cols, nNeg, gap, ringWidth),
  ];
}

/** `k` distinct items in random order (a partial Fisher-Yates shuffle). */
export function chooseWithout<T>(rng: Random, items: readonly T[], k: number): T[] {
  const pool = [...items];
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, Math.max(0, k));
}
