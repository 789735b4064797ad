/**
 * Rough sizes and speeds per model size, for preflight's disk and CPU warnings. They are
 * estimates with a safety margin, not measurements: a warning that is off by 30 % still helps,
 * one that is missing does not.
 */
import type { FinetuneTaskDefinition, ModelSize } from '../run/taskDefinition';

const MB = 1_000_000;

/** Input side the size is built for (trainer/samocta2/model.py). */
export const NATIVE_IMAGE_SIZE: Readonly<Record<ModelSize, number>> = {
  nano: 256,
  tiny: 1024,
  small: 1024,
  base_plus: 1024,
  large: 1024,
};

/** The released sam2.1_hiera_<size>.pt files; nano has none (random weights, tests only). */
export const RELEASED_CHECKPOINT_BYTES: Readonly<Record<ModelSize, number | undefined>> = {
  nano: undefined,
  tiny: 156 * MB,
  small: 184 * MB,
  base_plus: 324 * MB,
  large: 898 * MB,
};

export const RELEASED_CHECKPOINT_URL = 'https://dl.fbaipublicfiles.com/segment_anything_2/092824/';

/**
 * LoRA parameters at the default rank 32 on the encoder's qkv: 4 * r * width summed over the
 * Hiera blocks (stages x widths of each size's config).
 */
const LORA_PARAMETERS: Readonly<Record<ModelSize, number>> = {
  nano: 78_000,
  tiny: 602_000,
  small: 799_000,
  base_plus: 1_376_000,
  large: 2_175_000,
};

/** A training checkpoint: LoRA weights plus AdamW's two moments (float32), config and RNG. */
export function checkpointBytes(size: ModelSize): number {
  return LORA_PARAMETERS[size] * 4 * 3 + 2 * MB;
}

/**
 * Disk a run needs: the checkpoint twice (saves go to a temporary file beside it, then rename),
 * the exported model bundle (the whole model's graphs, about the base weights' size), and room
 * for logs and the evaluation.
 */
export function runDiskBytes(size: ModelSize): number {
  const bundle = RELEASED_CHECKPOINT_BYTES[size] ?? 30 * MB;
  return Math.ceil((2 * checkpointBytes(size) + bundle + 100 * MB) * 1.25);
}

/**
 * Order of magnitude of one step (batch 1, up to 8 frames) on a desktop CPU, in seconds. nano
 * is anchored on a measured run (128 px: 5-7 s per step on 2 busy cores); the released sizes on
 * SAM 2 encoder inference at 1024 px taking 1-2 s per image on a CPU, times 3 for the backward
 * pass and times the frames.
 */
const CPU_SECONDS_PER_STEP: Readonly<Record<ModelSize, number>> = {
  nano: 4,
  tiny: 50,
  small: 65,
  base_plus: 150,
  large: 400,
};

/** How much faster one current CUDA GPU runs a step than a desktop CPU, roughly. */
export const GPU_SPEEDUP = 50;

const DEFAULT_STEPS = 2000; // trainer/samocta2/config.py train.steps

export interface CpuEstimate {
  readonly secondsPerStep: number;
  readonly totalSeconds: number;
  readonly steps: number;
}

export function cpuEstimate(definition: FinetuneTaskDefinition): CpuEstimate {
  const size = definition.size ?? 'nano';
  const side = definition.imageSize ?? NATIVE_IMAGE_SIZE[size];
  const passes = (definition.batchSize ?? 1) * (definition.gradAccum ?? 1);
  const secondsPerStep =
    CPU_SECONDS_PER_STEP[size] * (side / NATIVE_IMAGE_SIZE[size]) ** 2 * passes;
  const steps = definition.steps ?? DEFAULT_STEPS;
  return { secondsPerStep, totalSeconds: secondsPerStep * steps, steps };
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}
