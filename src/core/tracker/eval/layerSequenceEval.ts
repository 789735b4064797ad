/**
 * The paper's layer-sequence evaluation (Table II) with this tracker, as the trainer's
 * `samocta2 eval` runs it: per object, a short sequence of equally spaced layers, prompts on
 * 1-3 of them, tracking through the sequence, Dice and Jaccard per frame, averaged over all
 * object-frames. Under the `project` protocol a frame where neither prediction nor truth has
 * the object counts as 1, under `paper` as 0, with vessels under 100 px absent (evalProtocol.ts;
 * paperDraws.ts draws that protocol's sequences). The classical baseline (classicalBaseline.ts)
 * is scored on the same sequences and points, bare and through the visibility gate the tracker
 * applies to vessels (visibilityGate.ts), so that the model is compared with the same rule on
 * both sides.
 */
import type { Random } from '../../synth/random';
import type { LoadedBundle } from '../bundleSessions';
import type { EmbeddingCache } from '../embeddingCache';
import type { LayerFeatures } from '../modelGraphs';
import { SamTracker } from '../tracker';
import { classicalMasks, type ClassicalTarget } from './classicalBaseline';
import type { LayerSource, ObjectKind } from '../trackTypes';
import { gateMasks } from '../visibilityGate';
import {
  equalIntervalFrames,
  framePrompt,
  promptedPositions,
  type SampledPoint,
} from './promptSampling';

export interface Draw {
  frames: number;
  prompted: number;
  positive: number;
  negative: number;
}

export const BASELINE: Draw = { frames: 4, prompted: 2, positive: 5, negative: 3 };

export interface Condition {
  factor: string;
  value: number;
  draw: Draw;
}

/** Baseline first, then each factor varied alone (paper Table II). */
export function table2Conditions(kind: 'baseline' | 'all'): Condition[] {
  const rows: Condition[] = [{ factor: 'Baseline', value: 0, draw: BASELINE }];
  if (kind === 'baseline') return rows;
  const factors: [string, keyof Draw, number[]][] = [
    ['Frame length', 'frames', [4, 6, 8]],
    ['Prompted frames', 'prompted', [1, 2, 3]],
    ['Positive points', 'positive', [1, 5, 10]],
    ['Negative points', 'negative', [0, 3, 6]],
  ];
  for (const [factor, key, values] of factors) {
    for (const value of values) rows.push({ factor, value, draw: { ...BASELINE, [key]: value } });
  }
  return rows;
}

/** One volume with per-voxel object ids (volume voxel order; layers along k). */
export interface EvalCase {
  name: string;
  layers: LayerSource;
  /** Object id per voxel, 0 = background; layer k is the k-th rows*cols plane. */
  labels: Int32Array;
}

export interface EvalSequence {
  case: string;
  object: number;
  /** Volume layer numbers, in sequence order. */
  layers: number[];
  /** Sequence position -> points [x, y, label]. */
  prompts: { position: number; points: SampledPoint[] }[];
}

export function objectMask(c: EvalCase, object: number, layer: number): Uint8Array {
  const plane = c.layers.rows * c.layers.cols;
  const out = new Uint8Array(plane);
  const base = plane * layer;
  for (let i = 0; i < plane; i++) out[i] = c.labels[base + i] === object ? 1 : 0;
  return out;
}

/** objectMask, empty where the object has fewer than max(1, minPx) pixels (the paper protocol). */
export function shownMask(c: EvalCase, object: number, layer: number, minPx: number): Uint8Array {
  const mask = objectMask(c, object, layer);
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  if (n < Math.max(1, minPx)) mask.fill(0);
  return mask;
}

/** How frames are scored: the empty-vs-empty score and the minimum object size (evalProtocol.ts). */
export interface Scoring {
  emptyScore: number;
  minObjectPx: number;
}

export const PROJECT_SCORING: Scoring = { emptyScore: 1, minObjectPx: 0 };

/** Objects of a case with the layers they appear on, ids ascending (as the trainer's source). */
export function caseObjects(c: EvalCase): { object: number; present: number[] }[] {
  const plane = c.layers.rows * c.layers.cols;
  const present = new Map<number, Set<number>>();
  for (let i = 0; i < c.labels.length; i++) {
    const id = c.labels[i];
    if (id > 0) {
      let set = present.get(id);
      if (!set) present.set(id, (set = new Set()));
      set.add(Math.floor(i / plane));
    }
  }
  return [...present.keys()]
    .sort((a, b) => a - b)
    .map((object) => ({ object, present: [...present.get(object)!].sort((a, b) => a - b) }));
}

/** Port of SequenceSource.draw without augmentation. */
export function drawSequence(
  rng: Random,
  c: EvalCase,
  object: number,
  present: readonly number[],
  draw: Draw,
  gap: number,
  ringWidth: number,
): EvalSequence {
  const shows = (layer: number): boolean => objectMask(c, object, layer).some((v) => v === 1);
  let layers: number[] = [];
  let positions: number[] = [];
  let found = false;
  for (let attempt = 0; attempt < 20 && !found; attempt++) {
    layers = equalIntervalFrames(rng, c.layers.count, present, draw.frames);
    positions = promptedPositions(draw.prompted, layers.length);
    found = positions.every((p) => shows(layers[p]));
  }
  if (!found) {
    let shown = layers.map((k, i) => (shows(k) ? i : -1)).filter((i) => i >= 0);
    if (shown.length === 0) {
      layers = present.slice(0, layers.length);
      shown = layers.map((_, i) => i);
    }
    const order = [shown[0], shown[shown.length - 1], shown[Math.floor((shown.length - 1) / 2)]];
    positions = [...new Set(order)].slice(0, Math.max(1, draw.prompted)).sort((a, b) => a - b);
  }
  const { rows, cols } = c.layers;
  const prompts = positions
    .map((position) => ({
      position,
      points: framePrompt(
        rng,
        objectMask(c, object, layers[position]),
        rows,
        cols,
        Math.max(1, draw.positive),
        draw.negative,
        gap,
        ringWidth,
      ),
    }))
    .filter((p) => p.points.some((q) => q[2] === 1));
  return { case: c.name, object, layers, prompts };
}

/** Dice and Jaccard; a frame where both are empty scores `empty`. */
export function diceJaccard(pred: Uint8Array, truth: Uint8Array, empty = 1): [number, number] {
  let inter = 0;
  let total = 0;
  for (let i = 0; i < pred.length; i++) {
    inter += pred[i] & truth[i];
    total += pred[i] + truth[i];
  }
  if (total === 0) return [empty, empty];
  return [(2 * inter) / total, inter / (total - inter)];
}

/** The object kind the tracker is told for an evaluation target. */
export function targetKind(target: ClassicalTarget): ObjectKind {
  return target === 'rv' ? 'vessel' : 'faz';
}

/** A sequence's layers as the tracker's source (position i = volume layer seq.layers[i]). */
function sequenceLayers(c: EvalCase, seq: EvalSequence): LayerSource {
  return {
    count: seq.layers.length,
    rows: c.layers.rows,
    cols: c.layers.cols,
    pixelMm: c.layers.pixelMm,
    layer: (i) => c.layers.layer(seq.layers[i]),
  };
}

/** Tracks one sequence as the editor does; returns [dice, jaccard] per frame in sequence order. */
export async function scoreSequence(
  bundle: LoadedBundle,
  c: EvalCase,
  seq: EvalSequence,
  target: ClassicalTarget,
  cache: EmbeddingCache<number, LayerFeatures>,
  scoring: Scoring = PROJECT_SCORING,
): Promise<[number, number][]> {
  const source = sequenceLayers(c, seq);
  const tracker = new SamTracker(bundle, source, { cache, cacheKey: (i) => seq.layers[i] });
  const result = await tracker.track(
    seq.prompts.map((p) => ({
      layer: p.position,
      points: p.points.map(([x, y, label]) => ({ x, y, positive: label === 1 })),
    })),
    { kind: targetKind(target) },
  );
  return seq.layers.map((layer, i) => {
    const frame = result.frames.get(i);
    if (!frame)
      throw new Error(`sequence of ${c.name} object ${seq.object}: position ${i} was not tracked.`);
    const truth = shownMask(c, seq.object, layer, scoring.minObjectPx);
    return diceJaccard(frame.mask, truth, scoring.emptyScore);
  });
}

/** The classical baseline on one sequence, bare and gated; [dice, jaccard] per frame in order. */
export async function scoreClassicalSequence(
  c: EvalCase,
  seq: EvalSequence,
  target: ClassicalTarget,
  scoring: Scoring = PROJECT_SCORING,
): Promise<{ bare: [number, number][]; gated: [number, number][] }> {
  const frames = await Promise.all(seq.layers.map((layer) => c.layers.layer(layer)));
  const masks = classicalMasks(frames, c.layers.rows, c.layers.cols, seq.prompts, target);
  const prompted = seq.prompts.map((p) => p.position);
  const gated = await gateMasks(sequenceLayers(c, seq), prompted, masks, targetKind(target));
  const score = (m: Uint8Array[]): [number, number][] =>
    seq.layers.map((layer, i) =>
      diceJaccard(m[i], shownMask(c, seq.object, layer, scoring.minObjectPx), scoring.emptyScore),
    );
  return { bare: score(masks), gated: score(gated) };
}
