/**
 * The dataset step's verdict on a folder: the preflight's dataset check (preflight/datasetChecks.ts) for
 * both targets, in one message: how many volumes, which labels, which file is wrong. A folder
 * is usable when at least one target has labelled volumes; the target step then offers it.
 */
import { checkDataset, type DatasetProbes } from '../preflight/datasetChecks';
import type { PreflightResult } from '../preflight/preflightResult';
import { TARGETS, type FinetuneTarget } from '../run/taskDefinition';
import type { Parsed } from './fieldValidation';

export interface DatasetReport {
  /** The absolute folder that was checked. */
  readonly folder: string;
  readonly results: Readonly<Record<FinetuneTarget, PreflightResult>>;
  /** Targets the folder can train. */
  readonly usable: readonly FinetuneTarget[];
}

export const TARGET_LABELS: Readonly<Record<FinetuneTarget, string>> = {
  rv: 'Vessels',
  faz: 'FAZ',
};

/** "what is wrong. what to do", or the passed summary. */
export function resultText(result: PreflightResult): string {
  return result.ok ? result.summary : `${result.problem}. ${result.nextStep}`;
}

export async function describeDataset(
  folder: string,
  probes: DatasetProbes,
): Promise<Parsed<DatasetReport>> {
  const [rv, faz] = await Promise.all(TARGETS.map((t) => checkDataset(folder, t, probes)));
  const results = { rv: rv!, faz: faz! };
  const usable = TARGETS.filter((t) => results[t].ok);
  const texts = TARGETS.map((t) => resultText(results[t]));
  if (usable.length === 0) {
    // Unreadable folders, missing volumes and broken files fail both targets the same way.
    const error =
      texts[0] === texts[1]
        ? texts[0]!
        : TARGETS.map((t, i) => `${TARGET_LABELS[t]}: ${texts[i]}`).join(' ');
    return { ok: false, error };
  }
  const message = TARGETS.map((t, i) => `${TARGET_LABELS[t]}: ${texts[i]}`).join(' · ');
  return {
    ok: true,
    value: { folder, results, usable },
    note: { severity: usable.length === TARGETS.length ? 'info' : 'warning', message },
  };
}
