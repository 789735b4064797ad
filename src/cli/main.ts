/**
 * Entry point of the `sam-octa2` CLI (bundled to dist/cli.js: `node dist/cli.js synth …`). All
 * logic lives in cli.ts so tests can run commands in-process.
 */
import { runCli } from './cli';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `sam-octa2: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
