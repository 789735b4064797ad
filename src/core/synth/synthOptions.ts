/**
 * What a caller may ask of the synthetic OCTA generator, its defaults, and the checks that turn
 * bad requests into clear errors before any memory is allocated.
 */

export interface SynthOptions {
  /** Any integer; taken modulo 2^32. Same seed and size give identical volumes and labels. */
  seed: number;
  /** Voxel counts [i (x), j (y), k (depth)]. Default [304, 304, 640], an OCTA-500 3M volume. */
  size?: readonly [number, number, number];
  /**
   * Depth of the retina inside the volume as fractions of the depth axis: [ILM, Bruch's
   * membrane] at the fovea's en-face position, ILM as it would be without the foveal pit; the
   * slab tilts and bows around this. Default [0.4, 0.55], as in OCTA-500 3M volumes (ILM ≈ 245,
   * BM ≈ 350 of 640). Small test volumes may want a thicker slab.
   */
  slab?: readonly [number, number];
  /**
   * Keep only depths FIRST..LAST (inclusive) of the generated volume, as OCTA-500's layer-stack
   * samples keep a window of consecutive depths: a small volume at OCTA-500's depth sampling.
   * Default: every layer.
   */
  layers?: readonly [number, number];
}

/** Field of view kept for every size, as in an OCTA-500 3M scan: 3 mm × 3 mm, 2 mm deep. */
export const FIELD_OF_VIEW_MM = [3, 3, 2] as const;
export const DEFAULT_SIZE = [304, 304, 640] as const;
export const DEFAULT_SLAB = [0.4, 0.55] as const;
/** Per-axis limits: small enough to be useful, large enough for 3D textures' 2048 limit. */
export const MIN_DIM = 8;
export const MAX_DIM = 2048;
/** 2^27 voxels: covers 400×400×640 (the large-volume benchmark) and 512³; labels are uint16. */
export const MAX_VOXELS = 2 ** 27;

export class SynthOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthOptionsError';
  }
}

export interface ResolvedSynthOptions {
  seed: number;
  dims: [number, number, number];
  spacingMm: [number, number, number];
  slab: [number, number];
  /** Depths of the generated volume that are kept, [first, last] inclusive. */
  layers: [number, number];
}

export function resolveSynthOptions(options: SynthOptions): ResolvedSynthOptions {
  if (!Number.isInteger(options.seed)) {
    throw new SynthOptionsError(`Seed must be an integer; got ${String(options.seed)}.`);
  }
  const dims = [...(options.size ?? DEFAULT_SIZE)] as [number, number, number];
  checkDims(dims);
  const slab = [...(options.slab ?? DEFAULT_SLAB)] as [number, number];
  if (
    !slab.every(Number.isFinite) ||
    slab[0] < 0.05 ||
    slab[1] > 0.95 ||
    slab[1] - slab[0] < 0.05
  ) {
    throw new SynthOptionsError(
      `Slab must be two depth fractions TOP,BOTTOM with 0.05 ≤ TOP, BOTTOM ≤ 0.95 and ` +
        `BOTTOM − TOP ≥ 0.05; got ${slab.join(',')}.`,
    );
  }
  const spacingMm = dims.map((n, axis) => FIELD_OF_VIEW_MM[axis] / n) as [number, number, number];
  const layers = [...(options.layers ?? [0, dims[2] - 1])] as [number, number];
  if (
    !layers.every(Number.isInteger) ||
    layers[0] < 0 ||
    layers[1] < layers[0] ||
    layers[1] >= dims[2]
  ) {
    throw new SynthOptionsError(
      `Layers must be FIRST,LAST with 0 ≤ FIRST ≤ LAST < ${dims[2]} (the depth size); ` +
        `got ${layers.join(',')}.`,
    );
  }
  return { seed: options.seed >>> 0, dims, spacingMm, slab, layers };
}

function checkDims(dims: number[]): void {
  const shown = dims.join('x');
  if (dims.length !== 3 || !dims.every((n) => Number.isInteger(n))) {
    throw new SynthOptionsError(`Size must be three whole numbers WxHxD; got ${shown}.`);
  }
  if (dims.some((n) => n < MIN_DIM || n > MAX_DIM)) {
    throw new SynthOptionsError(
      `Each size must be between ${MIN_DIM} and ${MAX_DIM} voxels; got ${shown}.`,
    );
  }
  const voxels = dims[0] * dims[1] * dims[2];
  if (voxels > MAX_VOXELS) {
    throw new SynthOptionsError(
      `Size ${shown} has ${voxels} voxels; at most ${MAX_VOXELS} (e.g. 400x400x640 or 512x512x512) are supported.`,
    );
  }
}
