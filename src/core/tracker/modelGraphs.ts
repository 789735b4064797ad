/**
 * Typed calls of the bundle's four graphs (docs/model-bundle.md section 4): tensors in and out
 * with the contract's names, dtypes and shapes, so the tracker reads as the pseudocode.
 */
import type { LoadedBundle } from './bundleSessions';
import { float32Output, type RuntimeTensor } from './onnxRuntime';

export interface LayerFeatures {
  /** [1, C, H, W] raw image features. */
  imageEmbed: Float32Array;
  /** [1, C/8, 4H, 4W]. */
  highRes0: Float32Array;
  /** [1, C/4, 2H, 2W]. */
  highRes1: Float32Array;
}

export interface DecoderOutput {
  /** [1, 1, L, L] low-res logits of the chosen mask (-1024 everywhere when absent). */
  masks: Float32Array;
  /** [1, C]. */
  objPtr: Float32Array;
  /** Object score logit; > 0: present. */
  score: number;
}

export interface DecoderPrompt {
  /** Model-pixel coordinates, x then y per point. */
  coords: Float32Array;
  /** 1 positive, 0 negative, -1 not a point. */
  labels: Int32Array;
}

export function featuresBytes(f: LayerFeatures): number {
  return f.imageEmbed.byteLength + f.highRes0.byteLength + f.highRes1.byteLength;
}

export class ModelGraphs {
  readonly S: number;
  readonly C: number;
  readonly M: number;
  readonly H: number;
  readonly L: number;

  constructor(readonly bundle: LoadedBundle) {
    const m = bundle.manifest.model;
    this.S = m.image_size;
    this.C = m.hidden_dim;
    this.M = m.mem_dim;
    this.H = m.feature_size;
    this.L = m.low_res_mask_size;
  }

  async encodeImage(image: Float32Array): Promise<LayerFeatures> {
    const out = await this.run('image_encoder', {
      image: this.f32(image, [1, 3, this.S, this.S]),
    });
    return {
      imageEmbed: float32Output(out, 'image_embed', 'image_encoder'),
      highRes0: float32Output(out, 'high_res_feat0', 'image_encoder'),
      highRes1: float32Output(out, 'high_res_feat1', 'image_encoder'),
    };
  }

  async decode(
    embed: Float32Array,
    features: LayerFeatures,
    prompt: DecoderPrompt,
    noMemory: boolean,
    multimask: boolean,
    /** L × L dense prompt (promptPrior.ts) for a prompted layer of a bundle that asks for one. */
    maskInput?: Float32Array,
  ): Promise<DecoderOutput> {
    const { C, H, L } = this;
    const p = prompt.labels.length;
    const out = await this.run('mask_decoder', {
      image_embed: this.f32(embed, [1, C, H, H]),
      high_res_feat0: this.f32(features.highRes0, [1, C / 8, 4 * H, 4 * H]),
      high_res_feat1: this.f32(features.highRes1, [1, C / 4, 2 * H, 2 * H]),
      point_coords: this.f32(prompt.coords, [1, p, 2]),
      point_labels: this.bundle.runtime.createTensor('int32', prompt.labels, [1, p]),
      mask_input: this.f32(maskInput ?? new Float32Array(L * L), [1, 1, L, L]),
      has_mask_input: this.f32(new Float32Array([maskInput ? 1 : 0]), [1]),
      no_memory: this.f32(new Float32Array([noMemory ? 1 : 0]), [1]),
      multimask: this.f32(new Float32Array([multimask ? 1 : 0]), [1]),
    });
    return {
      masks: float32Output(out, 'masks', 'mask_decoder'),
      objPtr: float32Output(out, 'obj_ptr', 'mask_decoder'),
      score: float32Output(out, 'object_score_logits', 'mask_decoder')[0],
    };
  }

  async encodeMemory(
    imageEmbed: Float32Array,
    decoded: DecoderOutput,
    prompted: boolean,
  ): Promise<Float32Array> {
    const { C, H, L } = this;
    const out = await this.run('memory_encoder', {
      image_embed: this.f32(imageEmbed, [1, C, H, H]),
      masks: this.f32(decoded.masks, [1, 1, L, L]),
      object_score_logits: this.f32(new Float32Array([decoded.score]), [1, 1]),
      is_prompted: this.f32(new Float32Array([prompted ? 1 : 0]), [1]),
    });
    return float32Output(out, 'maskmem_features', 'memory_encoder');
  }

  /** memory [N, M, H, W], memoryTpos [N], objPtrs [P, C], objPtrTpos [P]. */
  async attend(
    imageEmbed: Float32Array,
    memory: Float32Array,
    memoryTpos: readonly number[],
    objPtrs: Float32Array,
    objPtrTpos: readonly number[],
  ): Promise<Float32Array> {
    const { C, M, H } = this;
    const n = memoryTpos.length;
    const p = objPtrTpos.length;
    const out = await this.run('memory_attention', {
      image_embed: this.f32(imageEmbed, [1, C, H, H]),
      memory: this.f32(memory, [n, M, H, H]),
      memory_tpos: this.bundle.runtime.createTensor(
        'int64',
        BigInt64Array.from(memoryTpos, (t) => BigInt(t)),
        [n],
      ),
      obj_ptrs: this.f32(objPtrs, [p, C]),
      obj_ptr_tpos: this.f32(Float32Array.from(objPtrTpos), [p]),
    });
    return float32Output(out, 'conditioned', 'memory_attention');
  }

  private f32(data: Float32Array, dims: number[]): RuntimeTensor {
    return this.bundle.runtime.createTensor('float32', data, dims);
  }

  private run(
    graph: keyof LoadedBundle['sessions'],
    feeds: Record<string, RuntimeTensor>,
  ): Promise<Record<string, RuntimeTensor>> {
    return this.bundle.sessions[graph].run(feeds);
  }
}
