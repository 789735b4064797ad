/**
 * Runs the `sam-octa2` CLI in-process, as the command line would, and captures what it prints:
 * the exit code with stdout and stderr as text. Shared by the CLI's tests.
 */
import { runCli } from '../../src/cli/cli';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCliCaptured(...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}
