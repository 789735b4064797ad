/**
 * Runs the trainer inside the task's terminal (a Pseudoterminal for vscode.CustomExecution):
 * its output is shown as is, so the problem matcher sees it, and its stdout also feeds the
 * progress parser, which a ProcessExecution would not allow. Stopping sends SIGINT: the trainer
 * saves its checkpoint and exits with 130, so the run can be resumed.
 *
 * When training succeeds, the stages of the plan (evaluation, export: runStages.ts) run one
 * after another in the same terminal, so one task and one notification cover the whole run.
 * Everything shown is also saved to the run folder's log (runLog.ts).
 */
import { spawn } from 'node:child_process';
import { TextDecoder } from 'node:util';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProgressParser, type FinetuneEvent } from './progressParser';
import type { RunLog } from './runLog';
import {
  RUN_FILES,
  runFolderOfCheckpoint,
  withoutMetrics,
  type RunStage,
  type StageName,
  type CommandLine,
} from './runPlan';

/** The part of a Node ChildProcess used here, so tests can stand in for the trainer. */
export interface TrainerChild {
  readonly stdout: { on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown };
  readonly stderr: { on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown };
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: (code: number | null, signal: string | null) => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export type SpawnTrainer = (
  command: string,
  args: readonly string[],
  options: { cwd?: string; env: Record<string, string> },
) => TrainerChild;

/** What happens after training, and where its output is kept; all optional. */
export interface RunPlan {
  /** Stages to run once training has succeeded, given the (absolute) run folder. */
  after?(runFolder: string): readonly RunStage[];
  /** The run folder when it is known before the trainer says (the definition's `out`). */
  readonly runFolder?: string;
  /** Keeps the run's output (FileRunLog in production). */
  readonly log?: RunLog;
}

/** A stage began, or an optional one failed and the run went on without it. */
export type StageEvent =
  | { readonly stage: StageName; readonly state: 'started' }
  | { readonly stage: StageName; readonly state: 'skipped'; readonly reason: string };

/** How the whole run ended; set before the terminal closes. */
export interface RunResult {
  readonly code: number;
  /** The stage that ended the run (the last one when all succeeded). */
  readonly stage: StageName;
  readonly runFolder?: string;
  /** The exported bundle folder, when the export stage succeeded. */
  readonly bundle?: string;
  /** The run's log file, when it could be written. */
  readonly logFile?: string;
  /** The last error the failing stage printed (its error event, else its last stderr line). */
  readonly error?: string;
  /** Optional stages that failed, with why. */
  readonly skipped: readonly { readonly stage: StageName; readonly reason: string }[];
}

/** Exit code for a trainer that could not be started, as a shell reports a missing command. */
export const NOT_STARTED = 127;
/** After SIGINT the trainer finishes its step and saves; then it is stopped for good. */
const KILL_AFTER_MS = 60_000;

/** A terminal shows \r\n line ends; the trainer writes \n. */
function forTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** The last non-empty line of `text` (e.g. a traceback's closing "ValueError: ..."). */
function lastLine(text: string): string | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.at(-1)?.trim();
}

export class TrainerTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  private readonly events = new vscode.EventEmitter<FinetuneEvent>();
  private readonly stages = new vscode.EventEmitter<StageEvent>();
  readonly onDidWrite = this.written.event;
  readonly onDidClose = this.closed.event;
  /** Every progress event the trainer prints, in order (all stages). */
  readonly onProgress = this.events.event;
  /** Evaluation and export starting (training is the first stage and is not announced). */
  readonly onStage = this.stages.event;
  /** Set when the run has ended, just before onDidClose fires. */
  result: RunResult | undefined;
  private child: TrainerChild | undefined;
  private finished = false;
  private stopping = false;
  private killTimer: ReturnType<typeof setTimeout> | undefined;
  private runFolder: string | undefined;
  private readonly skipped: { stage: StageName; reason: string }[] = [];
  /** The running stage's last error (its error event, else its last stderr line). */
  private lastError: string | undefined;

  constructor(
    readonly line: CommandLine,
    /** `env` holds what the trainer needs on top of the extension host's environment. */
    readonly options: { cwd?: string; env: Record<string, string> },
    private readonly spawn: SpawnTrainer,
    private readonly plan: RunPlan = {},
  ) {
    this.runFolder = plan.runFolder;
  }

  open(): void {
    this.runStage({ name: 'train', line: this.line }, (code, done) => {
      const folder = this.runFolder;
      if (code !== 0 || !done || folder === undefined || this.plan.after === undefined) {
        this.finish(code, 'train');
        return;
      }
      this.runAfter([...this.plan.after(folder)], 'train');
    });
  }

  /** The user typed into the terminal: Ctrl+C stops the run like Cancel does. */
  handleInput(data: string): void {
    if (data === '\x03') this.stop();
  }

  /** Called by VS Code when the task is terminated or its terminal closed. */
  close(): void {
    this.stop();
  }

  /** Asks the running stage to save and stop; forces it after KILL_AFTER_MS. */
  stop(): void {
    if (this.child === undefined || this.finished || this.stopping) return;
    this.stopping = true;
    this.show('\nstopping: the trainer saves its checkpoint first\n');
    this.child.kill('SIGINT');
    const child = this.child;
    this.killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  }

  /** Runs the remaining stages in order; an optional stage may fail, the others end the run. */
  private runAfter(rest: RunStage[], previous: StageName): void {
    const next = rest.shift();
    if (next === undefined || this.stopping) {
      this.finish(this.stopping ? 130 : 0, previous);
      return;
    }
    this.stages.fire({ stage: next.name, state: 'started' });
    this.runStage(next, (code) => {
      if (code === 0) {
        this.runAfter(rest, next.name);
      } else if (next.optional && !this.stopping) {
        const reason = this.lastError ?? `exit code ${code}`;
        this.skipped.push({ stage: next.name, reason });
        this.stages.fire({ stage: next.name, state: 'skipped', reason });
        this.show(`\n${next.name} failed (${reason}); going on without it\n`);
        // The export must not ask for the metrics file a failed evaluation did not write.
        this.runAfter(next.name === 'eval' ? rest.map(withoutMetrics) : rest, next.name);
      } else {
        this.finish(code, next.name);
      }
    });
  }

  private runStage(stage: RunStage, then: (code: number, done: boolean) => void): void {
    const { command, args } = stage.line;
    this.show(`${stage.name === 'train' ? '' : '\n'}> ${[command, ...args].join(' ')}\n`);
    this.lastError = undefined;
    let lastStderr: string | undefined;
    let done = false;
    const parser = new ProgressParser();
    const child = this.spawn(command, args, this.options);
    this.child = child;
    const onEvent = (event: FinetuneEvent): void => {
      if (event.event === 'error') this.lastError = event.message;
      if (event.event === 'done') done = true;
      if (stage.name === 'train') this.learnRunFolder(event);
      this.events.fire(event);
    };
    // One decoder per stream: a character split across chunks must not meet the other stream.
    const [out, err] = [new TextDecoder(), new TextDecoder()];
    child.stdout.on('data', (chunk) => {
      const text = this.show(chunk, out);
      if (stage.name === 'train') this.plan.log?.progress(text);
      for (const event of parser.push(chunk)) onEvent(event);
    });
    child.stderr.on('data', (chunk) => {
      lastStderr = lastLine(this.show(chunk, err)) ?? lastStderr;
    });
    let ended = false;
    const end = (code: number): void => {
      if (ended) return;
      ended = true;
      for (const event of parser.end()) onEvent(event);
      this.lastError ??= code === 0 ? undefined : lastStderr;
      if (this.killTimer !== undefined) clearTimeout(this.killTimer);
      this.killTimer = undefined;
      then(code, done);
    };
    child.on('error', (error) => {
      this.show(`\ncould not start ${command}: ${error.message}\n`);
      this.lastError = `could not start ${command}: ${error.message}`;
      end(NOT_STARTED);
    });
    child.on('close', (code, signal) => end(code ?? (signal === 'SIGINT' ? 130 : 1)));
  }

  private learnRunFolder(event: FinetuneEvent): void {
    const checkpoint =
      event.event === 'checkpoint'
        ? event.path
        : event.event === 'done' || event.event === 'interrupted'
          ? event.checkpoint
          : undefined;
    if (checkpoint === undefined || this.runFolder !== undefined) return;
    this.runFolder = runFolderOfCheckpoint(checkpoint, this.options.cwd ?? process.cwd());
    this.plan.log?.setFolder(this.runFolder);
  }

  /** Shows a chunk of output (and logs it); returns the decoded text. */
  private show(chunk: Uint8Array | string, decoder?: TextDecoder): string {
    const text =
      typeof chunk === 'string'
        ? chunk
        : (decoder ?? new TextDecoder()).decode(chunk, { stream: true });
    this.plan.log?.write(text);
    this.written.fire(forTerminal(text));
    return text;
  }

  private finish(code: number, stage: StageName): void {
    if (this.finished) return;
    this.finished = true;
    if (this.killTimer !== undefined) clearTimeout(this.killTimer);
    const logFile = this.plan.log?.close();
    const exported = code === 0 && stage === 'export' && this.runFolder !== undefined;
    this.result = {
      code,
      stage,
      skipped: this.skipped,
      ...(this.runFolder === undefined ? {} : { runFolder: this.runFolder }),
      ...(exported ? { bundle: path.join(this.runFolder!, RUN_FILES.bundle) } : {}),
      ...(logFile === undefined ? {} : { logFile }),
      ...(code === 0 || this.lastError === undefined ? {} : { error: this.lastError }),
    };
    if (logFile !== undefined && code !== 0) {
      this.written.fire(forTerminal(`\nThe full log is in ${logFile}\n`));
    }
    this.closed.fire(code);
    this.events.dispose();
    this.stages.dispose();
  }
}

/** The real trainer process, with the host's environment plus the trainer's. */
export const nodeSpawnTrainer: SpawnTrainer = (command, args, options) =>
  spawn(command, [...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...process.env, ...options.env },
    windowsHide: true,
  });
