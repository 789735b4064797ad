/**
 * The training numbers: steps, frame length, LoRA rank, learning rate. Each is a text box
 * checked as the user types (fieldValidation.ts), pre-filled with the last answer.
 */
import {
  formatFrames,
  parseFrames,
  parseLearningRate,
  parseRank,
  parseSteps,
  type Parsed,
} from './fieldValidation';
import { askText } from './quickInput';
import type { Draft, SetupStep } from './setupStep';

function numberStep<T>(
  name: string,
  prompt: string,
  current: (draft: Draft) => string,
  parse: (text: string) => Parsed<T>,
  patch: (value: T) => Partial<Draft>,
  applies?: (draft: Draft) => boolean,
): SetupStep {
  return {
    name,
    ...(applies === undefined ? {} : { applies }),
    async run(draft, frame) {
      const outcome = await askText({ ...frame, value: current(draft), prompt, validate: parse });
      return outcome.kind === 'value' ? { kind: 'value', value: patch(outcome.value) } : outcome;
    },
  };
}

export const stepsStep = numberStep(
  'steps',
  'Optimizer steps (each trains on one sequence of frames per GPU; the paper trains for thousands)',
  (d) => String(d.steps),
  parseSteps,
  (steps) => ({ steps }),
);

export const framesStep = numberStep(
  'frames',
  'Frames per training sequence: a number such as 6, or a range such as 4-8 drawn per sequence (the paper: 4-8)',
  (d) => formatFrames(d.frames),
  parseFrames,
  (frames) => ({ frames }),
);

/** Not asked when continuing from a bundle: its weights fix the rank. */
export const rankStep = numberStep(
  'loraRank',
  'LoRA rank: the size of the adapters on the image encoder (the paper: 32)',
  (d) => String(d.loraRank),
  parseRank,
  (loraRank) => ({ loraRank }),
  (d) => d.base.kind !== 'bundle' || d.base.loraRank === undefined,
);

export const learningRateStep = numberStep(
  'lr',
  'Learning rate for AdamW (the paper: 5e-6)',
  (d) => String(d.lr),
  parseLearningRate,
  (lr) => ({ lr }),
);
