/**
 * region-predict's output read back for the review and the finish step
 * (docs/sparse-annotation.md §2): `<name>.regionprob.nii.gz` (uint8, round(255 p) of the
 * smoothed probability, the volume's shape) and its `.regionprob.json` (predicted layers, axis,
 * checkpoint step). Pure: bytes in, checked maps out.
 */
import { readNifti } from '../../core/nifti/readNifti';
import { layerVoxels } from '../../core/labels/layerVoxels';
import type { Axis } from '../../core/volume/volume';

export interface RegionPrediction {
  readonly axis: Axis;
  /** Predicted layers, ascending. */
  readonly layers: readonly number[];
  /** uint8 over the volume, NIfTI voxel order. */
  readonly data: Uint8Array;
  readonly dims: readonly [number, number, number];
  readonly step: number | null;
}

export class PredictionError extends Error {}

const AXES: Record<string, Axis> = { i: 0, j: 1, k: 2 };

export function decodePrediction(
  nifti: Uint8Array,
  sidecar: Uint8Array,
  dims: readonly [number, number, number],
  names: { nifti: string; sidecar: string },
): RegionPrediction {
  let record: { axis?: unknown; layers?: unknown; step?: unknown; scale?: unknown };
  try {
    record = JSON.parse(new TextDecoder().decode(sidecar)) as typeof record;
  } catch (error) {
    throw new PredictionError(`${names.sidecar} is not JSON: ${String(error)}`);
  }
  const axis = typeof record.axis === 'string' ? AXES[record.axis] : undefined;
  if (axis === undefined) {
    throw new PredictionError(`${names.sidecar}: "axis" must be "i", "j" or "k".`);
  }
  const layers = record.layers;
  if (
    !Array.isArray(layers) ||
    !layers.every((l) => Number.isInteger(l) && l >= 0 && l < dims[axis])
  ) {
    throw new PredictionError(
      `${names.sidecar}: "layers" must list layer indices 0..${dims[axis] - 1}.`,
    );
  }
  if (record.scale !== undefined && record.scale !== 255) {
    throw new PredictionError(`${names.sidecar}: scale ${String(record.scale)}; this reads 255.`);
  }
  const { volume } = readNifti(nifti);
  if (volume.dims.some((d, n) => d !== dims[n])) {
    throw new PredictionError(
      `${names.nifti} is ${volume.dims.join('×')} but the volume is ${dims.join('×')}: ` +
        'predict again with the current model.',
    );
  }
  const data =
    volume.data instanceof Uint8Array ? volume.data : Uint8Array.from(volume.data, (v) => v);
  return {
    axis,
    layers: [...new Set(layers as number[])].sort((a, b) => a - b),
    data,
    dims: [dims[0], dims[1], dims[2]],
    step: typeof record.step === 'number' ? record.step : null,
  };
}

/** One layer of a whole-volume map, in layer pixel order. */
export function layerOf(
  data: ArrayLike<number>,
  dims: readonly [number, number, number],
  axis: Axis,
  layer: number,
): Uint8Array {
  const { width, height, base, strideX, strideY } = layerVoxels(dims, axis, layer);
  const out = new Uint8Array(width * height);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0, v = base + y * strideY; x < width; x++, p++, v += strideX) out[p] = data[v]!;
  }
  return out;
}
