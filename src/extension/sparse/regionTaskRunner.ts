/**
 * Runs a `samocta2-region` definition as a VS Code task, through the trainer-task module: a
 * CustomExecution whose pseudoterminal (TrainerTerminal) shows the trainer's output, parses its
 * JSON-line progress and stops it with SIGINT (it saves first). Resolves when the process ends,
 * with the exit code and the events, so the sparse panel can go on (predict after train, load
 * the prediction) and say what happened.
 */
import * as vscode from 'vscode';
import { EventLines } from '../trainerTask/eventLines';
import type { FinetuneEvent } from '../trainerTask/progressParser';
import { createTrainerTask, type TrainerTaskContext } from '../trainerTask/trainerTask';
import type { TrainerTerminal } from '../trainerTask/trainerTerminal';
import { regionCommandLine, type RegionTaskDefinition } from './regionTaskDefinition';

export interface RegionRunContext extends TrainerTaskContext {
  resolvePython(scope: vscode.Uri | undefined): Promise<string>;
}

export interface RegionRunListener {
  /** Each progress event (start, step, checkpoint, done, interrupted, error). */
  progress?(event: FinetuneEvent): void;
  /** Each region-predict `layer` event: done of total layers. */
  predicted?(done: number, total: number): void;
  /** The terminal, once the task starts (to stop it). */
  started?(terminal: TrainerTerminal): void;
}

export interface RegionRunResult {
  readonly code: number;
  readonly events: readonly FinetuneEvent[];
}

/** A runnable task for a checked definition (`raw`: the object VS Code handed in, if any). */
export function createRegionTask(
  definition: RegionTaskDefinition,
  scope: vscode.WorkspaceFolder | vscode.TaskScope,
  name: string,
  python: string,
  context: Omit<RegionRunContext, 'resolvePython'>,
  onTerminal: (terminal: TrainerTerminal) => void = () => undefined,
  raw: vscode.TaskDefinition = definition as unknown as vscode.TaskDefinition,
): vscode.Task {
  return createTrainerTask(
    {
      definition: raw,
      scope,
      name,
      detail:
        definition.action === 'train'
          ? `region model · ${definition.steps ?? 'default'} steps · ${definition.device ?? 'auto'}`
          : `region prediction · ${definition.device ?? 'auto'}`,
      line: regionCommandLine(definition, python),
      onTerminal,
    },
    context,
  );
}

/** Starts the task and resolves when its process has ended. */
export async function runRegionTask(
  definition: RegionTaskDefinition,
  folder: vscode.Uri,
  name: string,
  context: RegionRunContext,
  listener: RegionRunListener = {},
): Promise<RegionRunResult> {
  const python = await context.resolvePython(folder);
  const scope = vscode.workspace.getWorkspaceFolder(folder) ?? vscode.TaskScope.Workspace;
  return new Promise<RegionRunResult>((resolve, reject) => {
    const events: FinetuneEvent[] = [];
    const task = createRegionTask(definition, scope, name, python, context, (terminal) => {
      listener.started?.(terminal);
      terminal.onProgress((event) => {
        events.push(event);
        listener.progress?.(event);
      });
      const lines = new EventLines('layer', ({ done, total }) => {
        if (typeof done === 'number' && typeof total === 'number') {
          listener.predicted?.(done, total);
        }
      });
      terminal.onDidWrite((text) => lines.push(text));
      terminal.onDidClose((code) => resolve({ code: code ?? 0, events }));
    });
    Promise.resolve(vscode.tasks.executeTask(task)).catch(reject);
  });
}

/** What the user is told when a region task ends. */
export function regionOutcome(
  action: 'train' | 'predict',
  result: RegionRunResult,
): { phase: 'done' | 'failed' | 'stopped'; text: string } {
  const what = action === 'train' ? 'Training the region model' : 'Predicting regions';
  const last = <K extends FinetuneEvent['event']>(kind: K) =>
    [...result.events].reverse().find((e) => e.event === kind) as
      Extract<FinetuneEvent, { event: K }> | undefined;
  if (result.code === 0) {
    const done = last('done');
    return {
      phase: 'done',
      text:
        action === 'train' && done ? `${what} finished ${done.step} steps.` : `${what} finished.`,
    };
  }
  if (result.code === 130) {
    const interrupted = last('interrupted');
    return {
      phase: 'stopped',
      text: `${what} was stopped${interrupted ? ` at step ${interrupted.step}; saved ${interrupted.checkpoint}` : ''}.`,
    };
  }
  const why = last('error')?.message ?? `the trainer exited with code ${result.code}`;
  return { phase: 'failed', text: `${what} failed: ${why}. The task's terminal has the full log.` };
}
