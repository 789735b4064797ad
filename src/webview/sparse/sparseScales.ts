/**
 * The sparse panel's number formats, pure (no DOM, no elements) so that unit tests import them
 * without the panel's web components: the logarithmic blank-threshold slider and layer lists
 * written as ranges.
 */

/** The slider is logarithmic: 0 → 0.01 %, 100 → 10 % of a layer's pixels. */
export function sliderToThreshold(value: number): number {
  return 1e-4 * 10 ** (3 * (value / 100));
}

export function thresholdToSlider(threshold: number): number {
  return Math.round((100 * Math.log10(Math.max(threshold, 1e-4) / 1e-4)) / 3);
}

/** 3–10, 14, 20–22 */
export function ranges(layers: readonly number[]): string {
  const parts: string[] = [];
  for (let n = 0; n < layers.length;) {
    let end = n;
    while (end + 1 < layers.length && layers[end + 1] === layers[end]! + 1) end++;
    parts.push(end === n ? `${layers[n]}` : `${layers[n]}–${layers[end]}`);
    n = end + 1;
  }
  return parts.join(', ');
}
