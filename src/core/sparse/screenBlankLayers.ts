/**
 * Screening out blank layers (no vessel signal) before sampling layers to annotate.
 *
 * Measure: the fraction of a layer's pixels whose 3×3 local mean exceeds a signal level, the
 * level being halfway up the volume's display window (its 1st..99.5th percentile values, the
 * editor's default window). Vessels are bright and spatially coherent, so the 3×3 mean keeps
 * them while it pulls isolated speckle (the vitreous' noise, the choroid's granular flow) below
 * the level. A layer is blank when its score is below the threshold: default 0.2 % of the
 * layer's pixels, about one short vessel segment; the user can raise or lower it.
 * On a 304×304×640 synthetic volume (seed 3) this keeps the vessel layers and the avascular
 * outer retina drops out; the RPE's projection flare and the flow just under Bruch's membrane
 * (about 35 layers) still pass, as they do carry signal. A whole 400×400×640 volume takes
 * about 1.5 s on one busy CPU core; moving the threshold afterwards is blankFromScores.
 */
import { extractLayer, layerShape } from '../volume/layers';
import type { Axis, Volume } from '../volume/volume';
import { percentileWindow, type ValueWindow } from '../volume/window';

export interface ScreenOptions {
  /** Score below which a layer is blank. Default DEFAULT_BLANK_THRESHOLD. */
  threshold?: number;
  /** Value window the signal level sits in. Default: the volume's 1st..99.5th percentiles. */
  window?: ValueWindow;
  /** Signal level as a fraction of the window (0 = its min, 1 = its max). Default 0.5. */
  level?: number;
}

export interface ScreenResult {
  /** Per layer: fraction (0..1) of pixels whose 3×3 mean exceeds signalLevel. */
  score: Float32Array;
  blank: boolean[];
  threshold: number;
  /** The voxel value that counted as signal. */
  signalLevel: number;
}

export const DEFAULT_BLANK_THRESHOLD = 0.002;
export const DEFAULT_SIGNAL_LEVEL = 0.5;
const WINDOW_PERCENTILES = [1, 99.5] as const;

export function screenBlankLayers(
  volume: Volume,
  axis: Axis,
  options: ScreenOptions = {},
): ScreenResult {
  const threshold = options.threshold ?? DEFAULT_BLANK_THRESHOLD;
  const level = options.level ?? DEFAULT_SIGNAL_LEVEL;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`Blank threshold must be a fraction 0..1 of a layer; got ${threshold}.`);
  }
  if (!(level >= 0 && level <= 1)) {
    throw new RangeError(`Signal level must be a fraction 0..1 of the window; got ${level}.`);
  }
  const window =
    options.window ?? percentileWindow(volume.data, WINDOW_PERCENTILES[0], WINDOW_PERCENTILES[1]);
  const signalLevel = window.min + level * (window.max - window.min);
  const { width, height } = layerShape(volume.dims, axis);
  const count = volume.dims[axis];
  const score = new Float32Array(count);
  const layer = new Float32Array(width * height);
  const rowSums = new Float32Array(width * height);
  for (let index = 0; index < count; index++) {
    extractLayer(volume, axis, index, layer);
    score[index] = signalFraction(layer, rowSums, width, height, signalLevel);
  }
  return { score, blank: blankFromScores(score, threshold), threshold, signalLevel };
}

/** Re-applies a threshold the user moved, without re-reading the volume. */
export function blankFromScores(score: ArrayLike<number>, threshold: number): boolean[] {
  return Array.from(score, (s) => s < threshold);
}

export function nonBlankLayers(result: Pick<ScreenResult, 'blank'>): number[] {
  const layers: number[] = [];
  result.blank.forEach((blank, index) => {
    if (!blank) layers.push(index);
  });
  return layers;
}

/** Fraction of pixels whose 3×3 mean (edges replicated) exceeds `level`. */
function signalFraction(
  layer: Float32Array,
  rowSums: Float32Array,
  width: number,
  height: number,
  level: number,
): number {
  const last = width - 1;
  for (let row = 0; row < width * height; row += width) {
    if (width === 1) {
      rowSums[row] = 3 * layer[row];
      continue;
    }
    rowSums[row] = 2 * layer[row] + layer[row + 1];
    for (let p = row + 1; p < row + last; p++) rowSums[p] = layer[p - 1] + layer[p] + layer[p + 1];
    rowSums[row + last] = layer[row + last - 1] + 2 * layer[row + last];
  }
  const cut = 9 * level;
  let above = 0;
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : y) * width;
    const row = y * width;
    const down = (y < height - 1 ? y + 1 : y) * width;
    for (let x = 0; x < width; x++) {
      above += rowSums[up + x] + rowSums[row + x] + rowSums[down + x] > cut ? 1 : 0;
    }
  }
  return above / (width * height);
}
