/**
 * The finish step's en-face RV annotation as a 0/1 mask in layer pixel order, from an OCTA-500
 * GT_LargeVessel image (BMP), a PNG, or a 2D NIfTI mask. Pixels are binarized (above half the
 * image's largest value): masks come as 0/1, 0/255 or instance ids, and ids or 255 must not
 * reach the labelling as vessel ids (the fine-tune trainer reads values > 1 as instances).
 * Vessel instances are made afterwards from its connected components (finishLayerVessels).
 */
import { readNifti } from '../../core/nifti/readNifti';
import { layerShape } from '../../core/volume/layers';
import type { Axis } from '../../core/volume/volume';
import {
  decodeBmp,
  decodePng,
  isBmp,
  isPng,
  SUPPORTED_IMAGES,
  type GreyImage,
} from './rasterDecode';

export const SUPPORTED_ENFACE = `${SUPPORTED_IMAGES}, or a 2D NIfTI mask (.nii, .nii.gz; x, y or x, y, 1)`;

export class EnfaceError extends Error {}

/** Decodes the file by its content (not its name) into grey values. */
export function decodeEnface(bytes: Uint8Array, fileName: string): GreyImage {
  try {
    if (isPng(bytes)) return decodePng(bytes);
    if (isBmp(bytes)) return decodeBmp(bytes);
    if (/\.nii(\.gz)?$/i.test(fileName)) return niftiImage(bytes, fileName);
  } catch (error) {
    if (error instanceof EnfaceError) throw error;
    throw new EnfaceError(`${fileName}: ${error instanceof Error ? error.message : String(error)}`);
  }
  throw new EnfaceError(
    `${fileName} is not an en-face mask this reads; supported: ${SUPPORTED_ENFACE}.`,
  );
}

function niftiImage(bytes: Uint8Array, fileName: string): GreyImage {
  const { volume } = readNifti(bytes);
  const [nx, ny, nz] = volume.dims;
  if (nz !== 1) {
    throw new EnfaceError(
      `${fileName} is ${nx}×${ny}×${nz}: an en-face mask is 2D (x, y) or x, y, 1; supported: ${SUPPORTED_ENFACE}.`,
    );
  }
  // NIfTI (i, j) is layer pixel (x, y) = x + width * y: the same order as image rows top first.
  const values = new Uint16Array(nx * ny);
  for (let p = 0; p < values.length; p++) {
    const v = Number(volume.data[p]);
    values[p] = Number.isFinite(v) ? Math.max(0, Math.min(65535, Math.round(v))) : 0;
  }
  return { width: nx, height: ny, values };
}

/**
 * 0/1 mask, 1 where the value is above half the image's largest value. Checks the size against
 * the volume's layers along `axis`.
 */
export function binarizeEnface(
  image: GreyImage,
  dims: readonly [number, number, number],
  axis: Axis,
  fileName: string,
): Uint8Array {
  const { width, height } = layerShape(dims, axis);
  if (image.width !== width || image.height !== height) {
    throw new EnfaceError(
      `${fileName} is ${image.width}×${image.height} px but the volume's layers are ` +
        `${width}×${height} (x across, y down): the en-face annotation must match them.`,
    );
  }
  let max = 0;
  for (const v of image.values) max = Math.max(max, v);
  if (max === 0) throw new EnfaceError(`${fileName} has no vessel pixels (every pixel is 0).`);
  const cut = max / 2;
  const mask = new Uint8Array(image.values.length);
  for (let p = 0; p < mask.length; p++) mask[p] = image.values[p]! > cut ? 1 : 0;
  return mask;
}
