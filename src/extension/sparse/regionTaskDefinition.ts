/**
 * The `samocta2-region` task type: one run of the sparse-annotation trainer, either
 * `python -m samocta2 region-train` (the vessel-region model) or `region-predict` (its regions
 * on the non-blank layers). The editor's sparse panel builds these definitions; a tasks.json
 * entry of the same shape runs the same command. Pure: no vscode, no I/O.
 * Flags: trainer/samocta2/region/train_cli.py and predict_cli.py, docs/sparse-annotation.md.
 */
import type { CommandLine } from '../trainerTask/runPlan';
import {
  type ParsedFields,
  type Rule,
  checkTaskFields,
  definitionOf,
  isCount,
  isDevice,
  isPath,
} from '../trainerTask/taskFields';

export const REGION_TASK_TYPE = 'samocta2-region';
export const REGION_ACTIONS = ['train', 'predict'] as const;
export type RegionAction = (typeof REGION_ACTIONS)[number];

export interface RegionTaskDefinition {
  readonly type: typeof REGION_TASK_TYPE;
  readonly action: RegionAction;
  /** train: annotation folders (--data, repeatable). */
  readonly data?: readonly string[];
  /** train: run folder (--out). */
  readonly out?: string;
  /** train: start from an earlier run's checkpoint (--init), for a retrain after corrections. */
  readonly init?: string;
  /** train: region YAML (--config); the editor passes trainer/configs/region_editor_cpu.yaml. */
  readonly config?: string;
  readonly steps?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  readonly lr?: number;
  /** train: crop / tile side in px, a multiple of 32 (--roi-size). */
  readonly roiSize?: number;
  /** train: SwinUNETR width, a multiple of 12 (--feature-size). */
  readonly featureSize?: number;
  readonly checkpointEvery?: number;
  /** auto | cpu | cuda | cuda:N */
  readonly device?: string;
  /** predict: volumes or folders (positional). */
  readonly inputs?: readonly string[];
  /** predict: a region-train checkpoint.pt (--checkpoint). */
  readonly checkpoint?: string;
  /** predict: layers to predict, e.g. "3,5,10-20" (--layers). */
  readonly layers?: string;
  /** predict: depth axis (--axis). */
  readonly axis?: 'auto' | 'i' | 'j' | 'k';
  /** predict: Gaussian sigma in px (--sigma). */
  readonly sigma?: number;
}

export type ParsedRegionDefinition = ParsedFields<RegionTaskDefinition>;

const LAYERS = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

const isPaths = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isPath);

/** What each field must be, as `check` returning what was expected, or undefined. */
const CHECKS: Readonly<Record<string, (v: unknown) => string | undefined>> = {
  action: (v) =>
    REGION_ACTIONS.includes(v as RegionAction)
      ? undefined
      : `supported: ${REGION_ACTIONS.join(', ')}`,
  data: (v) => (isPaths(v) ? undefined : 'expected a list of folders'),
  out: (v) => (isPath(v) ? undefined : 'expected a folder path'),
  init: (v) => (isPath(v) ? undefined : 'expected a checkpoint.pt path'),
  config: (v) => (isPath(v) ? undefined : 'expected a region YAML path'),
  steps: (v) => (isCount(v, 1) ? undefined : 'expected a whole number ≥ 1'),
  batchSize: (v) => (isCount(v, 1) ? undefined : 'expected a whole number ≥ 1'),
  seed: (v) => (isCount(v, 0) ? undefined : 'expected a whole number ≥ 0'),
  lr: (v) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : 'expected a number > 0',
  roiSize: (v) =>
    isCount(v, 32) && v % 32 === 0 ? undefined : 'expected a multiple of 32 (e.g. 64, 128)',
  featureSize: (v) =>
    isCount(v, 12) && v % 12 === 0 ? undefined : 'expected a multiple of 12 (e.g. 12, 24)',
  checkpointEvery: (v) => (isCount(v, 1) ? undefined : 'expected a whole number ≥ 1'),
  device: (v) => (isDevice(v) ? undefined : 'supported: auto, cpu, cuda, cuda:N'),
  inputs: (v) => (isPaths(v) ? undefined : 'expected a list of volumes or folders'),
  checkpoint: (v) => (isPath(v) ? undefined : 'expected a checkpoint.pt path'),
  layers: (v) =>
    typeof v === 'string' && LAYERS.test(v) ? undefined : 'expected layers such as "3,5,10-20"',
  axis: (v) =>
    ['auto', 'i', 'j', 'k'].includes(v as string) ? undefined : 'supported: auto, i, j, k',
  sigma: (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'expected a number ≥ 0',
};

const TRAIN_ONLY = [
  'data',
  'out',
  'init',
  'config',
  'steps',
  'batchSize',
  'seed',
  'lr',
  'roiSize',
  'featureSize',
  'checkpointEvery',
];
const PREDICT_ONLY = ['inputs', 'checkpoint', 'layers', 'axis', 'sigma'];

/** The checks as rules: the problem names the field and its value, then what was expected. */
const RULES: Readonly<Record<string, Rule>> = Object.fromEntries(
  Object.entries(CHECKS).map(([key, check]): [string, Rule] => [
    key,
    (value, name) => {
      const expected = check(value);
      return expected === undefined
        ? undefined
        : `"${name}" is ${JSON.stringify(value)}: ${expected}`;
    },
  ]),
);

/** Checks a tasks.json entry (or the panel's definition); every problem is listed. */
export function parseRegionDefinition(raw: unknown): ParsedRegionDefinition {
  const { entries, problems } = checkTaskFields(raw, REGION_TASK_TYPE, RULES);
  if (entries === null) return { ok: false, problems };
  const action = entries.action;
  if (action === undefined) problems.push('"action" is required: train or predict');
  const misplaced = action === 'train' ? PREDICT_ONLY : action === 'predict' ? TRAIN_ONLY : [];
  for (const key of misplaced) {
    if (entries[key] !== undefined)
      problems.push(`"${key}" does not apply to action "${String(action)}"`);
  }
  if (action === 'train' && entries.data === undefined) {
    problems.push('"data" (the annotation folders) is required for action "train"');
  }
  if (action === 'predict') {
    if (entries.inputs === undefined) problems.push('"inputs" (volumes or folders) is required');
    if (entries.checkpoint === undefined) problems.push('"checkpoint" is required');
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, definition: definitionOf(entries, REGION_TASK_TYPE, RULES) };
}

/** The trainer process for `definition`, run by `python`. */
export function regionCommandLine(definition: RegionTaskDefinition, python: string): CommandLine {
  // `--flag=value` keeps a value that starts with '-' from being read as an option.
  const flag = (name: string, value: string | number | undefined): string[] =>
    value === undefined ? [] : [`--${name}=${String(value)}`];
  if (definition.action === 'train') {
    return {
      command: python,
      args: [
        '-m',
        'samocta2',
        'region-train',
        ...flag('config', definition.config),
        ...(definition.data ?? []).flatMap((d) => flag('data', d)),
        ...flag('out', definition.out),
        ...flag('init', definition.init),
        ...flag('steps', definition.steps),
        ...flag('batch-size', definition.batchSize),
        ...flag('seed', definition.seed),
        ...flag('lr', definition.lr),
        ...flag('roi-size', definition.roiSize),
        ...flag('feature-size', definition.featureSize),
        ...flag('checkpoint-every', definition.checkpointEvery),
        ...flag('device', definition.device),
      ],
    };
  }
  return {
    command: python,
    args: [
      '-m',
      'samocta2',
      'region-predict',
      ...flag('checkpoint', definition.checkpoint),
      ...flag('layers', definition.layers),
      ...flag('axis', definition.axis),
      ...flag('sigma', definition.sigma),
      ...flag('device', definition.device),
      // Positional inputs after `--`, so a path starting with '-' stays a path.
      '--',
      ...(definition.inputs ?? []),
    ],
  };
}

/**
 * The editor's training preset, trainer/configs/region_editor_cpu.yaml as flags (that file is
 * not in the packaged extension): a narrow SwinUNETR on 64 px crops that trains on a laptop CPU.
 */
export const EDITOR_TRAIN_PRESET = {
  roiSize: 64,
  featureSize: 12,
  batchSize: 4,
  lr: 1e-3,
  checkpointEvery: 50,
} as const satisfies Partial<RegionTaskDefinition>;

/** "3,5,10-20" for the layers 3, 5, 10, 11, …, 20 (the trainer's --layers syntax). */
export function layerRanges(layers: readonly number[]): string {
  const sorted = [...new Set(layers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let n = 0; n < sorted.length;) {
    let end = n;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end++;
    parts.push(end === n ? `${sorted[n]}` : `${sorted[n]}-${sorted[end]}`);
    n = end + 1;
  }
  return parts.join(',');
}
