/**
 * The en-face RV annotation on disk (issue 6): `<name>.rv2d.nii.gz`, W×H×1 uint8 0/1 in the
 * volume's (x, y) plane — the name and shape the trainer reads as the en-face RV annotation
 * (trainer/samocta2/data/naming.py). Any non-zero value of a file read is "vessel"; files that do
 * not fit the volume are refused with what is wrong and what is expected.
 */
import { readNifti } from '../../core/nifti/readNifti';
import { writeNifti } from '../../core/nifti/writeNifti';
import type { Volume } from '../../core/volume/volume';
import type { VolumeGeometry } from '../../core/volume/volume';

export class EnfaceRvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnfaceRvError';
  }
}

/** `scan.nii.gz` (or `scan.nii`) -> `scan.rv2d.nii.gz`. */
export function enfaceRvFileName(volumeFileName: string): string {
  return `${volumeFileName.replace(/\.nii(\.gz)?$/i, '')}.rv2d.nii.gz`;
}

/** The en-face plane: the volume's x (across) and y (down); pixel = x + width · y. */
export function enfacePlane(dims: readonly [number, number, number]): [number, number, 1] {
  return [dims[0], dims[1], 1];
}

export function encodeEnfaceRv(mask: ArrayLike<number>, geometry: VolumeGeometry): Uint8Array {
  const [w, h] = enfacePlane(geometry.dims);
  const data = new Uint8Array(w * h);
  for (let p = 0; p < data.length; p++) data[p] = mask[p] ? 1 : 0;
  const volume: Volume = {
    dims: [w, h, 1],
    spacingMm: [geometry.spacingMm[0], geometry.spacingMm[1], geometry.spacingMm[2]],
    affine: [...geometry.affine],
    type: 'uint8',
    data,
  };
  return writeNifti(volume, { gzip: true, intent: 'label', description: 'sam-octa2 rv2d' });
}

/** The file's mask (W·H bytes, 1 = vessel); throws EnfaceRvError when it does not fit. */
export function decodeEnfaceRv(
  bytes: Uint8Array,
  geometry: VolumeGeometry,
  name: string,
): Uint8Array {
  const [w, h] = enfacePlane(geometry.dims);
  let volume: Volume;
  try {
    volume = readNifti(bytes).volume;
  } catch (error) {
    throw new EnfaceRvError(`${name} is not a readable NIfTI file (${(error as Error).message}).`);
  }
  const d = volume.dims;
  if (d[0] !== w || d[1] !== h || d[2] !== 1) {
    throw new EnfaceRvError(
      `${name} is ${d.join('×')}, but the en-face RV annotation of this volume must be ` +
        `${w}×${h}×1 (the volume's x and y).`,
    );
  }
  const mask = new Uint8Array(w * h);
  for (let p = 0; p < mask.length; p++) mask[p] = Number(volume.data[p]) !== 0 ? 1 : 0;
  return mask;
}
