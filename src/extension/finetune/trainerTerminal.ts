/**
 * Runs the trainer inside the task's terminal (a Pseudoterminal for vscode.CustomExecution):
 * its output is shown as is, so the problem matcher sees it, and its stdout also feeds the
 * progress parser, which a ProcessExecution would not allow. Stopping sends SIGINT: the trainer
 * saves its checkpoint and exits with 130, so the run can be resumed.
 */
import { spawn } from 'node:child_process';
import { TextDecoder } from 'node:util';
import * as vscode from 'vscode';
import { ProgressParser, type FinetuneEvent } from './progressParser';
import type { CommandLine } from './taskDefinition';

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

/** Exit code for a trainer that could not be started, as a shell reports a missing command. */
export const NOT_STARTED = 127;
/** After SIGINT the trainer finishes its step and saves; then it is stopped for good. */
const KILL_AFTER_MS = 60_000;

/** A terminal shows \r\n line ends; the trainer writes \n. */
function forTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export class TrainerTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  private readonly events = new vscode.EventEmitter<FinetuneEvent>();
  readonly onDidWrite = this.written.event;
  readonly onDidClose = this.closed.event;
  /** Every progress event the trainer prints, in order. */
  readonly onProgress = this.events.event;
  private child: TrainerChild | undefined;
  private finished = false;
  private killTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly line: CommandLine,
    /** `env` holds what the trainer needs on top of the extension host's environment. */
    readonly options: { cwd?: string; env: Record<string, string> },
    private readonly spawn: SpawnTrainer,
  ) {}

  open(): void {
    this.written.fire(`> ${[this.line.command, ...this.line.args].join(' ')}\r\n`);
    const parser = new ProgressParser();
    const child = this.spawn(this.line.command, this.line.args, this.options);
    this.child = child;
    // One decoder per stream: a character split across chunks must not meet the other stream.
    const [out, err] = [new TextDecoder(), new TextDecoder()];
    child.stdout.on('data', (chunk) => {
      this.show(chunk, out);
      for (const event of parser.push(chunk)) this.events.fire(event);
    });
    child.stderr.on('data', (chunk) => this.show(chunk, err));
    child.on('error', (error) => {
      this.written.fire(forTerminal(`\ncould not start ${this.line.command}: ${error.message}\n`));
      this.finish(NOT_STARTED);
    });
    child.on('close', (code, signal) => {
      for (const event of parser.end()) this.events.fire(event);
      this.finish(code ?? (signal === 'SIGINT' ? 130 : 1));
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

  /** Asks the trainer to save and stop; forces it after KILL_AFTER_MS. */
  stop(): void {
    if (this.child === undefined || this.finished || this.killTimer !== undefined) return;
    this.written.fire('\r\nstopping: the trainer saves its checkpoint first\r\n');
    this.child.kill('SIGINT');
    this.killTimer = setTimeout(() => this.child?.kill('SIGKILL'), KILL_AFTER_MS);
  }

  private show(chunk: Uint8Array | string, decoder: TextDecoder): void {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    this.written.fire(forTerminal(text));
  }

  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.killTimer !== undefined) clearTimeout(this.killTimer);
    this.closed.fire(code);
    this.events.dispose();
  }
}

/** The real trainer process, with the host's environment plus the trainer's. */
export const nodeSpawnTrainer: SpawnTrainer = (command, args, options) =>
  spawn(command, [...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...process.env, ...options.env },
    windowsHide: true,
  });
