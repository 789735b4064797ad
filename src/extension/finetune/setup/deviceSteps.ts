/**
 * Where to train: CUDA (with how many GPUs; more than one runs torchrun) or the CPU, with an
 * honest estimate of how slow the CPU is for the chosen model.
 */
import { cpuEstimate, formatDuration } from '../preflight/trainingEstimates';
import { parseGpus } from './fieldValidation';
import { askPick, askText } from './quickInput';
import { baseSize, definitionFromChoices, type SetupDevice } from './setupChoices';
import type { Draft, SetupStep } from './setupStep';

function cpuDetail(draft: Draft): string {
  const estimate = cpuEstimate(definitionFromChoices({ ...draft, device: 'cpu', gpus: 1 }));
  const about = `about ${formatDuration(estimate.totalSeconds)} for ${estimate.steps} steps`;
  return baseSize(draft.base) === 'nano'
    ? `Fine for the nano test model: ${about}`
    : `Very slow for SAM 2.1 ${baseSize(draft.base)}: ${about}. Use it to try the setup, not to train`;
}

export const deviceStep: SetupStep = {
  name: 'device',
  async run(draft, frame) {
    const items = [
      {
        label: '$(chip) CUDA GPU',
        description: 'cuda',
        detail: 'An NVIDIA GPU with a CUDA build of PyTorch (checked before the run starts)',
        value: 'cuda' as SetupDevice,
      },
      {
        label: '$(server) CPU',
        description: 'cpu',
        detail: cpuDetail(draft),
        value: 'cpu' as SetupDevice,
      },
    ];
    const outcome = await askPick<SetupDevice>({
      ...frame,
      placeholder: 'Train on',
      items,
      activeIndex: draft.device === 'cpu' ? 1 : 0,
    });
    return outcome.kind === 'value' ? { kind: 'value', value: { device: outcome.value } } : outcome;
  },
};

export const gpusStep: SetupStep = {
  name: 'gpus',
  applies: (draft) => draft.device === 'cuda',
  async run(draft, frame) {
    const outcome = await askText({
      ...frame,
      value: String(draft.gpus),
      prompt: 'Number of GPUs (more than 1 runs the trainer under torchrun, one process per GPU)',
      validate: parseGpus,
    });
    return outcome.kind === 'value' ? { kind: 'value', value: { gpus: outcome.value } } : outcome;
  },
};
