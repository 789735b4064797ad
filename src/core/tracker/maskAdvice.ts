/**
 * The next step to suggest after a click, from the mask it gave (issue 16, item 6). One click on
 * a real vessel tree often returns one branch (a newcomer's first try: 3D Dice 0.22, recall
 * 0.13) and nothing said that more positive clicks along the tree, or a better model, would
 * help. The rule is deliberately simple and stated in its messages: no mask; a vessel mask in
 * several pieces (the model lost the vessel between them); a vessel mask on under 2 % of the
 * layer (en-face vessel density in OCTA is tens of percent, so this is a branch, not the tree);
 * a FAZ under 0.1 % of the layer (a normal FAZ is about 0.3 mm² of a 3×3 mm scan, 3 %).
 */
import { labelComponents } from '../labels/connectedComponents';
import type { ObjectKind } from './trackTypes';

export const SMALL_VESSEL_FRACTION = 0.02;
export const SMALL_FAZ_FRACTION = 0.001;
/** Pieces of a vessel mask from which it reads as fragmented. */
export const FRAGMENTED_PIECES = 3;

/** A suggestion for the tracking status, or null when the mask gives no reason for one. */
export function maskAdvice(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  kind: ObjectKind,
): string | null {
  let area = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) area++;
  if (area === 0) {
    return 'No mask from this click: click inside the vessel or FAZ, or try another model (SAM-OCTA2: Select Model).';
  }
  const percent = (100 * area) / (width * height);
  if (kind === 'faz') {
    return percent < 100 * SMALL_FAZ_FRACTION
      ? `The FAZ mask covers ${percent.toFixed(2)} % of the layer: click nearer its centre, or add positive clicks out to its edge.`
      : null;
  }
  const pieces = labelComponents(mask, width, height, 8).count;
  if (pieces >= FRAGMENTED_PIECES) {
    return `The mask is in ${pieces} pieces: add positive clicks on the vessel between them.`;
  }
  if (percent < 100 * SMALL_VESSEL_FRACTION) {
    return `The mask covers ${percent.toFixed(1)} % of the layer, likely one branch: add positive clicks along the vessels it missed, or pick a model with a higher real-data Dice.`;
  }
  return null;
}
