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
import { passPlan, type Pass } from './trackPlan';
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
}

export class SamTracker {
  readonly graphs: ModelGraphs;
  readonly cache: EmbeddingCache<number, LayerFeatures>;
  private readonly now: () => number;
  private readonly cacheKey: (layer: number) => number;

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

  /** One prompted layer decoded alone (the mask shown right after a click). */
  async previewLayer(layer: number, points: readonly PromptPoint[]): Promise<TrackedFrame> {
    const inside = this.insidePoints(points);
    if (inside.length === 0) return this.emptyFrame(layer);
    const out = await this.decodePrompted(layer, inside);
    return this.frame(layer, out, true);
  }

  /** Tracks one object through the layers from its prompts. */
  async track(prompts: readonly LayerPrompt[], options: TrackOptions = {}): Promise<TrackResult> {
    const { signal, onFrame, onProgress } = options;
    const prompted = this.normalizePrompts(prompts);
    if (prompted.size === 0) {
      throw new RangeError('Nothing to track: no prompt point lies inside the layer.');
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
    for (const [layer, points] of prompted) {
      cancelIfAsked(signal);
      condOut.set(layer, await this.decodePrompted(layer, points));
    }
    for (const [layer, out] of condOut) {
      cancelIfAsked(signal);
      const raw = (await this.features(layer)).imageEmbed;
      const mem = await this.graphs.encodeMemory(raw, out, true);
      bank.cond.set(layer, { memory: store(mem, bf16), objPtr: out.objPtr, score: out.score });
    }
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
        emit(this.frame(f, out, false), pass);
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
    prompted: ReadonlyMap<number, readonly PromptPoint[]>,
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
        )
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

  private async decodePrompted(
    layer: number,
    points: readonly PromptPoint[],
  ): Promise<DecoderOutput> {
    const feats = await this.features(layer);
    const { rows, cols } = this.layers;
    const coords = new Float32Array(points.length * 2);
    points.forEach((p, i) => coords.set(toModelPoint(p.x, p.y, rows, cols, this.graphs.S), 2 * i));
    const labels = Int32Array.from(points, (p) => (p.positive ? 1 : 0));
    const maxMultimask = this.bundle.manifest.memory.multimask_max_points ?? 1;
    const maskInput = this.bundle.manifest.prompts?.dense_prior
      ? await this.denseInput(layer, points)
      : undefined;
    return this.graphs.decode(
      feats.imageEmbed,
      feats,
      { coords, labels },
      true,
      points.length <= maxMultimask,
      maskInput,
    );
  }

  /** The dense prompt of these points on a layer (promptPrior.ts), or none when it does not apply. */
  private async denseInput(
    layer: number,
    points: readonly PromptPoint[],
  ): Promise<Float32Array | undefined> {
    if (!priorApplies(points)) return undefined;
    const { rows, cols } = this.layers;
    const region = priorMask(await this.layers.layer(layer), rows, cols, points);
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

  /** Layer -> its points inside the image, sorted by layer; layers left without points drop. */
  private normalizePrompts(prompts: readonly LayerPrompt[]): Map<number, PromptPoint[]> {
    const byLayer = new Map<number, PromptPoint[]>();
    for (const prompt of prompts) {
      this.checkLayer(prompt.layer);
      const inside = this.insidePoints(prompt.points);
      if (inside.length > 0)
        byLayer.set(prompt.layer, [...(byLayer.get(prompt.layer) ?? []), ...inside]);
    }
    return new Map([...byLayer].sort((a, b) => a[0] - b[0]));
  }

  /** Clicks outside the image are ignored (issue 4, "bad input"). */
  private insidePoints(points: readonly PromptPoint[]): PromptPoint[] {
    const { rows, cols } = this.layers;
    return points.filter(
      (p) =>
        Number.isFinite(p.x) &&
        Number.isFinite(p.y) &&
        p.x >= 0 &&
        p.y >= 0 &&
        p.x < cols &&
        p.y < rows,
    );
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

function cancelIfAsked(signal: TrackOptions['signal']): void {
  if (signal?.aborted) throw new TrackCancelledError();
}
