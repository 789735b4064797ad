/**
 * SAM 2 layer tracking over a model bundle (docs/model-bundle.md section 5): prompted layers
 * become conditioning frames, then one memory bank is propagated forward from the lowest
 * prompted layer and backward from it. One call tracks one object from scratch (a pure
 * function of the volume and that object's prompts); image features are shared through the
 * per-layer cache, so re-tracking after a new click costs memory attention and decoding only.
 */
import type { LoadedBundle } from './bundleSessions';
import { EmbeddingCache, type CacheLimits } from './embeddingCache';
import { fromBFloat16, MemoryBank, toBFloat16, type Direction } from './memoryBank';
import {
  featuresBytes,
  ModelGraphs,
  type DecoderOutput,
  type DecoderPrompt,
  type LayerFeatures,
} from './modelGraphs';
import { maskFromLogits } from './postprocess';
import { layerToModelInput, toModelPoint } from './preprocess';
import { nearestPrompted } from './eval/classicalBaseline';
import { priorApplies, priorInput, priorMask } from './promptPrior';
import {
  labelledPoints,
  POINT_LABEL,
  shapeMask,
  type LabelledPoint,
  type PromptShape,
} from './promptShapes';
import { passPlan, type Pass } from './trackPlan';
import { VisibilityGate } from './visibilityGate';
import {
  TrackCancelledError,
  type LayerPrompt,
  type LayerSource,
  type PromptPoint,
  type TrackedFrame,
  type TrackOptions,
  type TrackResult,
} from './trackTypes';

export interface TrackerOptions {
  /** A cache shared with other trackers of the same volume and bundle, or limits for a new one. */
  cache?: EmbeddingCache<number, LayerFeatures> | CacheLimits;
  /** Clock for progress figures (ms); Date.now by default. */
  now?: () => number;
  /**
   * Cache key of a layer (default: its index). A tracker over a subset of a volume's layers
   * (an eval sequence) maps to the volume's layer numbers, so its cache can be shared.
   */
  cacheKey?: (layer: number) => number;
  /**
   * How scribbles and lassos reach the decoder: as points (default, measured better) or as a
   * mask input (the alternative docs/evaluation.md "Prompt kinds" measured; for the benchmark).
   */
  shapeEncoding?: 'points' | 'mask';
}

/** A prompted layer as the decoder gets it: labelled points and, optionally, a drawn mask. */
interface LayerInput {
  points: LabelledPoint[];
  /** rows × cols 0/1 (shapeEncoding 'mask'). */
  mask?: Uint8Array;
}

export class SamTracker {
  readonly graphs: ModelGraphs;
  readonly cache: EmbeddingCache<number, LayerFeatures>;
  private readonly now: () => number;
  private readonly cacheKey: (layer: number) => number;
  private readonly shapeEncoding: 'points' | 'mask';

  constructor(
    readonly bundle: LoadedBundle,
    readonly layers: LayerSource,
    options: TrackerOptions = {},
  ) {
    this.graphs = new ModelGraphs(bundle);
    this.cache =
      options.cache instanceof EmbeddingCache
        ? options.cache
        : new EmbeddingCache(featuresBytes, options.cache ?? { maxEntries: 64 });
    this.now = options.now ?? Date.now;
    this.cacheKey = options.cacheKey ?? ((layer) => layer);
    this.shapeEncoding = options.shapeEncoding ?? 'points';
  }

  /** Image features of a layer, from the cache or the image encoder. */
  features(layer: number): Promise<LayerFeatures> {
    this.checkLayer(layer);
    return this.cache.getOrCompute(this.cacheKey(layer), async () => {
      const { rows, cols } = this.layers;
      const pixels = await this.layers.layer(layer);
      const pre = this.bundle.manifest.preprocessing;
      const image = layerToModelInput(pixels, rows, cols, this.graphs.S, pre.mean, pre.std);
      return this.graphs.encodeImage(image);
    });
  }

  /** One prompted layer decoded alone (the mask shown right after a click or a drawn shape). */
  async previewLayer(
    layer: number,
    points: readonly PromptPoint[],
    shapes: readonly PromptShape[] = [],
  ): Promise<TrackedFrame> {
    this.checkLayer(layer);
    const input = this.layerInput(points, shapes);
    if (!input) return this.emptyFrame(layer);
    const out = await this.decodePrompted(layer, input);
    return this.frame(layer, out, true);
  }

  /** Tracks one object through the layers from its prompts. */
  async track(prompts: readonly LayerPrompt[], options: TrackOptions = {}): Promise<TrackResult> {
    const { signal, onFrame, onProgress } = options;
    const prompted = this.normalizePrompts(prompts);
    if (prompted.size === 0) {
      throw new RangeError(
        'Nothing to track: no prompt point lies inside the layer (nor any drawn shape).',
      );
    }
    const T = this.layers.count;
    const memory = this.bundle.manifest.memory;
    const bank = new MemoryBank({
      numLayers: T,
      numMaskmem: memory.num_maskmem,
      maxObjPtrs: memory.max_obj_ptrs_in_encoder,
    });
    const bf16 = memory.storage_dtype === 'bfloat16';
    const condOut = new Map<number, DecoderOutput>();
    for (const [layer, input] of prompted) {
      cancelIfAsked(signal);
      condOut.set(layer, await this.decodePrompted(layer, input));
    }
    for (const [layer, out] of condOut) {
      cancelIfAsked(signal);
      const raw = (await this.features(layer)).imageEmbed;
      const mem = await this.graphs.encodeMemory(raw, out, true);
      bank.cond.set(layer, { memory: store(mem, bf16), objPtr: out.objPtr, score: out.score });
    }
    const gate =
      options.kind === 'vessel' ? new VisibilityGate(this.layers, prompted.keys()) : undefined;
    const start = Math.min(...prompted.keys());
    const passes = passPlan(start, T, options.range, options.direction ?? 'both');
    const total = passes.reduce((n, p) => n + p.layers.length, 0);
    const result: TrackResult = { frames: new Map(), order: [] };
    const began = this.now();
    const emit = (frame: TrackedFrame, pass: Pass): void => {
      result.frames.set(frame.layer, frame);
      result.order.push(frame.layer);
      onFrame?.(frame);
      if (onProgress) {
        const elapsedMs = this.now() - began;
        const done = result.order.length;
        const rate = elapsedMs > 0 ? (1000 * done) / elapsedMs : 0;
        const etaMs = rate > 0 ? ((total - done) / rate) * 1000 : NaN;
        onProgress({
          done,
          total,
          layer: frame.layer,
          direction: pass.direction,
          elapsedMs,
          layersPerSecond: rate,
          etaMs,
        });
      }
    };
    for (const pass of passes) {
      for (const f of pass.layers) {
        cancelIfAsked(signal);
        const cond = condOut.get(f);
        if (cond) {
          emit(this.frame(f, cond, true), pass);
          continue;
        }
        const out = await this.trackLayer(bank, f, pass.direction, bf16, prompted);
        bank.forgetBehind(f, pass.direction, start);
        const frame = this.frame(f, out, false);
        // After the memory took the model's mask: the gate judges what is shown, not what is
        // remembered (as the trainer's evaluation applies it to the predicted masks).
        if (gate && !(await gate.keeps(f, frame.mask)))
          frame.mask = new Uint8Array(frame.mask.length);
        emit(frame, pass);
      }
    }
    // Prompted layers the passes did not reach (outside a chosen range) still show their mask.
    for (const [layer, out] of condOut) {
      if (!result.frames.has(layer)) result.frames.set(layer, this.frame(layer, out, true));
    }
    return result;
  }

  private async trackLayer(
    bank: MemoryBank,
    f: number,
    d: Direction,
    bf16: boolean,
    prompted: ReadonlyMap<number, LayerInput>,
  ): Promise<DecoderOutput> {
    const feats = await this.features(f);
    // A carrying bundle's tracked layer: the nearest prompted layer's points, as the classical
    // baseline carries them (manifest prompts.dense_prior.carry).
    const carried = this.bundle.manifest.prompts?.dense_prior?.carry
      ? prompted.get(
          nearestPrompted(
            f,
            [...prompted.keys()].sort((a, b) => a - b),
          ),
        )?.points
      : undefined;
    const sel = bank.select(f, d);
    const { M, H, C } = this.graphs;
    const memSize = M * H * H;
    const memory = new Float32Array(sel.memories.length * memSize);
    sel.memories.forEach((m, i) => fromBFloat16(m, memory, i * memSize));
    const ptrs = new Float32Array(sel.objPtrs.length * C);
    sel.objPtrs.forEach((p, i) => ptrs.set(p, i * C));
    const conditioned = await this.graphs.attend(
      feats.imageEmbed,
      memory,
      sel.memoryTpos,
      ptrs,
      sel.objPtrTpos,
    );
    const noClick: DecoderPrompt = { coords: new Float32Array(2), labels: new Int32Array([-1]) };
    const maskInput = carried ? await this.denseInput(f, carried) : undefined;
    const out = await this.graphs.decode(conditioned, feats, noClick, false, true, maskInput);
    const mem = await this.graphs.encodeMemory(feats.imageEmbed, out, false);
    bank.nonCond.set(f, { memory: store(mem, bf16), objPtr: out.objPtr, score: out.score });
    return out;
  }

  private async decodePrompted(layer: number, input: LayerInput): Promise<DecoderOutput> {
    const feats = await this.features(layer);
    const { rows, cols } = this.layers;
    // A mask-only layer (a lasso sent as a mask) still needs one point slot: "not a point".
    const points = input.points.length > 0 ? input.points : [{ x: 0, y: 0, label: -1 }];
    const coords = new Float32Array(points.length * 2);
    points.forEach((p, i) => coords.set(toModelPoint(p.x, p.y, rows, cols, this.graphs.S), 2 * i));
    const labels = Int32Array.from(points, (p) => p.label);
    const maxMultimask = this.bundle.manifest.memory.multimask_max_points ?? 1;
    const maskInput = input.mask
      ? drawnMaskInput(input.mask, rows, cols, this.graphs.L)
      : this.bundle.manifest.prompts?.dense_prior
        ? await this.denseInput(layer, input.points)
        : undefined;
    return this.graphs.decode(
      feats.imageEmbed,
      feats,
      { coords, labels },
      true,
      input.points.length <= maxMultimask,
      maskInput,
    );
  }

  /**
   * The dense prompt of these points on a layer (promptPrior.ts), or none when it does not apply;
   * it reads clicks (labels 0 and 1) only: box corners say nothing about the threshold's side.
   */
  private async denseInput(
    layer: number,
    labelled: readonly LabelledPoint[],
  ): Promise<Float32Array | undefined> {
    const points: PromptPoint[] = labelled
      .filter((p) => p.label === POINT_LABEL.positive || p.label === POINT_LABEL.negative)
      .map((p) => ({ x: p.x, y: p.y, positive: p.label === POINT_LABEL.positive }));
    if (!priorApplies(points)) return undefined;
    const { rows, cols } = this.layers;
    const carve = this.bundle.manifest.prompts?.dense_prior?.carve === true;
    const region = priorMask(await this.layers.layer(layer), rows, cols, points, carve);
    return priorInput(region, rows, cols, this.graphs.L);
  }

  private frame(layer: number, out: DecoderOutput, prompted: boolean): TrackedFrame {
    const { rows, cols } = this.layers;
    return {
      layer,
      mask: maskFromLogits(out.masks, this.graphs.L, rows, cols),
      score: out.score,
      prompted,
      lowRes: out.masks,
    };
  }

  private emptyFrame(layer: number): TrackedFrame {
    const { rows, cols } = this.layers;
    const L = this.graphs.L;
    const noObject = this.bundle.manifest.postprocessing.no_object_logit;
    return {
      layer,
      mask: new Uint8Array(rows * cols),
      score: -Infinity,
      prompted: true,
      lowRes: new Float32Array(L * L).fill(noObject),
    };
  }

  /** Layer -> its decoder input, sorted by layer; layers left without any prompt drop. */
  private normalizePrompts(prompts: readonly LayerPrompt[]): Map<number, LayerInput> {
    const byLayer = new Map<number, { points: PromptPoint[]; shapes: PromptShape[] }>();
    for (const prompt of prompts) {
      this.checkLayer(prompt.layer);
      const merged = byLayer.get(prompt.layer) ?? { points: [], shapes: [] };
      merged.points.push(...prompt.points);
      merged.shapes.push(...(prompt.shapes ?? []));
      byLayer.set(prompt.layer, merged);
    }
    const inputs = new Map<number, LayerInput>();
    for (const [layer, { points, shapes }] of [...byLayer].sort((a, b) => a[0] - b[0])) {
      const input = this.layerInput(points, shapes);
      if (input) inputs.set(layer, input);
    }
    return inputs;
  }

  /**
   * One layer's clicks and shapes as decoder input, or undefined when nothing lies inside the
   * image. Points outside are ignored (issue 4, "bad input"); a box corner outside is clamped
   * to the image instead, so a box drawn past the edge still frames what it covers.
   */
  private layerInput(
    points: readonly PromptPoint[],
    shapes: readonly PromptShape[],
  ): LayerInput | undefined {
    const { rows, cols } = this.layers;
    const asMask = this.shapeEncoding === 'mask';
    const pointShapes = asMask
      ? shapes.filter((s) => s.kind === 'box' || (s.kind === 'scribble' && !s.positive))
      : shapes;
    const inside = (p: LabelledPoint): boolean => p.x >= 0 && p.y >= 0 && p.x < cols && p.y < rows;
    const labelled = labelledPoints(points, pointShapes)
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
      .map((p) =>
        p.label === POINT_LABEL.boxTopLeft || p.label === POINT_LABEL.boxBottomRight
          ? { ...p, x: clamp(p.x, 0, cols - 1), y: clamp(p.y, 0, rows - 1) }
          : p,
      )
      .filter(inside);
    const mask = asMask ? shapeMask(shapes, rows, cols) : undefined;
    const hasMask = mask?.some((v) => v === 1) ?? false;
    if (labelled.length === 0 && !hasMask) return undefined;
    return hasMask ? { points: labelled, mask } : { points: labelled };
  }

  private checkLayer(layer: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers.count) {
      throw new RangeError(
        `Layer ${layer} is outside the volume (layers 0–${this.layers.count - 1}).`,
      );
    }
  }
}

function store(memory: Float32Array, bf16: boolean): Uint16Array {
  if (!bf16)
    throw new Error('Only bfloat16 memory storage is supported (manifest memory.storage_dtype).');
  return toBFloat16(memory);
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/**
 * L × L decoder mask input of a drawn mask: a cell any drawn pixel touches is +10, others -10,
 * the logit range SAM 2 gives a mask it is handed as a frame's output (sigmoid scale 20,
 * bias -10); any-touch so a thin stroke survives the pooling.
 */
function drawnMaskInput(mask: Uint8Array, rows: number, cols: number, side: number): Float32Array {
  return priorInput(mask, rows, cols, side).map((v) => (v > -1 ? 10 : -10));
}

function cancelIfAsked(signal: TrackOptions['signal']): void {
  if (signal?.aborted) throw new TrackCancelledError();
}
