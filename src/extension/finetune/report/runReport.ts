/**
 * A run folder's report: its state in one sentence, the evaluation table, the curves, and what
 * is missing with how to get it. A failed or unfinished run still shows what it has. Pure.
 */
import { parseEvalJson, type EvalSummary } from './evalSummary';
import { CHECKPOINT_FILE, CONFIG_FILE, EVAL_FILES, PROGRESS_LOG, type RunFiles } from './runFolder';
import { readTrainingCurve, type TrainingCurve } from './trainingCurve';

export interface RunReport {
  readonly runDir: string;
  /** The run's state: finished, stopped, failed with the trainer's message, unfinished. */
  readonly status: string;
  readonly failed: boolean;
  readonly evaluation?: EvalSummary;
  /** Set when there is a curve to draw (at least one loss or validation point). */
  readonly curve?: TrainingCurve;
  /** One line per missing or unreadable piece, each with what to do. */
  readonly missing: readonly string[];
  /** The task's full output (the trainer's error in context), when it was kept. */
  readonly logFile?: string;
}

function statusOf(curve: TrainingCurve | undefined, files: RunFiles): [string, boolean] {
  if (curve === undefined || curve.events === 0) {
    return files.hasCheckpoint
      ? ['The run has a checkpoint but no progress log, so its course is unknown.', false]
      : ['No training has been recorded in this folder.', true];
  }
  const end = curve.end;
  switch (end.kind) {
    case 'done':
      return [
        end.stopped
          ? `Stopped early at step ${end.step} of ${end.total} (--stop-after).`
          : `Finished: ${end.total} steps${curve.device ? ` on ${curve.device}` : ''}.`,
        false,
      ];
    case 'interrupted':
      return [
        `Interrupted at step ${end.step}; the checkpoint ${end.checkpoint} was saved. Run the task again with "resume": true to continue.`,
        false,
      ];
    case 'error':
      return [`Failed: ${end.message}`, true];
    case 'unfinished': {
      const of = end.total === undefined ? '' : ` of ${end.total}`;
      return [
        `Unfinished: the log stops at step ${end.step}${of} without an ending (still running, or the process was killed).`,
        false,
      ];
    }
  }
}

export function buildRunReport(files: RunFiles): RunReport {
  const missing: string[] = [];
  let evaluation: EvalSummary | undefined;
  if (files.evaluation === undefined) {
    missing.push(
      `No evaluation (${EVAL_FILES.join(' or ')}): run "python -m samocta2 eval --checkpoint ${CHECKPOINT_FILE} --data <test folder> --out eval" in the run folder.`,
    );
  } else {
    const parsed = parseEvalJson(files.evaluation.text);
    if (parsed.ok) evaluation = parsed.summary;
    else missing.push(`${files.evaluation.name} cannot be read: ${parsed.problem}.`);
  }
  let curve: TrainingCurve | undefined;
  if (files.progressLog === undefined) {
    missing.push(
      `No progress log (${PROGRESS_LOG}), so no loss or validation curve: the trainer's JSON lines are saved there when the run is started from VS Code.`,
    );
  } else {
    curve = readTrainingCurve(files.progressLog.text);
    if (curve.events === 0) {
      missing.push(`${PROGRESS_LOG} holds no progress events from the trainer.`);
    } else if (curve.valDice.length === 0) {
      missing.push(
        'No validation points: the run had no validation folder ("valData"), "valEvery" is 0, or it ended before the first validation.',
      );
    }
  }
  if (!files.hasCheckpoint) missing.push(`No ${CHECKPOINT_FILE}: nothing to resume or export.`);
  if (!files.hasConfig) missing.push(`No ${CONFIG_FILE}: the trainer never started this run.`);
  const [status, failed] = statusOf(curve, files);
  const drawable = curve !== undefined && (curve.loss.length > 0 || curve.valDice.length > 0);
  return {
    runDir: files.runDir.fsPath,
    status,
    failed,
    ...(evaluation === undefined ? {} : { evaluation }),
    ...(drawable ? { curve } : {}),
    missing,
    ...(files.taskLog === undefined ? {} : { logFile: files.taskLog.fsPath }),
  };
}

/** "12 steps, last loss 1.433, best validation Dice 0.500 at step 4". */
export function curveSummary(curve: TrainingCurve): string {
  const parts: string[] = [];
  const last = curve.loss.at(-1);
  if (last !== undefined) parts.push(`last loss ${last.value.toFixed(3)} at step ${last.step}`);
  const best = curve.valDice.reduce<(typeof curve.valDice)[number] | undefined>(
    (b, p) => (b === undefined || p.value > b.value ? p : b),
    undefined,
  );
  if (best !== undefined) {
    parts.push(`best validation Dice ${best.value.toFixed(3)} at step ${best.step}`);
  }
  return parts.join(' · ');
}
