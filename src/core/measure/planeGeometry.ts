/**
 * Physical size of an en-face layer's pixels, from the volume's affine (the length of each voxel
 * axis in world mm, so a rotated or oblique affine still gives true sizes), else from its voxel
 * spacing. Every measure converts pixels to mm through this one record, and the notices it
 * carries (spacing assumed, axes that disagree, a field of view no OCTA scanner makes) travel
 * with the numbers instead of being lost.
 */
import { layerAxes, layerShape } from '../volume/layers';
import type { Axis } from '../volume/volume';
import { MeasureError } from './measureError';

export interface GeometrySource {
  readonly dims: readonly [number, number, number];
  /** Row-major 4×4 voxel-to-world (mm); absent when the file had none. */
  readonly affine?: readonly number[];
  /** Voxel size in mm along i, j, k; absent when unknown. */
  readonly spacingMm?: readonly number[];
}

export interface PlaneGeometry {
  /** Depth axis: layers are slices across it. */
  readonly axis: Axis;
  readonly width: number;
  readonly height: number;
  /** Layer pixel size [across (x), down (y)] in mm. */
  readonly pixelMm: readonly [number, number];
  /** Distance between consecutive layers, mm. */
  readonly layerMm: number;
  /** Field of view [across, down] in mm. */
  readonly fieldMm: readonly [number, number];
  readonly layers: number;
  /** What the user should know about where these sizes came from. */
  readonly notices: readonly string[];
}

/** OCTA fields run from 3×3 to about 12×12 mm (wide-field montages to ~25 mm). */
const PLAUSIBLE_FIELD_MM: readonly [number, number] = [1, 30];

export function planeGeometry(source: GeometrySource, axis: Axis): PlaneGeometry {
  const notices: string[] = [];
  const sizes = voxelSizes(source, notices);
  const [across, down] = layerAxes(axis);
  const { width, height } = layerShape(source.dims, axis);
  const pixelMm: [number, number] = [sizes[across], sizes[down]];
  const fieldMm: [number, number] = [width * pixelMm[0], height * pixelMm[1]];
  const [low, high] = PLAUSIBLE_FIELD_MM;
  if (fieldMm.some((f) => f < low || f > high)) {
    notices.push(
      `The en-face field is ${fieldMm.map(formatMm).join(' × ')} mm, outside the ${low}–${high} mm ` +
        `of OCTA scans: check the file's voxel size, every mm value depends on it.`,
    );
  }
  const ratio = pixelMm[0] / pixelMm[1];
  if (Math.abs(ratio - 1) > 0.01) {
    notices.push(
      `Pixels are not square (${pixelMm.map(formatMm).join(' × ')} mm); measures account for it.`,
    );
  }
  return {
    axis,
    width,
    height,
    pixelMm,
    layerMm: sizes[axis],
    fieldMm,
    layers: source.dims[axis],
    notices,
  };
}

/** Pixel area in mm². */
export function pixelAreaMm2(geometry: PlaneGeometry): number {
  return geometry.pixelMm[0] * geometry.pixelMm[1];
}

function voxelSizes(source: GeometrySource, notices: string[]): [number, number, number] {
  const fromAffine = affineColumnLengths(source.affine);
  const fromSpacing = validSizes(source.spacingMm);
  if (fromAffine && fromSpacing) {
    const differs = fromAffine.some((v, n) => Math.abs(v - fromSpacing[n]) > 1e-3 * fromSpacing[n]);
    if (differs) {
      notices.push(
        `The affine's voxel size (${fromAffine.map(formatMm).join(', ')} mm) differs from the ` +
          `header spacing (${fromSpacing.map(formatMm).join(', ')} mm); the affine's was used.`,
      );
    }
    return fromAffine;
  }
  if (fromAffine) return fromAffine;
  if (fromSpacing) {
    notices.push('The volume has no usable affine; its voxel spacing was used.');
    return fromSpacing;
  }
  throw new MeasureError(
    'The volume has neither a usable affine nor a voxel spacing: a size in mm cannot be ' +
      'computed. Give the file a voxel size (NIfTI pixdim or sform/qform).',
  );
}

/** Length of each voxel axis in world space: the norms of the affine's first three columns. */
function affineColumnLengths(
  affine: readonly number[] | undefined,
): [number, number, number] | null {
  if (!affine || affine.length !== 16 || !affine.every(Number.isFinite)) return null;
  const lengths = [0, 1, 2].map((c) => Math.hypot(affine[c], affine[4 + c], affine[8 + c]));
  return validSizes(lengths);
}

function validSizes(sizes: readonly number[] | undefined): [number, number, number] | null {
  if (!sizes || sizes.length !== 3) return null;
  if (!sizes.every((s) => Number.isFinite(s) && s > 0)) return null;
  return [sizes[0], sizes[1], sizes[2]];
}

function formatMm(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
