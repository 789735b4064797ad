/**
 * Window/level: the value range mapped to black..white. The automatic default comes from
 * percentiles of a histogram (one O(n) pass for 8/16-bit data, two for the rest), so a 100 M
 * voxel volume needs no sort.
 */
import type { VoxelArray } from './volume';

export interface ValueWindow {
  min: number;
  max: number;
}

/** Bins for types without an exact histogram; the window is exact to 1/65536 of the range. */
const FLOAT_BINS = 65536;

/**
 * The values at the lowPct and highPct percentiles (0..100), nearest rank, non-finite values
 * ignored. Always returns min < max: a degenerate window widens to the data range, or to
 * [v, v + 1] for constant data.
 */
export function percentileWindow(data: VoxelArray, lowPct: number, highPct: number): ValueWindow {
  const lo = clampPct(Math.min(lowPct, highPct));
  const hi = clampPct(Math.max(lowPct, highPct));
  const hist = histogram(data);
  if (hist.total === 0) return { min: 0, max: 1 };
  const lowRank = Math.floor((lo / 100) * (hist.total - 1));
  const highRank = Math.ceil((hi / 100) * (hist.total - 1));
  let min = hist.binLow(binAtRank(hist.counts, lowRank));
  let max = hist.binHigh(binAtRank(hist.counts, highRank));
  min = Math.max(min, hist.dataMin);
  max = Math.min(max, hist.dataMax);
  if (min < max) return { min, max };
  if (hist.dataMin < hist.dataMax) return { min: hist.dataMin, max: hist.dataMax };
  return { min: hist.dataMin, max: hist.dataMin + 1 };
}

/** Maps values through the window to 0..255 (rounded, clamped). */
export function applyWindowToUint8(
  src: ArrayLike<number>,
  w: ValueWindow,
  out?: Uint8Array,
): Uint8Array {
  const dst = out && out.length === src.length ? out : new Uint8Array(src.length);
  const small = smallIntRange(src);
  if (small && src.length > 4 * small.size) {
    // 8/16-bit data: one lookup per voxel instead of arithmetic (a 3D texture is 100 M voxels).
    const lut = new Uint8Array(small.size);
    for (let v = 0; v < small.size; v++) lut[v] = windowByte(v + small.base, w);
    const base = small.base;
    const values = src as Uint8Array | Int8Array | Uint16Array | Int16Array;
    for (let idx = 0; idx < values.length; idx++) dst[idx] = lut[values[idx] - base];
    return dst;
  }
  const range = w.max - w.min;
  // Dividing (not multiplying by 255 / range) keeps exact halves exact, so rounding is stable.
  const divisor = range > 0 ? range : Infinity;
  const offset = w.min;
  for (let idx = 0; idx < src.length; idx++) {
    const v = ((src[idx] - offset) * 255) / divisor;
    // Uint8Array assignment truncates; +0.5 rounds. NaN falls to 0 through the comparisons.
    dst[idx] = v > 0 ? (v < 255 ? v + 0.5 : 255) : 0;
  }
  return dst;
}

/** The byte one value maps to: the same rounding as applyWindowToUint8's arithmetic path. */
export function windowByte(value: number, w: ValueWindow): number {
  const range = w.max - w.min;
  const v = ((value - w.min) * 255) / (range > 0 ? range : Infinity);
  return v > 0 ? (v < 255 ? Math.floor(v + 0.5) : 255) : 0;
}

/** For 8/16-bit integer arrays: the value range as (base, size) for lookup tables. */
export function smallIntRange(src: ArrayLike<number>): { base: number; size: number } | null {
  if (src instanceof Uint8Array) return { base: 0, size: 256 };
  if (src instanceof Int8Array) return { base: -128, size: 256 };
  if (src instanceof Uint16Array) return { base: 0, size: 65536 };
  if (src instanceof Int16Array) return { base: -32768, size: 65536 };
  return null;
}

interface Histogram {
  counts: Uint32Array;
  total: number;
  dataMin: number;
  dataMax: number;
  binLow(bin: number): number;
  binHigh(bin: number): number;
}

function histogram(data: VoxelArray): Histogram {
  const small = smallIntRange(data);
  return small ? exactHistogram(data, small.base, small.size) : binnedHistogram(data);
}

/** One bin per representable value: percentiles are exact. */
function exactHistogram(data: VoxelArray, base: number, size: number): Histogram {
  // Four interleaved tables: smooth images repeat a value many times in a row, and a single
  // table would serialise on incrementing the same counter.
  const tables = [0, 1, 2, 3].map(() => new Uint32Array(size));
  const [c0, c1, c2, c3] = tables;
  const n = data.length;
  const n4 = n - (n % 4);
  for (let idx = 0; idx < n4; idx += 4) {
    c0[data[idx] - base]++;
    c1[data[idx + 1] - base]++;
    c2[data[idx + 2] - base]++;
    c3[data[idx + 3] - base]++;
  }
  for (let idx = n4; idx < n; idx++) c0[data[idx] - base]++;
  for (let bin = 0; bin < size; bin++) c0[bin] += c1[bin] + c2[bin] + c3[bin];
  let first = 0;
  while (first < size && c0[first] === 0) first++;
  let last = size - 1;
  while (last > 0 && c0[last] === 0) last--;
  return {
    counts: c0,
    total: n,
    dataMin: first + base,
    dataMax: last + base,
    binLow: (bin) => bin + base,
    binHigh: (bin) => bin + base,
  };
}

function binnedHistogram(data: VoxelArray): Histogram {
  const [dataMin, dataMax] = finiteRange(data);
  const counts = new Uint32Array(FLOAT_BINS);
  let total = 0;
  const width = (dataMax - dataMin) / FLOAT_BINS;
  const scale = width > 0 ? 1 / width : 0;
  const top = FLOAT_BINS - 1;
  for (let idx = 0; idx < data.length; idx++) {
    const v = data[idx];
    // Skips NaN and infinities (outside the finite range).
    if (v >= dataMin && v <= dataMax) {
      const bin = ((v - dataMin) * scale) | 0;
      counts[bin < top ? bin : top]++;
      total++;
    }
  }
  return {
    counts,
    total,
    dataMin,
    dataMax,
    binLow: (bin) => dataMin + bin * width,
    binHigh: (bin) => dataMin + (bin + 1) * width,
  };
}

function finiteRange(data: VoxelArray): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let idx = 0; idx < data.length; idx++) {
    const v = data[idx];
    // NaN fails both comparisons; infinities are caught below, rarely.
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (Number.isFinite(lo) && Number.isFinite(hi)) return [lo, hi];
  lo = Infinity;
  hi = -Infinity;
  for (let idx = 0; idx < data.length; idx++) {
    const v = data[idx];
    if (v - v !== 0) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

function binAtRank(counts: ArrayLike<number>, rank: number): number {
  let seen = 0;
  for (let bin = 0; bin < counts.length; bin++) {
    seen += counts[bin];
    if (seen > rank) return bin;
  }
  return counts.length - 1;
}

function clampPct(p: number): number {
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0;
}
