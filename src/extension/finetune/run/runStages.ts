/**
 * What a fine-tune task runs after training succeeds, in the same terminal: a short evaluation
 * on the validation folder (the paper's baseline condition, so it takes seconds to minutes, not
 * the full Table II) and the export to a model bundle in `<run folder>/bundle`, which also keeps
 * the LoRA weights so a later run can continue from it. Pure: paths are worked out here, the
 * processes are started by trainerTerminal.ts.
 */
import * as path from 'node:path';
import { RUN_FILES, type RunStage } from '../../trainerTask/runPlan';
import type { FinetuneTaskDefinition } from './taskDefinition';

/** The trainer's default `train.out` (trainer/samocta2/config.py). */
const DEFAULT_OUT = path.join('runs', 'samocta2');

/**
 * The run folder before the trainer says where it writes: the definition's `out`, else the
 * trainer's default; unknown when a config YAML may set it (then the trainer's events tell).
 */
export function expectedRunFolder(
  definition: FinetuneTaskDefinition,
  cwd: string,
): string | undefined {
  if (definition.out !== undefined) return path.resolve(cwd, definition.out);
  return definition.config === undefined ? path.resolve(cwd, DEFAULT_OUT) : undefined;
}

/** The bundle's name in the model picker: says it is a fine-tuned model and which run made it. */
export function bundleName(runFolder: string): string {
  const run = path.basename(runFolder);
  return run.startsWith('samocta2') ? `${run}-finetuned` : `samocta2-${run}`;
}

/** Evaluation (when there is a validation folder) and export, for a finished training run. */
export function stagesAfterTraining(
  definition: FinetuneTaskDefinition,
  python: string,
  runFolder: string,
): RunStage[] {
  const checkpoint = path.join(runFolder, RUN_FILES.checkpoint);
  const stages: RunStage[] = [];
  const exportArgs = [
    '-m',
    'samocta2',
    'export',
    `--checkpoint=${checkpoint}`,
    `--out=${path.join(runFolder, RUN_FILES.bundle)}`,
    `--name=${bundleName(runFolder)}`,
  ];
  if (definition.valData !== undefined) {
    // One process even after a multi-GPU run: evaluation is short and not distributed.
    const device = definition.device === undefined ? 'auto' : definition.device;
    stages.push({
      name: 'eval',
      optional: true,
      line: {
        command: python,
        args: [
          '-m',
          'samocta2',
          'eval',
          `--checkpoint=${checkpoint}`,
          `--data=${definition.valData}`,
          '--task=sequence',
          '--conditions=baseline',
          `--device=${device}`,
          `--out=${path.join(runFolder, RUN_FILES.eval)}`,
        ],
      },
    });
    exportArgs.push(`--metrics=${path.join(runFolder, RUN_FILES.evalJson)}`);
  }
  stages.push({ name: 'export', line: { command: python, args: exportArgs } });
  return stages;
}
