/**
 * The loss and validation curves of a run, from its progress log: the trainer's JSON lines
 * (trainer/samocta2/progress.py) as saved in the run folder. A resumed run appends to the log
 * and repeats the steps after its last checkpoint; the later value of a step wins. Lines that
 * are not progress events (warnings, a torn last line) are skipped, as the live parser does.
 */
import { parseProgressLine, type FinetuneEvent } from '../../trainerTask/progressParser';

export interface CurvePoint {
  readonly step: number;
  readonly value: number;
}

export type RunEnd =
  | {
      readonly kind: 'done';
      readonly step: number;
      readonly total: number;
      readonly stopped: boolean;
    }
  | { readonly kind: 'interrupted'; readonly step: number; readonly checkpoint: string }
  | { readonly kind: 'error'; readonly message: string }
  /** The log stops without an ending: the run is going on, or was killed. */
  | { readonly kind: 'unfinished'; readonly step: number; readonly total: number | undefined };

export interface TrainingCurve {
  readonly loss: readonly CurvePoint[];
  readonly valDice: readonly CurvePoint[];
  readonly valJaccard: readonly CurvePoint[];
  readonly end: RunEnd;
  readonly device: string | undefined;
  /** Progress events read; 0 means the log holds none. */
  readonly events: number;
}

function byStep(points: Map<number, number>): CurvePoint[] {
  return [...points].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value }));
}

export function readTrainingCurve(log: string): TrainingCurve {
  const loss = new Map<number, number>();
  const dice = new Map<number, number>();
  const jaccard = new Map<number, number>();
  let end: RunEnd = { kind: 'unfinished', step: 0, total: undefined };
  let device: string | undefined;
  let events = 0;
  const reached = (step: number, total: number | undefined): RunEnd => ({
    kind: 'unfinished',
    step,
    total: total ?? (end.kind === 'unfinished' ? end.total : undefined),
  });
  for (const line of log.split('\n')) {
    const event: FinetuneEvent | undefined = parseProgressLine(line);
    if (event === undefined) continue;
    events++;
    switch (event.event) {
      case 'start':
        device = event.device ?? device;
        end = reached(event.step, event.total);
        break;
      case 'step':
        if (event.loss !== null) loss.set(event.step, event.loss);
        end = reached(event.step, event.total);
        break;
      case 'val':
        if (event.dice !== null) dice.set(event.step, event.dice);
        if (event.jaccard !== null) jaccard.set(event.step, event.jaccard);
        break;
      case 'done':
        end = { kind: 'done', step: event.step, total: event.total, stopped: event.stopped };
        break;
      case 'interrupted':
        end = { kind: 'interrupted', step: event.step, checkpoint: event.checkpoint };
        break;
      case 'error':
        end = { kind: 'error', message: event.message };
        break;
      case 'checkpoint':
        break;
    }
  }
  return {
    loss: byStep(loss),
    valDice: byStep(dice),
    valJaccard: byStep(jaccard),
    end,
    device,
    events,
  };
}
