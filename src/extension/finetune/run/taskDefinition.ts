/**
 * The `samocta2-finetune` task definition (what a tasks.json entry holds) and the trainer
 * command line it stands for. Every field mirrors one flag of `python -m samocta2 train`
 * (trainer/samocta2/cli.py `_train_args`); unset fields leave the trainer's config defaults.
 * Pure: no vscode, no I/O, so tasks.json parsing is unit-tested without VS Code or Python.
 */
import type { CommandLine } from '../../trainerTask/runPlan';
import {
  type ParsedFields,
  type Rule,
  checkTaskFields,
  definitionOf,
  isCount,
  isDevice,
  isPath,
} from '../../trainerTask/taskFields';

export const FINETUNE_TASK_TYPE = 'samocta2-finetune';

export const TARGETS = ['rv', 'faz'] as const;
export type FinetuneTarget = (typeof TARGETS)[number];

export const MODEL_SIZES = ['nano', 'tiny', 'small', 'base_plus', 'large'] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];

export interface FinetuneTaskDefinition {
  readonly type: typeof FINETUNE_TASK_TYPE;
  /** Training folder of NIfTI volumes and labels (--data). Required unless `config` sets it. */
  readonly data?: string;
  readonly valData?: string;
  readonly target?: FinetuneTarget;
  /** Run folder: checkpoint.pt and config.yaml (--out). */
  readonly out?: string;
  readonly size?: ModelSize;
  /** SAM 2.1 base weights, a sam2.1_hiera_*.pt file (--model-checkpoint). */
  readonly modelCheckpoint?: string;
  readonly imageSize?: number;
  readonly steps?: number;
  readonly batchSize?: number;
  readonly gradAccum?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** auto | cpu | cuda | cuda:N */
  readonly device?: string;
  readonly checkpointEvery?: number;
  readonly valEvery?: number;
  readonly bf16?: boolean;
  readonly activationCheckpointing?: boolean;
  /** Continue from <out>/checkpoint.pt. */
  readonly resume?: boolean;
  /** Processes (one per GPU); more than one runs the trainer under torchrun with --ddp. */
  readonly gpus?: number;
  /** Experiment YAML (trainer/configs/*.yaml); the other fields override it. */
  readonly config?: string;
  /** Frames per training sequence: a length, or [min, max] drawn per sequence (sampling.frames). */
  readonly frames?: number | readonly [number, number];
  /** LoRA rank (lora.r; the paper uses 32). */
  readonly loraRank?: number;
  /** A model bundle folder whose LoRA weights start this run (--init-lora; manifest training.lora). */
  readonly continueFrom?: string;
}

export type ParsedDefinition = ParsedFields<FinetuneTaskDefinition>;

const text: Rule = (v, name) => (isPath(v) ? undefined : `"${name}" must be a non-empty path`);
const oneOf =
  (allowed: readonly string[]): Rule =>
  (v, name) =>
    typeof v === 'string' && allowed.includes(v)
      ? undefined
      : `"${name}" is ${JSON.stringify(v)}; supported: ${allowed.join(', ')}`;
const integer =
  (min: number): Rule =>
  (v, name) =>
    isCount(v, min)
      ? undefined
      : `"${name}" is ${JSON.stringify(v)}; expected a whole number of at least ${min}`;
const flag: Rule = (v, name) =>
  typeof v === 'boolean' ? undefined : `"${name}" is ${JSON.stringify(v)}; expected true or false`;
const positive: Rule = (v, name) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0
    ? undefined
    : `"${name}" is ${JSON.stringify(v)}; expected a positive number such as 5e-6`;
const imageSide: Rule = (v, name) =>
  integer(32)(v, name) ??
  ((v as number) % 32 === 0
    ? undefined
    : `"${name}" is ${String(v)}; the model input side must be a multiple of 32 (e.g. 256, 1024)`);
const frameLength: Rule = (v, name) => {
  if (Array.isArray(v) && v.length === 2) {
    const [lo, hi] = v as unknown[];
    const problem = integer(1)(lo, `${name}[0]`) ?? integer(1)(hi, `${name}[1]`);
    if (problem !== undefined) return problem;
    return (lo as number) <= (hi as number)
      ? undefined
      : `"${name}" is [${String(lo)}, ${String(hi)}]; the first (min) must not exceed the second (max)`;
  }
  return typeof v === 'number'
    ? integer(1)(v, name)
    : `"${name}" is ${JSON.stringify(v)}; expected a frame count such as 6 or a range such as [4, 8]`;
};
const device: Rule = (v, name) =>
  isDevice(v) ? undefined : `"${name}" is ${JSON.stringify(v)}; supported: auto, cpu, cuda, cuda:N`;

/**
 * Field -> [check, trainer flag, config key for `false`]. True booleans are bare flags; a false
 * one is passed as `--set key=false` so it also overrides a config YAML. `gpus` has no flag.
 * Fields without a flag of their own have '--set' and their config key: `--set key=<YAML>`.
 */
type Field = [Rule, string, string?];
const FIELDS: Readonly<Record<Exclude<keyof FinetuneTaskDefinition, 'type'>, Field>> = {
  config: [text, '--config'],
  data: [text, '--data'],
  valData: [text, '--val-data'],
  target: [oneOf(TARGETS), '--target'],
  out: [text, '--out'],
  size: [oneOf(MODEL_SIZES), '--size'],
  modelCheckpoint: [text, '--model-checkpoint'],
  imageSize: [imageSide, '--image-size'],
  steps: [integer(1), '--steps'],
  batchSize: [integer(1), '--batch-size'],
  gradAccum: [integer(1), '--grad-accum'],
  lr: [positive, '--lr'],
  seed: [integer(0), '--seed'],
  device: [device, '--device'],
  checkpointEvery: [integer(1), '--checkpoint-every'],
  valEvery: [integer(0), '--val-every'],
  bf16: [flag, '--bf16', 'train.bf16'],
  activationCheckpointing: [flag, '--activation-checkpointing', 'train.activation_checkpointing'],
  resume: [flag, '--resume'],
  gpus: [integer(1), ''],
  frames: [frameLength, '--set', 'sampling.frames'],
  loraRank: [integer(1), '--set', 'lora.r'],
  continueFrom: [text, '--init-lora'],
};

/** The definition's fields besides `type` (package.json "taskDefinitions" declares the same). */
export const DEFINITION_FIELDS: readonly string[] = Object.keys(FIELDS);

const RULES: Readonly<Record<string, Rule>> = Object.fromEntries(
  Object.entries(FIELDS).map(([key, [rule]]) => [key, rule]),
);

/** Checks a tasks.json entry; unknown keys are reported so typos do not pass silently. */
export function parseTaskDefinition(raw: unknown): ParsedDefinition {
  const { entries, problems } = checkTaskFields(raw, FINETUNE_TASK_TYPE, RULES);
  if (entries === null) return { ok: false, problems };
  if (entries.data === undefined && entries.config === undefined) {
    problems.push('"data" (the training folder) is required unless "config" sets data.train');
  }
  const gpus = entries.gpus;
  if (typeof gpus === 'number' && gpus > 1 && entries.device === 'cpu') {
    problems.push(`"gpus" is ${gpus} but "device" is "cpu"; several processes need CUDA GPUs`);
  }
  if (typeof gpus === 'number' && gpus > 1 && /^cuda:\d+$/.test(String(entries.device))) {
    problems.push(
      `"device" ${String(entries.device)} pins one GPU, but "gpus" is ${gpus}: use "cuda" or "auto" (each process takes its own GPU)`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, definition: definitionOf(entries, FINETUNE_TASK_TYPE, RULES) };
}

/**
 * The process to start for `definition`, with `python` the interpreter. Several GPUs run
 * `python -m torch.distributed.run` (what `torchrun` is) so the same interpreter is used even
 * when the venv's scripts folder is not on PATH; --standalone needs no rendezvous setup.
 */
export function trainerCommandLine(
  definition: FinetuneTaskDefinition,
  python: string,
): CommandLine {
  const trainer: string[] = ['-m', 'samocta2', 'train'];
  for (const [key, [, trainerFlag, configKey]] of Object.entries(FIELDS)) {
    const value = definition[key as keyof FinetuneTaskDefinition];
    if (value === undefined || trainerFlag === '') continue;
    // JSON is YAML, so `--set` gets lists such as [4,8] in a form the trainer parses.
    if (trainerFlag === '--set')
      trainer.push('--set', `${configKey ?? key}=${JSON.stringify(value)}`);
    else if (value === true) trainer.push(trainerFlag);
    else if (value === false) {
      if (configKey !== undefined) trainer.push('--set', `${configKey}=false`);
    }
    // `--flag=value` keeps a value that starts with '-' from being read as an option.
    else trainer.push(`${trainerFlag}=${String(value)}`);
  }
  const gpus = definition.gpus ?? 1;
  if (gpus <= 1) return { command: python, args: trainer };
  return {
    command: python,
    args: [
      '-m',
      'torch.distributed.run',
      '--standalone',
      `--nproc_per_node=${gpus}`,
      ...trainer,
      '--ddp',
    ],
  };
}
