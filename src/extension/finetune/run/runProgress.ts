/**
 * The notification that follows a fine-tune run: step of total, loss and time left from the
 * trainer's progress events, then "evaluating…" and "exporting…", a Cancel button that stops
 * the trainer (it saves first), and at the end what happened: the new model (runCompletion.ts
 * offers it to open editors), how to resume, or the trainer's error and where its log is.
 */
import * as vscode from 'vscode';
import { showErrorWithLog } from '../../notifications';
import type { FinetuneEvent } from '../../trainerTask/progressParser';
import { bundleName } from './runStages';
import { formatDuration } from '../preflight/trainingEstimates';
import type { RunResult, StageEvent, TrainerTerminal } from '../../trainerTask/trainerTerminal';

/** The notification line for an event; undefined for events that do not change it. */
export function describeProgress(event: FinetuneEvent): string | undefined {
  switch (event.event) {
    case 'start':
      return `starting at step ${event.step} of ${event.total} on ${event.device ?? 'the device'}`;
    case 'step': {
      const loss = event.loss === null ? '' : ` · loss ${event.loss.toFixed(3)}`;
      const eta = event.eta_s === null ? '' : ` · ${formatDuration(event.eta_s)} left`;
      return `step ${event.step} of ${event.total}${loss}${eta}`;
    }
    case 'val':
      return event.dice === null
        ? undefined
        : `validation Dice ${event.dice.toFixed(3)} at step ${event.step}`;
    default:
      return undefined;
  }
}

/** The notification line when evaluation or export starts, or evaluation fails. */
export function describeStage(event: StageEvent): string {
  if (event.state === 'skipped') return `${event.stage} failed; going on without it`;
  return event.stage === 'eval'
    ? 'training done · evaluating on the validation folder…'
    : event.stage === 'export'
      ? 'exporting the model bundle…'
      : 'training…';
}

export type OutcomeAction = 'useModel' | 'showReport' | 'openLog';

export interface Outcome {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
  /** What the message offers, in button order. */
  readonly actions: readonly OutcomeAction[];
}

const STAGE_VERB = { train: 'training', eval: 'evaluating', export: 'exporting' } as const;

/** What the user is told when the run ends, from its events and how it ended. */
export function describeOutcome(
  events: readonly FinetuneEvent[],
  result: Pick<RunResult, 'code'> & Partial<RunResult>,
): Outcome {
  const last = <K extends FinetuneEvent['event']>(kind: K) => {
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i]!;
      if (event.event === kind) return event as Extract<FinetuneEvent, { event: K }>;
    }
    return undefined;
  };
  const done = last('done');
  const code = result.code;
  if (code === 0 && done !== undefined) {
    const when = done.stopped
      ? `stopped early at step ${done.step} of ${done.total}`
      : `finished ${done.total} steps`;
    const skipped = (result.skipped ?? [])
      .map((s) => ` ${s.stage === 'eval' ? 'Evaluation' : s.stage} failed: ${s.reason}.`)
      .join('');
    if (result.bundle !== undefined && result.runFolder !== undefined) {
      return {
        level: 'info',
        message: `Fine-tuned model ready: ${bundleName(result.runFolder)} (${when}), in ${result.bundle}.${skipped}`,
        actions: ['useModel', 'showReport'],
      };
    }
    return {
      level: 'info',
      message: `Fine-tuning ${when}; checkpoint: ${done.checkpoint}`,
      actions: result.runFolder === undefined ? [] : ['showReport'],
    };
  }
  const interrupted = last('interrupted');
  if (interrupted !== undefined || code === 130) {
    const where = interrupted
      ? ` at step ${interrupted.step}; saved ${interrupted.checkpoint}`
      : '';
    return {
      level: 'warning',
      message: `Fine-tuning stopped${where}. Run Fine-tune SAM-OCTA2 again and choose Resume (in tasks.json: "resume": true) to continue.`,
      actions: [],
    };
  }
  const why = result.error ?? last('error')?.message ?? `the trainer exited with code ${code}`;
  const stage = result.stage !== undefined && result.stage !== 'train';
  const where =
    result.logFile === undefined
      ? "The full log is in the task's terminal."
      : `The full log is in ${result.logFile}.`;
  return {
    level: 'error',
    message: `Fine-tuning failed${stage ? ` while ${STAGE_VERB[result.stage!]}` : ''}: ${why}. ${where}`,
    actions: result.logFile === undefined ? [] : ['openLog'],
  };
}

/** Called when the run has ended and the notification is gone. */
export type CompleteRun = (
  outcome: Outcome,
  result: RunResult | undefined,
  code: number,
) => Promise<void>;

/** Without a completion handler: the message alone. */
export const showOutcomeOnly: CompleteRun = async (outcome) => {
  const show =
    outcome.level === 'info'
      ? vscode.window.showInformationMessage
      : outcome.level === 'warning'
        ? vscode.window.showWarningMessage
        : showErrorWithLog;
  await show(vscode.l10n.t('SAM-OCTA2: {0}', outcome.message));
};

/** Shows the run's progress until its terminal closes, then hands the outcome on. */
export function followRun(
  terminal: TrainerTerminal,
  name: string,
  complete: CompleteRun = showOutcomeOnly,
): Promise<void> {
  const events: FinetuneEvent[] = [];
  return Promise.resolve(
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `SAM-OCTA2: ${name}`,
        cancellable: true,
      },
      (progress, token) =>
        new Promise<number>((resolve) => {
          token.onCancellationRequested(() => terminal.stop());
          let percent = 0;
          terminal.onProgress((event) => {
            events.push(event);
            const message = describeProgress(event);
            const reached =
              (event.event === 'step' || event.event === 'start') && event.total > 0
                ? (100 * event.step) / event.total
                : percent;
            if (message !== undefined) progress.report({ message, increment: reached - percent });
            percent = reached;
          });
          terminal.onStage((event) => progress.report({ message: describeStage(event) }));
          terminal.onDidClose((code) => resolve(code ?? 0));
        }),
    ),
  ).then(async (code) => {
    const result = terminal.result;
    await complete(describeOutcome(events, result ?? { code }), result, code);
  });
}
