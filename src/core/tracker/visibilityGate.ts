/**
 * The visibility gate (docs/evaluation.md, "Visibility gate"; issue 13): a tracked layer keeps a
 * vessel's mask only where vessels are visible. OCTA-500 labels a vessel on a layer only where
 * annotators saw it (the en-face annotation cut by a painted region, paper III.C), and tracking
 * otherwise carries the mask onto layers where the vessel has not appeared yet. Per layer:
 *
 * 1. Contrast: the layer's local mean at 1 px minus its 4 px background mean, negatives cut to
 *    0. Means over square boxes whose width has a Gaussian's standard deviation of that size
 *    (the odd w nearest √(12σ² + 1); a border box averages the pixels it has): a box costs the
 *    same at any size, where Gaussians cost 2–3 times the model's own time per layer at
 *    400–512 px. Sizes are at the sparse pairs' 3 mm / 304 px scale (9.87 µm pixels): a layer
 *    scales them by 9.87 µm over its own pixel size where the volume's header gives a scan's
 *    (gateScale), else by W / 304 for a layer of W columns, as if it spanned 3 mm.
 * 2. Density: the contrast averaged over blocks of k = round(4 × scale) px (an edge block
 *    averages the pixels it has), then smoothed at 20 px, i.e. 20 × scale / k blocks. The blocks
 *    keep the wide smoothing cheap enough for every tracked layer.
 * 3. Region: blocks whose density reaches THRESHOLD × the 99th percentile (numpy's linear rule)
 *    of the nearest prompted layer's density (ties to the earlier layer).
 * 4. A tracked layer's mask is emptied when less than half of its pixels lie in the region.
 *    Prompted layers are never gated (the clicks say the vessel shows there), nor is the FAZ.
 *
 * THRESHOLD was fitted on the five sparse-annotation pairs alone, never on the evaluation's
 * 10301 stacks. The trainer's trainer/samocta2/visibility.py is the same rule; the evaluations of
 * both (test/unit/cli/commands/eval.test.ts) agree on it.
 */
import { gaussianSmooth2d } from '../sparse/gaussianSmooth2d';
import { nearestPrompted } from './eval/classicalBaseline';
import { percentileWindow } from './preprocess';
import type { LayerSource, ObjectKind } from './trackTypes';

const SPARSE_PX = 304;
/** The sparse pairs' pixel, in mm: OCTA-500 3M, 3 mm over 304 px. */
const SPARSE_PIXEL_MM = 3 / SPARSE_PX;
/**
 * Pixel sizes an OCTA scan has (2–50 µm: 3 mm at 1024 px to 12 mm at 240). A header spacing
 * outside is not a scan's (a NIfTI without units reads as 1 mm per pixel), so the width stands in.
 */
const SCAN_PIXEL_MM: readonly [number, number] = [0.002, 0.05];
const CONTRAST_PX = 1;
const BACKGROUND_PX = 4;
const DENSITY_PX = 20;
const BLOCK_PX = 4;
/** Fitted on the sparse pairs (region Dice 0.83 there, 0.82 leaving each pair out in turn). */
export const VISIBILITY_THRESHOLD = 0.46;
const MIN_INSIDE = 0.5;

/** A layer's block density (step 2), row-major blockRows × blockCols. */
export interface LayerDensity {
  readonly values: Float32Array;
  readonly blockRows: number;
  readonly blockCols: number;
  /** Block side in layer pixels. */
  readonly block: number;
}

/**
 * How many of a layer's pixels make one of the sparse pairs': their pixel size over the layer's
 * (a 6 × 6 mm scan at 400 px: 0.66), or W / 304 where the layer's pixel size is unknown.
 */
export function gateScale(cols: number, pixelMm?: number): number {
  if (pixelMm !== undefined && pixelMm >= SCAN_PIXEL_MM[0] && pixelMm <= SCAN_PIXEL_MM[1]) {
    return SPARSE_PIXEL_MM / pixelMm;
  }
  return cols / SPARSE_PX;
}

export function blockSize(scale: number): number {
  return Math.max(1, Math.round(BLOCK_PX * scale));
}

export function layerDensity(
  layer: ArrayLike<number>,
  rows: number,
  cols: number,
  scale: number = gateScale(cols),
): LayerDensity {
  const table = summedArea(layer, rows, cols);
  const fine = boxMean(table, rows, cols, boxWidth(CONTRAST_PX * scale));
  const background = boxMean(table, rows, cols, boxWidth(BACKGROUND_PX * scale));
  const block = blockSize(scale);
  const blockRows = Math.ceil(rows / block);
  const blockCols = Math.ceil(cols / block);
  const sums = new Float64Array(blockRows * blockCols);
  const counts = new Float64Array(blockRows * blockCols);
  for (let y = 0; y < rows; y++) {
    const by = Math.floor(y / block) * blockCols;
    for (let x = 0; x < cols; x++) {
      const i = y * cols + x;
      const b = by + Math.floor(x / block);
      sums[b] += Math.max(0, fine[i] - background[i]);
      counts[b] += 1;
    }
  }
  const means = sums.map((s, b) => s / counts[b]);
  const values = gaussianSmooth2d(means, blockCols, blockRows, (DENSITY_PX * scale) / block);
  return { values, blockRows, blockCols, block };
}

/** The odd box width whose standard deviation is nearest a Gaussian's σ. */
export function boxWidth(sigma: number): number {
  return 2 * Math.floor((Math.sqrt(12 * sigma * sigma + 1) - 1) / 2 + 0.5) + 1;
}

/** (rows + 1) × (cols + 1) table: entry (y, x) sums the layer's pixels above and left of it. */
export function summedArea(layer: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const w = cols + 1;
  const table = new Float64Array((rows + 1) * w);
  for (let y = 0; y < rows; y++) {
    let run = 0;
    for (let x = 0; x < cols; x++) {
      run += layer[y * cols + x];
      table[(y + 1) * w + x + 1] = table[y * w + x + 1] + run;
    }
  }
  return table;
}

/** Mean over the width × width box centred on each pixel, of the pixels inside the layer. */
export function boxMean(
  table: Float64Array,
  rows: number,
  cols: number,
  width: number,
): Float64Array {
  const r = Math.floor(width / 2);
  const w = cols + 1;
  const out = new Float64Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(rows, y + r + 1);
    for (let x = 0; x < cols; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(cols, x + r + 1);
      const sum = table[y1 * w + x1] - table[y0 * w + x1] - table[y1 * w + x0] + table[y0 * w + x0];
      out[y * cols + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** Step 3's cut for layers whose nearest prompted layer has this density. */
export function regionCut(reference: LayerDensity): number {
  return VISIBILITY_THRESHOLD * percentileWindow(reference.values, 99, 99).lo;
}

/** Step 3 for one pixel (row-major index in a layer of `cols` columns): its block reaches the cut. */
export function inRegion(density: LayerDensity, cut: number, pixel: number, cols: number): boolean {
  const row = Math.floor(Math.floor(pixel / cols) / density.block);
  return (
    density.values[row * density.blockCols + Math.floor((pixel % cols) / density.block)] >= cut
  );
}

/** Step 4: whether a tracked layer keeps its mask (rows × cols, 1 = inside). */
export function keepsMask(
  mask: Uint8Array,
  cols: number,
  density: LayerDensity,
  cut: number,
): boolean {
  let inside = 0;
  let total = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    total++;
    if (inRegion(density, cut, i, cols)) inside++;
  }
  return inside >= MIN_INSIDE * total;
}

/**
 * The gate over one object's track: asks whether a tracked layer keeps its mask, reading layers
 * from the tracker's source as needed. Only the prompted layers' cuts are kept: a track visits
 * each other layer once.
 */
export class VisibilityGate {
  private readonly cuts = new Map<number, Promise<number>>();
  private readonly prompted: number[];
  /** gateScale of the layers: their pixel size where the source knows it, else their width. */
  readonly scale: number;

  constructor(
    private readonly layers: LayerSource,
    prompted: Iterable<number>,
  ) {
    this.prompted = [...prompted].sort((a, b) => a - b);
    this.scale = gateScale(layers.cols, layers.pixelMm);
  }

  /** Whether tracked layer `layer` keeps `mask`; prompted layers and empty masks always do. */
  async keeps(layer: number, mask: Uint8Array): Promise<boolean> {
    if (this.prompted.length === 0 || this.prompted.includes(layer) || !mask.includes(1)) {
      return true;
    }
    const cut = await this.cut(nearestPrompted(layer, this.prompted));
    return keepsMask(mask, this.layers.cols, await this.density(layer), cut);
  }

  private cut(prompted: number): Promise<number> {
    let cut = this.cuts.get(prompted);
    if (!cut) {
      cut = this.density(prompted).then(regionCut);
      this.cuts.set(prompted, cut);
    }
    return cut;
  }

  private async density(layer: number): Promise<LayerDensity> {
    const { rows, cols } = this.layers;
    return layerDensity(await this.layers.layer(layer), rows, cols, this.scale);
  }
}

/** The gate on a whole sequence's masks (the evaluation's classical baseline); a copy. */
export async function gateMasks(
  layers: LayerSource,
  prompted: Iterable<number>,
  masks: readonly Uint8Array[],
  kind: ObjectKind,
): Promise<Uint8Array[]> {
  if (kind !== 'vessel') return masks.map((m) => m.slice());
  const gate = new VisibilityGate(layers, prompted);
  const out: Uint8Array[] = [];
  for (let t = 0; t < masks.length; t++) {
    out.push((await gate.keeps(t, masks[t])) ? masks[t].slice() : new Uint8Array(masks[t].length));
  }
  return out;
}
