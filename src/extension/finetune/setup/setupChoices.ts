/**
 * What the guided setup asks for, and the task definition those answers stand for. Pure: the
 * steps fill a `SetupChoices`, this turns it into a `samocta2-finetune` definition that runs
 * the same whether it is started at once or saved to tasks.json.
 */
import {
  FINETUNE_TASK_TYPE,
  type FinetuneTarget,
  type FinetuneTaskDefinition,
  type ModelSize,
} from '../run/taskDefinition';

/** The released SAM 2.1 sizes, which need a base checkpoint file. */
export const RELEASED_SIZES = ['tiny', 'small', 'base_plus', 'large'] as const;
export type ReleasedSize = (typeof RELEASED_SIZES)[number];

export type BaseModel =
  /** A released SAM 2.1 size and its sam2.1_hiera_<size>.pt. */
  | { readonly kind: 'sam'; readonly size: ReleasedSize; readonly checkpoint: string }
  /** The nano test model from random weights (CPU, tests, demos). */
  | { readonly kind: 'nano' }
  /** An exported bundle's LoRA weights, on the base model that bundle was made from. */
  | {
      readonly kind: 'bundle';
      readonly bundle: string;
      readonly name: string;
      readonly size: ModelSize;
      /** The base weights; absent for nano, and when the bundle carries its own copy. */
      readonly checkpoint?: string;
      /** The bundle holds a copy of its base weights, which the trainer uses. */
      readonly baseInBundle?: boolean;
      /** The bundle's LoRA rank, which the run must keep. */
      readonly loraRank?: number;
    };

export type SetupDevice = 'cuda' | 'cpu';

export interface SetupChoices {
  /** Training folder, as typed (relative paths are the workspace folder's). */
  readonly data: string;
  readonly base: BaseModel;
  readonly target: FinetuneTarget;
  readonly steps: number;
  /** A length, or [min, max] drawn per sequence. */
  readonly frames: number | readonly [number, number];
  readonly loraRank: number;
  readonly lr: number;
  readonly device: SetupDevice;
  readonly gpus: number;
  readonly out: string;
}

/**
 * The trainer's defaults (trainer/samocta2/config.py), which are the paper's. The base model is
 * the smallest released one: nano (random weights) only checks a setup, so Enter-Enter-Enter must
 * not train it.
 */
export const DEFAULT_CHOICES: SetupChoices = {
  data: '',
  base: { kind: 'sam', size: 'tiny', checkpoint: '' },
  target: 'rv',
  steps: 2000,
  frames: [4, 8],
  loraRank: 32,
  lr: 5e-6,
  device: 'cuda',
  gpus: 1,
  out: '',
};

export function baseSize(base: BaseModel): ModelSize {
  return base.kind === 'nano' ? 'nano' : base.size;
}

/** The rank is the bundle's when continuing from one: LoRA weights of another rank cannot load. */
export function effectiveRank(choices: SetupChoices): number {
  return choices.base.kind === 'bundle' && choices.base.loraRank !== undefined
    ? choices.base.loraRank
    : choices.loraRank;
}

/** A run folder name that says what the run is. */
export function defaultRunFolder(base: BaseModel, target: FinetuneTarget): string {
  const model = base.kind === 'bundle' ? `${base.name}-continued` : baseSize(base);
  return `runs/${model}_${target}`.replace(/[^A-Za-z0-9_./-]+/g, '-');
}

export function definitionFromChoices(choices: SetupChoices): FinetuneTaskDefinition {
  const { base } = choices;
  // A bundle's own copy of its base wins in the trainer; a path here would only be checked.
  const checkpoint =
    base.kind === 'nano' || (base.kind === 'bundle' && base.baseInBundle === true)
      ? undefined
      : base.checkpoint;
  const gpus = choices.device === 'cuda' ? choices.gpus : 1;
  return {
    type: FINETUNE_TASK_TYPE,
    data: choices.data,
    target: choices.target,
    out: choices.out,
    size: baseSize(base),
    ...(checkpoint === undefined ? {} : { modelCheckpoint: checkpoint }),
    ...(base.kind === 'bundle' ? { continueFrom: base.bundle } : {}),
    steps: choices.steps,
    frames: choices.frames,
    loraRank: effectiveRank(choices),
    lr: choices.lr,
    device: choices.device,
    ...(gpus > 1 ? { gpus } : {}),
  };
}

/** One line for titles and messages: "tiny · vessels · 2000 steps · 2 GPUs → runs/tiny_rv". */
export function describeChoices(choices: SetupChoices): string {
  const model =
    choices.base.kind === 'bundle'
      ? `${choices.base.name} (${choices.base.size})`
      : baseSize(choices.base);
  const where =
    choices.device === 'cpu' ? 'CPU' : choices.gpus > 1 ? `${choices.gpus} GPUs` : '1 GPU';
  const target = choices.target === 'rv' ? 'vessels' : 'FAZ';
  return `${model} · ${target} · ${choices.steps} steps · ${where} → ${choices.out}`;
}
