/**
 * The base model: a released SAM 2.1 size (then its checkpoint file), nano (random weights, a
 * test configuration), or an exported bundle whose LoRA weights the run continues from (on the
 * base model the bundle names).
 */

import { checkBaseModel } from '../preflight/storageChecks';
import { RELEASED_CHECKPOINT_URL } from '../preflight/trainingEstimates';
import type { ContinuableBundle } from './bundleChoices';
import { askPick, askText, type PickItem } from './quickInput';
import { RELEASED_SIZES, type BaseModel } from './setupChoices';
import { NEEDS_ABSOLUTE } from './setupPaths';
import type { Draft, SetupStep } from './setupStep';
import { BROWSE_BUTTON } from './dataStep';

const SIZE_NOTES: Readonly<Record<(typeof RELEASED_SIZES)[number], string>> = {
  tiny: '39 M parameters: the quickest to fine-tune; a 24 GB GPU is plenty',
  small: '46 M parameters',
  base_plus: '81 M parameters',
  large: '224 M parameters: needs a large GPU (or several)',
};

type BaseChoice =
  | { readonly kind: 'sam'; readonly size: (typeof RELEASED_SIZES)[number] }
  | { readonly kind: 'nano' }
  | { readonly kind: 'bundle'; readonly bundle: ContinuableBundle };

function sameChoice(choice: BaseChoice, base: BaseModel): boolean {
  if (choice.kind === 'bundle') return base.kind === 'bundle' && base.bundle === choice.bundle.dir;
  if (choice.kind === 'sam') return base.kind === 'sam' && base.size === choice.size;
  return base.kind === 'nano';
}

/** The checkpoint already chosen for this size, kept when the user comes back to the step. */
function knownCheckpoint(base: BaseModel): string {
  return base.kind === 'nano' ? '' : (base.checkpoint ?? '');
}

export const baseModelStep: SetupStep = {
  name: 'baseModel',
  async run(draft, frame, env) {
    const items: PickItem<BaseChoice>[] = [
      ...RELEASED_SIZES.map((size) => ({
        label: `SAM 2.1 ${size}`,
        description: `sam2.1_hiera_${size}.pt`,
        detail: SIZE_NOTES[size],
        value: { kind: 'sam', size } as const,
      })),
      {
        label: 'nano (random weights)',
        description: 'test / CPU configuration',
        detail:
          'A tiny untrained SAM 2 that runs on the CPU in minutes: for checking the setup, not for real use',
        value: { kind: 'nano' },
      },
      ...env.bundles.map((bundle) => ({
        label: `$(package) Continue ${bundle.name}`,
        description: `${bundle.size}${bundle.target ? ` · ${bundle.target}` : ''}${bundle.loraRank ? ` · rank ${bundle.loraRank}` : ''}`,
        detail: `Start from this bundle's LoRA weights: ${bundle.dir}`,
        value: { kind: 'bundle', bundle } as const,
      })),
    ];
    const outcome = await askPick<BaseChoice>({
      ...frame,
      placeholder: 'Base model to fine-tune',
      items,
      activeIndex: Math.max(
        0,
        items.findIndex((i) => sameChoice(i.value, draft.base)),
      ),
    });
    if (outcome.kind !== 'value') return outcome;
    const choice = outcome.value;
    const keep = sameChoice(choice, draft.base) ? knownCheckpoint(draft.base) : '';
    let base: BaseModel;
    if (choice.kind === 'nano') base = { kind: 'nano' };
    else if (choice.kind === 'sam') base = { kind: 'sam', size: choice.size, checkpoint: keep };
    else {
      const b = choice.bundle;
      // A bundle with its own base copy needs no path; the trainer prefers that copy.
      const checkpoint = b.baseInBundle ? undefined : keep || b.baseCheckpoint;
      base = {
        kind: 'bundle',
        bundle: b.dir,
        name: b.name,
        size: b.size,
        ...(checkpoint === undefined ? {} : { checkpoint }),
        ...(b.loraRank === undefined ? {} : { loraRank: b.loraRank }),
        ...(b.baseInBundle ? { baseInBundle: true } : {}),
      };
    }
    return { kind: 'value', value: { base } };
  },
};

/** Asked for a released size, and for a bundle made on one. */
export const checkpointStep: SetupStep = {
  name: 'checkpoint',
  applies: (draft: Draft) =>
    draft.base.kind === 'sam' ||
    (draft.base.kind === 'bundle' &&
      draft.base.size !== 'nano' &&
      draft.base.baseInBundle !== true),
  async run(draft, frame, env) {
    const base = draft.base;
    if (base.kind === 'nano') return { kind: 'value', value: {} };
    const released = `sam2.1_hiera_${base.size}.pt`;
    const outcome = await askText({
      ...frame,
      value: base.checkpoint ?? '',
      prompt:
        base.kind === 'bundle'
          ? `The base weights ${base.name} was trained on (${released})`
          : `SAM 2.1 ${base.size} base weights (${released}, from ${RELEASED_CHECKPOINT_URL})`,
      placeholder: `e.g. checkpoints/${released}`,
      validate: async (text) => {
        if (text.trim() === '') return { ok: false, error: `Choose the ${released} file` };
        const file = env.paths.resolve(text);
        if (file === undefined) return { ok: false, error: NEEDS_ABSOLUTE };
        const result = await checkBaseModel(file, base.size, env.probes);
        return result.ok
          ? { ok: true, value: text.trim(), note: { severity: 'info', message: result.summary } }
          : { ok: false, error: `${result.problem}. ${result.nextStep}` };
      },
      buttons: [
        {
          button: BROWSE_BUTTON,
          run: async () => {
            const picked = await env.openDialog({
              canSelectFiles: true,
              canSelectFolders: false,
              canSelectMany: false,
              openLabel: 'Use as Base Weights',
              filters: { 'PyTorch checkpoint': ['pt'] },
              ...(env.paths.folder === undefined ? {} : { defaultUri: env.paths.folder }),
            });
            return picked?.[0] === undefined ? undefined : env.paths.display(picked[0]);
          },
        },
      ],
    });
    if (outcome.kind !== 'value') return outcome;
    return { kind: 'value', value: { base: { ...base, checkpoint: outcome.value } } };
  },
};
