/**
 * Fills the holes of a 2D mask: background pixels that no 4-connected path of background joins
 * to the border become foreground. This is scipy.ndimage.binary_fill_holes with its default
 * (cross-shaped) structure, so a mask filled here and one filled by the trainer agree.
 */
import { labelComponents } from './connectedComponents';

export function fillHoles(mask: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (mask.length !== width * height) {
    throw new RangeError(
      `Mask has ${mask.length} pixels; ${width}×${height} needs ${width * height}.`,
    );
  }
  const background = new Uint8Array(width * height);
  for (let p = 0; p < background.length; p++) background[p] = mask[p] === 0 ? 1 : 0;
  // 4-connected background: a diagonal gap in an 8-connected
  // outline does not let the outside in, as scipy's default.
  const { labels, count } = labelComponents(background, width, height, 4);
  const outside = new Uint8Array(count + 1);
  for (let x = 0; x < width; x++) {
    outside[labels[x]] = 1;
    outside[labels[(height - 1) * width + x]] = 1;
  }
  for (let y = 0; y < height; y++) {
    outside[labels[y * width]] = 1;
    outside[labels[y * width + width - 1]] = 1;
  }
  const out = new Uint8Array(width * height);
  for (let p = 0; p < out.length; p++) out[p] = labels[p] === 0 || !outside[labels[p]] ? 1 : 0;
  return out;
}
