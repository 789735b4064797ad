/**
 * Which layers each propagation pass visits (docs/model-bundle.md section 5.2): forward from
 * the lowest prompted layer to the last, then backward from it to layer 0 (skipped when it is
 * layer 0), each cut short by a user-chosen range.
 */
import type { TrackDirection } from './trackTypes';

export interface Pass {
  direction: 1 | -1;
  layers: number[];
}

export function passPlan(
  start: number,
  numLayers: number,
  range: { from: number; to: number } | undefined,
  direction: TrackDirection,
): Pass[] {
  const from = Math.max(0, Math.min(range?.from ?? 0, range?.to ?? numLayers - 1));
  const to = Math.min(numLayers - 1, Math.max(range?.from ?? 0, range?.to ?? numLayers - 1));
  const passes: Pass[] = [];
  if (direction !== 'backward') {
    const layers: number[] = [];
    for (let f = start; f <= to; f++) layers.push(f);
    passes.push({ direction: 1, layers });
  }
  // sam2 skips the reverse pass when it would only revisit the start layer.
  if (direction === 'backward' || (direction === 'both' && start > 0)) {
    const layers: number[] = [];
    for (let f = start; f >= from; f--) layers.push(f);
    passes.push({ direction: -1, layers });
  }
  return passes;
}
