/**
 * The `sam-octa2` dispatcher: picks the command named by the first argument, prints help, and
 * maps errors to exit codes (2 = bad usage, with the usage text; 1 = the work failed).
 */
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type CliCommand,
  type CliIo,
} from './command';
import { COMMANDS } from './commands/registry';

export function mainUsage(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: sam-octa2 <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'sam-octa2 <command> --help' for a command's options.",
    '',
  ].join('\n');
}

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(mainUsage(commands));
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`sam-octa2: unknown command '${name}'.\n\n${mainUsage(commands)}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`sam-octa2 ${command.name}: ${error.message}\n\n${command.usage}`);
      return EXIT_USAGE;
    }
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr(`sam-octa2 ${command.name}: failed: ${reason}\n`);
    return EXIT_FAILURE;
  }
}
