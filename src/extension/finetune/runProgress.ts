/**
 * The notification that follows a fine-tune run: step of total, loss and time left from the
 * trainer's progress events, a Cancel button that stops the trainer (it saves first), and a
 * closing message that says where the result is, how to resume, or what went wrong.
 */
import * as vscode from 'vscode';
import type { FinetuneEvent } from './progressParser';
import { formatDuration } from './trainingEstimates';
import type { TrainerTerminal } from './trainerTerminal';

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

/** What the user is told when the run ends, from the last events and the exit code. */
export function describeOutcome(
  events: readonly FinetuneEvent[],
  exitCode: number,
): { readonly level: 'info' | 'warning' | 'error'; readonly message: string } {
  const last = <K extends FinetuneEvent['event']>(kind: K) => {
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i]!;
      if (event.event === kind) return event as Extract<FinetuneEvent, { event: K }>;
    }
    return undefined;
  };
  const done = last('done');
  if (exitCode === 0 && done !== undefined) {
    const when = done.stopped
      ? `stopped early at step ${done.step} of ${done.total}`
      : `finished ${done.total} steps`;
    return { level: 'info', message: `Fine-tuning ${when}; checkpoint: ${done.checkpoint}` };
  }
  const interrupted = last('interrupted');
  if (interrupted !== undefined || exitCode === 130) {
    const where = interrupted
      ? ` at step ${interrupted.step}; saved ${interrupted.checkpoint}`
      : '';
    return {
      level: 'warning',
      message: `Fine-tuning stopped${where}. Run the task again with "resume": true to continue.`,
    };
  }
  const error = last('error');
  const why = error?.message ?? `the trainer exited with code ${exitCode}`;
  return {
    level: 'error',
    message: `Fine-tuning failed: ${why}. The full log is in the task's terminal.`,
  };
}

/** Shows the run's progress until its terminal closes, then the outcome. */
export function followRun(terminal: TrainerTerminal, name: string): Promise<void> {
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
          terminal.onDidClose((code) => resolve(code ?? 0));
        }),
    ),
  ).then(async (code) => {
    const outcome = describeOutcome(events, code);
    const show =
      outcome.level === 'info'
        ? vscode.window.showInformationMessage
        : outcome.level === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showErrorMessage;
    await show(`SAM-OCTA2: ${outcome.message}`);
  });
}
