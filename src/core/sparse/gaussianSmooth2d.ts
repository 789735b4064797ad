/**
 * Separable Gaussian smoothing of a 2D map (row-major, width × height), used to smooth predicted
 * vessel-region probabilities before thresholding. It matches scipy.ndimage.gaussian_filter's
 * defaults (kernel out to round(4σ), mirror-with-edge borders "reflect": d c b a | a b c d), so
 * the editor and the trainer smooth a prediction the same way.
 */

export function gaussianSmooth2d(
  map: ArrayLike<number>,
  width: number,
  height: number,
  sigma: number,
): Float32Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`Map size must be positive whole numbers; got ${width}×${height}.`);
  }
  if (map.length !== width * height) {
    throw new RangeError(
      `Map has ${map.length} values; ${width}×${height} needs ${width * height}.`,
    );
  }
  if (!(sigma >= 0 && Number.isFinite(sigma))) {
    throw new RangeError(`Gaussian sigma must be a finite number ≥ 0 (pixels); got ${sigma}.`);
  }
  const out = Float32Array.from(map);
  const kernel = gaussianKernel(sigma);
  if (kernel.length === 1) return out;
  const radius = (kernel.length - 1) / 2;

  // Rows: each row padded with its reflection, then convolved.
  const padded = new Float64Array(width + 2 * radius);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let n = 0; n < padded.length; n++) padded[n] = out[row + reflect(n - radius, width)];
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let t = 0; t < kernel.length; t++) sum += kernel[t] * padded[x + t];
      out[row + x] = sum;
    }
  }
  // Columns, a whole row at a time so memory is read in order.
  const rows = Float32Array.from(out);
  const acc = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let t = 0; t < kernel.length; t++) {
      const src = reflect(y + t - radius, height) * width;
      const w = kernel[t];
      for (let x = 0; x < width; x++) acc[x] += w * rows[src + x];
    }
    out.set(acc, y * width);
  }
  return out;
}

/** Normalised weights exp(−t²/2σ²) for t = −r..r, r = round(4σ) as scipy's truncate = 4. */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5);
  if (radius === 0) return Float64Array.of(1);
  const kernel = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let t = -radius; t <= radius; t++) {
    const w = Math.exp((-0.5 * t * t) / (sigma * sigma));
    kernel[t + radius] = w;
    total += w;
  }
  for (let n = 0; n < kernel.length; n++) kernel[n] /= total;
  return kernel;
}

/** Index into 0..n−1 under whole-sample mirroring (the edge sample repeats), any distance out. */
export function reflect(index: number, n: number): number {
  const period = 2 * n;
  const m = ((index % period) + period) % period;
  return m < n ? m : period - 1 - m;
}
