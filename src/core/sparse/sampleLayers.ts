/**
 * Seeded random choice of layers to annotate, without replacement, from one volume's
 * non-blank layers or from those of a set of volumes (every (volume, layer) pair equally
 * likely). A partial Fisher–Yates shuffle: the same seed gives the same pairs in the same
 * order, and asking for more with the same seed extends the earlier list instead of reshuffling.
 */
import { Random } from '../synth/random';

export interface LayerRef {
  volumeIndex: number;
  layer: number;
}

export interface SampleOptions {
  /** Pairs never to return (layers already annotated). */
  exclude?: readonly LayerRef[];
}

/**
 * `pool`: one volume's layer indices, or one list per volume. Returns min(n, available) pairs in
 * draw order; repeated layers in the pool count once.
 */
export function sampleLayers(
  pool: readonly number[] | readonly (readonly number[])[],
  n: number,
  seed: number,
  options: SampleOptions = {},
): LayerRef[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`Number of layers to sample must be a whole number ≥ 0; got ${n}.`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`Seed must be a whole number; got ${seed}.`);
  const lists = isPerVolume(pool) ? pool : [pool as readonly number[]];
  const excluded = new Set((options.exclude ?? []).map((ref) => key(ref.volumeIndex, ref.layer)));
  const volumes: number[] = [];
  const layers: number[] = [];
  lists.forEach((list, volumeIndex) => {
    if (!Array.isArray(list)) {
      throw new RangeError('Pool must be layer indices, or one list of layer indices per volume.');
    }
    const seen = new Set<number>();
    for (const layer of list) {
      if (!Number.isInteger(layer) || layer < 0) {
        throw new RangeError(
          `Layer indices must be whole numbers ≥ 0; volume ${volumeIndex} lists ${layer}.`,
        );
      }
      if (seen.has(layer) || excluded.has(key(volumeIndex, layer))) continue;
      seen.add(layer);
      volumes.push(volumeIndex);
      layers.push(layer);
    }
  });
  const total = layers.length;
  const take = Math.min(n, total);
  const rng = new Random(seed).fork('sampleLayers');
  const picked: LayerRef[] = [];
  for (let m = 0; m < take; m++) {
    const r = rng.int(m, total - 1);
    [volumes[m], volumes[r]] = [volumes[r], volumes[m]];
    [layers[m], layers[r]] = [layers[r], layers[m]];
    picked.push({ volumeIndex: volumes[m], layer: layers[m] });
  }
  return picked;
}

function isPerVolume(
  pool: readonly number[] | readonly (readonly number[])[],
): pool is readonly (readonly number[])[] {
  return pool.length > 0 && Array.isArray(pool[0]);
}

function key(volumeIndex: number, layer: number): string {
  return `${volumeIndex}:${layer}`;
}
