/**
 * The dataset folder (checked on the spot: volumes, labels, broken files) and the target, which
 * can only be one the folder has labels for.
 */
import * as vscode from 'vscode';
import { TARGETS, type FinetuneTarget } from '../run/taskDefinition';
import { describeDataset, resultText, TARGET_LABELS } from './datasetSummary';
import { askPick, askText, type StepOutcome } from './quickInput';
import { NEEDS_ABSOLUTE } from './setupPaths';
import type { Draft, SetupEnv, SetupStep } from './setupStep';

export const BROWSE_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('folder-opened'),
  tooltip: 'Browse…',
};

export const datasetStep: SetupStep = {
  name: 'dataset',
  async run(draft, frame, env) {
    const outcome = await askText({
      ...frame,
      value: draft.data,
      prompt:
        'Training folder: <name>.nii.gz volumes beside <name>.vessels.nii.gz / <name>.faz.nii.gz labels',
      placeholder: 'e.g. data/octa500/3M/train (what "python -m samocta2 import-octa500" writes)',
      validate: async (text) => {
        if (text.trim() === '') return { ok: false, error: 'Choose the training folder' };
        const folder = env.paths.resolve(text);
        if (folder === undefined) return { ok: false, error: NEEDS_ABSOLUTE };
        const checked = await describeDataset(folder, env.probes);
        return checked.ok
          ? { ...checked, value: { text: text.trim(), report: checked.value } }
          : checked;
      },
      buttons: [{ button: BROWSE_BUTTON, run: () => browseFolder(env, 'Use as Training Folder') }],
    });
    if (outcome.kind !== 'value') return outcome;
    const { text, report } = outcome.value;
    // A target the new folder has no labels for is not kept.
    const target = report.usable.includes(draft.target) ? draft.target : report.usable[0]!;
    return { kind: 'value', value: { data: text, dataset: report, target } };
  },
};

export async function browseFolder(env: SetupEnv, openLabel: string): Promise<string | undefined> {
  const picked = await env.openDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel,
    ...(env.paths.folder === undefined ? {} : { defaultUri: env.paths.folder }),
  });
  return picked?.[0] === undefined ? undefined : env.paths.display(picked[0]);
}

export const targetStep: SetupStep = {
  name: 'target',
  async run(draft: Draft, frame): Promise<StepOutcome<Partial<Draft>>> {
    const results = draft.dataset?.results;
    const items = TARGETS.map((target) => ({
      label: target === 'rv' ? 'Retinal vessels' : 'Foveal avascular zone (FAZ)',
      description: target,
      detail:
        results === undefined
          ? undefined
          : `${results[target].ok ? '$(pass)' : '$(error)'} ${resultText(results[target])}`,
      value: target,
    }));
    const outcome = await askPick<FinetuneTarget>({
      ...frame,
      placeholder: 'What should the model learn to track?',
      items,
      activeIndex: Math.max(0, TARGETS.indexOf(draft.target)),
      refuse: (target) => {
        const result = results?.[target];
        return result === undefined || result.ok
          ? undefined
          : `the dataset has no ${TARGET_LABELS[target]} labels to train on`;
      },
    });
    return outcome.kind === 'value' ? { kind: 'value', value: { target: outcome.value } } : outcome;
  },
};
