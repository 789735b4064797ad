/**
 * What every `sam-octa2` command looks like to the dispatcher, and the error that means "the
 * user asked wrongly" (exit code 2, with the command's usage) rather than "something failed".
 */

/** Where a command prints; injected so tests capture output without spawning a process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliCommand {
  /** The word after `sam-octa2`. */
  name: string;
  /** One line for `sam-octa2 --help`. */
  summary: string;
  /** Full usage text for `sam-octa2 NAME --help` and after a usage error. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run: (argv: readonly string[], io: CliIo) => Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
