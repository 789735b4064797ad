/**
 * Every check to pass before a fine-tune task starts, in the order a user fixes them: Python,
 * packages, GPU, base model, data, run folder, output, disk. Each failure says what is wrong
 * and the next step (preflightResult.ts). All I/O is injected, so this runs in unit tests
 * without VS Code or Python; the host wires the probes to child_process and fs.
 */
import { checkDataset, type DatasetProbes } from './datasetChecks';
import { checkCuda, checkPackages, checkPython } from './environmentChecks';
import { passed, type PreflightResult } from './preflightResult';
import type { PythonProbeOutcome } from './pythonProbeReport';
import {
  checkBaseModel,
  checkDiskSpace,
  checkOutputWritable,
  checkRunFolder,
  type StorageProbes,
} from './storageChecks';
import type { FinetuneTaskDefinition } from '../run/taskDefinition';

/** train.out's default in trainer/samocta2/config.py, relative to the task's folder. */
export const DEFAULT_RUN_FOLDER = 'runs/samocta2';

export interface PreflightProbes extends DatasetProbes, StorageProbes {
  /** Runs trainer/samocta2/probe.py with `python`, as the task would run the trainer. */
  runPythonProbe(python: string): Promise<PythonProbeOutcome>;
}

export interface PreflightInput {
  readonly definition: FinetuneTaskDefinition;
  readonly python: string;
  /** The extension's trainer/ folder (what `pip install -e` installs). */
  readonly trainerFolder: string;
  /** process.platform, for the install command's quoting. */
  readonly platform: string;
  /** Makes a path from the definition absolute (relative ones are the workspace folder's). */
  resolvePath(path: string): string;
}

/** All results, passed ones included; the checks after a missing Python cannot run. */
export async function runPreflight(
  input: PreflightInput,
  probes: PreflightProbes,
): Promise<PreflightResult[]> {
  const { definition, python } = input;
  const { result: pythonResult, report } = checkPython(await probes.runPythonProbe(python), python);
  if (report === undefined || !pythonResult.ok) return [pythonResult];
  const results: PreflightResult[] = [pythonResult];
  results.push(checkPackages(report, python, input.trainerFolder, input.platform));
  // Without torch the packages check already says what to do; a CUDA failure would be noise.
  if (report.packages.torch !== null && report.packages.torch !== undefined) {
    results.push(checkCuda(report, definition));
  }

  // Fields left unset with a config file come from that YAML, which preflight does not read.
  const fromConfig = definition.config !== undefined;
  const fromConfigNote = `set in ${definition.config ?? ''}; not checked here`;
  if (definition.size === undefined && fromConfig && definition.modelCheckpoint === undefined) {
    results.push(passed('baseModel', `base model ${fromConfigNote}`));
  } else {
    const checkpoint = definition.modelCheckpoint && input.resolvePath(definition.modelCheckpoint);
    results.push(await checkBaseModel(checkpoint, definition.size ?? 'nano', probes));
  }
  const target = definition.target ?? 'rv';
  if (definition.data === undefined) {
    results.push(passed('dataset', `dataset ${fromConfigNote}`));
  } else {
    results.push(await checkDataset(input.resolvePath(definition.data), target, probes));
  }
  if (definition.valData !== undefined) {
    results.push(
      await checkDataset(input.resolvePath(definition.valData), target, probes, 'valDataset'),
    );
  }
  if (definition.out === undefined && fromConfig) {
    results.push(passed('output', `output folder ${fromConfigNote}`));
    return results;
  }
  const out = input.resolvePath(definition.out ?? DEFAULT_RUN_FOLDER);
  results.push(await checkRunFolder(out, definition.resume === true, probes));
  results.push(await checkOutputWritable(out, probes));
  results.push(await checkDiskSpace(out, definition.size ?? 'nano', probes));
  return results;
}

export type PreflightProblem = Extract<PreflightResult, { ok: false }>;

/** The failures only, in check order. */
export function preflightProblems(results: readonly PreflightResult[]): PreflightProblem[] {
  return results.filter((r): r is PreflightProblem => !r.ok);
}
