/**
 * An in-memory volume: the contract between the NIfTI reader, the synthetic generator, the
 * layer logic, the webview and the trainer-facing writers.
 *
 * Array axes are NIfTI's (i, j, k); voxel (i, j, k) lives at data[i + nx * (j + ny * k)].
 * Values are the stored values with scl_slope/scl_inter already applied.
 */
export type VoxelArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export type VoxelType =
  'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** 0 = i, 1 = j, 2 = k. */
export type Axis = 0 | 1 | 2;

export interface Volume {
  /** Voxel counts along i, j, k. */
  readonly dims: readonly [number, number, number];
  /** Voxel size along i, j, k in millimetres (NIfTI pixdim[1..3], converted from the header's units). */
  readonly spacingMm: readonly [number, number, number];
  /** Row-major 4×4 voxel-to-world matrix (sform if set, else qform, else scaling). */
  readonly affine: readonly number[];
  readonly type: VoxelType;
  readonly data: VoxelArray;
}

/** Where a volume's voxels lie: all an annotation file needs to match its volume. */
export type VolumeGeometry = Pick<Volume, 'dims' | 'spacingMm' | 'affine'>;

export function voxelCount(dims: readonly [number, number, number]): number {
  return dims[0] * dims[1] * dims[2];
}

/** The typed-array class for each voxel type: the one table every reader and view wraps bytes with. */
export const VOXEL_ARRAYS: Record<
  VoxelType,
  {
    new (buffer: ArrayBuffer, byteOffset?: number, length?: number): VoxelArray;
    readonly BYTES_PER_ELEMENT: number;
  }
> = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** A zero-filled array of `count` voxels of `type`. */
export function allocateVoxels(type: VoxelType, count: number): VoxelArray {
  const ctor = VOXEL_ARRAYS[type];
  return new ctor(new ArrayBuffer(count * ctor.BYTES_PER_ELEMENT));
}
