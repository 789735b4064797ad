/**
 * Every `sam-octa2` command, in the order `--help` lists them. A new command is one file in this
 * folder exporting a CliCommand, plus one line here.
 */
import type { CliCommand } from '../command';
import { evalCommand } from './eval';
import { measureCommand } from './measure';
import { synthCommand } from './synth';
import { trackCommand } from './track';

export const COMMANDS: readonly CliCommand[] = [
  synthCommand,
  trackCommand,
  evalCommand,
  measureCommand,
];
