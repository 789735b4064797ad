/**
 * The run folder (checkpoint, config, log, evaluation and the exported bundle go there). The
 * suggestion names the model and target and avoids a folder that already holds a run.
 */
import * as path from 'node:path';
import { RUN_CHECKPOINT } from '../preflight/storageChecks';
import type { Parsed } from './fieldValidation';
import { askText } from './quickInput';
import { defaultRunFolder } from './setupChoices';
import { NEEDS_ABSOLUTE, type SetupPaths } from './setupPaths';
import type { Draft, SetupProbes, SetupStep } from './setupStep';

/** Folders this step suggested before: they follow the model and target when those change. */
const SUGGESTED = /^runs\/[A-Za-z0-9_.-]+_(rv|faz)(_\d+)?$/;

async function holdsRun(folder: string, probes: SetupProbes): Promise<boolean> {
  return (await probes.stat(path.join(folder, RUN_CHECKPOINT)))?.isFile === true;
}

/** The last folder typed by hand, else `runs/<model>_<target>`, numbered past existing runs. */
export async function suggestRunFolder(
  draft: Draft,
  paths: SetupPaths,
  probes: SetupProbes,
): Promise<string> {
  if (draft.out !== '' && !SUGGESTED.test(draft.out)) return draft.out;
  const base = defaultRunFolder(draft.base, draft.target);
  for (let n = 1; n < 100; n++) {
    const candidate = n === 1 ? base : `${base}_${n}`;
    const folder = paths.resolve(candidate);
    if (folder === undefined || !(await holdsRun(folder, probes))) return candidate;
  }
  return base;
}

export async function checkRunFolderChoice(
  text: string,
  paths: SetupPaths,
  probes: SetupProbes,
): Promise<Parsed<string>> {
  if (text.trim() === '') return { ok: false, error: 'Choose a folder for the run' };
  const folder = paths.resolve(text);
  if (folder === undefined) return { ok: false, error: NEEDS_ABSOLUTE };
  const stat = await probes.stat(folder);
  if (stat !== undefined && !stat.isDirectory) {
    return { ok: false, error: `${folder} is a file; the run needs a folder` };
  }
  if (await holdsRun(folder, probes)) {
    return {
      ok: true,
      value: text.trim(),
      note: {
        severity: 'warning',
        message: `${text.trim()} already holds a run (${RUN_CHECKPOINT}): starting will offer to resume it. For a new run, choose another folder`,
      },
    };
  }
  return {
    ok: true,
    value: text.trim(),
    note: {
      severity: 'info',
      message: `Checkpoint, log, evaluation and model bundle go to ${folder}`,
    },
  };
}

export const outputStep: SetupStep = {
  name: 'out',
  async run(draft, frame, env) {
    const outcome = await askText({
      ...frame,
      value: await suggestRunFolder(draft, env.paths, env.probes),
      prompt: 'Run folder (relative to the workspace folder, or absolute)',
      validate: (text) => checkRunFolderChoice(text, env.paths, env.probes),
    });
    return outcome.kind === 'value' ? { kind: 'value', value: { out: outcome.value } } : outcome;
  },
};
