/**
 * Low-res mask logits -> a layer-size mask (docs/model-bundle.md section 5.5): bilinear
 * half-pixel upsampling of the L x L logits to rows x cols, then logit > 0 is inside. The L x L
 * frame is the whole S x S model frame, so non-square layers come back unstretched.
 */
import { resizeBilinear } from './preprocess';

/** Logits at layer size, row-major rows x cols. */
export function upsampleLogits(
  lowRes: Float32Array,
  side: number,
  rows: number,
  cols: number,
): Float32Array {
  if (lowRes.length !== side * side) {
    throw new RangeError(`Low-res logits hold ${lowRes.length} values, expected ${side}x${side}.`);
  }
  return resizeBilinear(lowRes, side, side, rows, cols);
}

/** 1 where the upsampled logit is > threshold (0 by the contract), else 0. */
export function maskFromLogits(
  lowRes: Float32Array,
  side: number,
  rows: number,
  cols: number,
  threshold = 0,
): Uint8Array {
  const logits = upsampleLogits(lowRes, side, rows, cols);
  const mask = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) mask[i] = logits[i] > threshold ? 1 : 0;
  return mask;
}

export function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}
