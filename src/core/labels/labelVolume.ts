/**
 * A label volume: one integer label per voxel of a Volume, for segmentation and annotation
 * (0 = background, 1..65535 = objects, e.g. vessel instances or the sparse workflow's
 * "vessel region"). Same dims and voxel order as the Volume it labels, so layer logic
 * (layers.ts) applies unchanged and it can be written as a NIfTI beside the volume.
 */
import type { Volume } from '../volume/volume';

export interface LabelVolume {
  /** Voxel counts along i, j, k: those of the labelled volume. */
  readonly dims: readonly [number, number, number];
  /** data[i + nx * (j + ny * k)], as in Volume. */
  readonly data: Uint16Array;
}

export const MAX_LABEL = 65535;
/** Edits address voxels with Uint32 indices. */
export const MAX_LABEL_VOXELS = 2 ** 32 - 1;

export class LabelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelError';
  }
}

export function createLabelVolume(dims: readonly [number, number, number]): LabelVolume {
  checkDims(dims);
  return { dims: [dims[0], dims[1], dims[2]], data: new Uint16Array(dims[0] * dims[1] * dims[2]) };
}

/**
 * Labels read from a file (any integer-valued voxel type). uint16 data is shared, not copied;
 * other types are converted and must hold whole numbers in 0..65535.
 */
export function labelVolumeFromVolume(volume: Volume): LabelVolume {
  checkDims(volume.dims);
  const dims: [number, number, number] = [volume.dims[0], volume.dims[1], volume.dims[2]];
  if (volume.data instanceof Uint16Array) return { dims, data: volume.data };
  const src = volume.data;
  const data = new Uint16Array(src.length);
  for (let idx = 0; idx < src.length; idx++) {
    const v = src[idx];
    if (!(v >= 0 && v <= MAX_LABEL && Number.isInteger(v))) {
      throw new LabelError(
        `Label voxel ${idx} holds ${v}; labels must be whole numbers 0..${MAX_LABEL} ` +
          `(0 = background).`,
      );
    }
    data[idx] = v;
  }
  return { dims, data };
}

/** The labels as a uint16 Volume with `like`'s geometry, ready for writeNifti. */
export function labelVolumeToVolume(labels: LabelVolume, like: Volume): Volume {
  checkSameDims(labels.dims, like.dims);
  return {
    dims: [labels.dims[0], labels.dims[1], labels.dims[2]],
    spacingMm: [like.spacingMm[0], like.spacingMm[1], like.spacingMm[2]],
    affine: [...like.affine],
    type: 'uint16',
    data: labels.data,
  };
}

export function checkLabel(label: number, what = 'Label'): void {
  if (!Number.isInteger(label) || label < 0 || label > MAX_LABEL) {
    throw new LabelError(`${what} must be a whole number 0..${MAX_LABEL}; got ${label}.`);
  }
}

export function checkSameDims(
  a: readonly [number, number, number],
  b: readonly [number, number, number],
): void {
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new LabelError(
      `Label dims ${a.join('x')} do not match the volume's ${b.join('x')}; ` +
        `labels must have the volume's shape.`,
    );
  }
}

function checkDims(dims: readonly number[]): void {
  if (dims.length !== 3 || !dims.every((n) => Number.isInteger(n) && n > 0)) {
    throw new LabelError(`Label dims must be three positive whole numbers; got ${dims.join('x')}.`);
  }
  const count = dims[0] * dims[1] * dims[2];
  if (count > MAX_LABEL_VOXELS) {
    throw new LabelError(
      `Label volume of ${count} voxels is too large (at most ${MAX_LABEL_VOXELS}).`,
    );
  }
}
