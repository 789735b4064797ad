/**
 * Layer preprocessing and point mapping of docs/model-bundle.md section 3, step for step, so
 * the encoder sees what the trainer fed it: a whole-volume percentile window (numpy's linear
 * rule) to [0, 1], a half-pixel bilinear resize to S x S (PyTorch align_corners=False, no
 * antialiasing), the grey value in 3 channels normalized by the ImageNet mean/std.
 * Arithmetic that the trainer does in float32 is rounded with Math.fround here.
 */

export interface IntensityWindow {
  lo: number;
  hi: number;
}

/**
 * The lowPct and highPct percentiles of `values` by numpy's default (linear) rule; hi = lo + 1
 * when hi <= lo. Exact: integer arrays of 8/16 bits are counted, others sorted once.
 */
export function percentileWindow(
  values: ArrayLike<number>,
  lowPct: number,
  highPct: number,
): IntensityWindow {
  const n = values.length;
  if (n === 0) throw new RangeError('Cannot window an empty volume.');
  const at = orderStatistics(values);
  const pick = (p: number): number => {
    const r = (p / 100) * (n - 1);
    const k = Math.floor(r);
    const a = at(k);
    return Math.fround(a + (r - k) * (at(Math.min(k + 1, n - 1)) - a));
  };
  const lo = pick(lowPct);
  let hi = pick(highPct);
  if (hi <= lo) hi = Math.fround(lo + 1);
  return { lo, hi };
}

/** clip((v - lo) / (hi - lo), 0, 1) in float32, as the trainer's data loader. */
export function applyWindow(
  values: ArrayLike<number>,
  w: IntensityWindow,
  out?: Float32Array,
): Float32Array {
  const result = out ?? new Float32Array(values.length);
  const span = Math.fround(w.hi - w.lo);
  for (let i = 0; i < values.length; i++) {
    const v = Math.fround(Math.fround(Math.fround(values[i]) - w.lo) / span);
    result[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return result;
}

/**
 * Bilinear resize of a row-major `rows x cols` image to `outRows x outCols`, half-pixel centres,
 * no antialiasing (F.interpolate(mode="bilinear", align_corners=False)).
 */
export function resizeBilinear(
  src: ArrayLike<number>,
  rows: number,
  cols: number,
  outRows: number,
  outCols: number,
): Float32Array {
  const ys = axisTaps(rows, outRows);
  const xs = axisTaps(cols, outCols);
  const out = new Float32Array(outRows * outCols);
  for (let oy = 0; oy < outRows; oy++) {
    const r0 = ys.i0[oy] * cols;
    const r1 = ys.i1[oy] * cols;
    const wy = ys.w[oy];
    for (let ox = 0; ox < outCols; ox++) {
      const x0 = xs.i0[ox];
      const x1 = xs.i1[ox];
      const wx = xs.w[ox];
      const top = (1 - wx) * src[r0 + x0] + wx * src[r0 + x1];
      const bottom = (1 - wx) * src[r1 + x0] + wx * src[r1 + x1];
      out[oy * outCols + ox] = (1 - wy) * top + wy * bottom;
    }
  }
  return out;
}

/** The image encoder's `image` input [1, 3, S, S] for one windowed layer. */
export function layerToModelInput(
  layer: ArrayLike<number>,
  rows: number,
  cols: number,
  imageSize: number,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const resized = resizeBilinear(layer, rows, cols, imageSize, imageSize);
  const plane = imageSize * imageSize;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = Math.fround(mean[c]);
    const s = Math.fround(std[c]);
    for (let i = 0; i < plane; i++) out[c * plane + i] = Math.fround(resized[i] - m) / s;
  }
  return out;
}

/** Layer pixel (x = column, y = row) -> model pixel through the pixel's centre. */
export function toModelPoint(
  x: number,
  y: number,
  rows: number,
  cols: number,
  imageSize: number,
): [number, number] {
  const sx = Math.fround(imageSize / cols);
  const sy = Math.fround(imageSize / rows);
  return [Math.fround(Math.fround(x + 0.5) * sx), Math.fround(Math.fround(y + 0.5) * sy)];
}

interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  w: Float32Array;
}

function axisTaps(n: number, m: number): Taps {
  const taps: Taps = { i0: new Int32Array(m), i1: new Int32Array(m), w: new Float32Array(m) };
  const scale = n / m;
  for (let o = 0; o < m; o++) {
    const s = Math.max((o + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(s), n - 1);
    taps.i0[o] = i0;
    taps.i1[o] = Math.min(i0 + 1, n - 1);
    taps.w[o] = s - i0;
  }
  return taps;
}

/** k -> the k-th smallest value (0-based). */
function orderStatistics(values: ArrayLike<number>): (k: number) => number {
  const counted = countSmallIntegers(values);
  if (counted) return counted;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  return (k) => sorted[k];
}

/** Counting sort view for 8/16-bit integer data (a 100 M voxel volume needs no sort). */
function countSmallIntegers(values: ArrayLike<number>): ((k: number) => number) | null {
  const small =
    values instanceof Uint8Array ||
    values instanceof Int8Array ||
    values instanceof Uint16Array ||
    values instanceof Int16Array;
  if (!small) return null;
  const offset = values instanceof Int8Array ? 128 : values instanceof Int16Array ? 32768 : 0;
  const counts = new Float64Array(
    values instanceof Uint8Array || values instanceof Int8Array ? 256 : 65536,
  );
  for (let i = 0; i < values.length; i++) counts[values[i] + offset]++;
  const cumulative = new Float64Array(counts.length);
  let total = 0;
  for (let b = 0; b < counts.length; b++) {
    total += counts[b];
    cumulative[b] = total;
  }
  return (k) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > k) hi = mid;
      else lo = mid + 1;
    }
    return lo - offset;
  };
}
