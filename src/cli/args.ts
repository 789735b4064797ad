/**
 * Option parsing shared by the commands: node's util.parseArgs in strict mode, with its errors
 * turned into UsageErrors that say what is wrong, plus parsers for the value formats the
 * commands share (whole numbers, WxHxD sizes, comma lists).
 */
import { parseArgs } from 'node:util';
import { UsageError } from './command';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseOptions(
  argv: readonly string[],
  options: Record<string, OptionSpec>,
  allowPositionals = false,
): ParsedArgs {
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (error) {
    // parseArgs' messages already name the option ("Unknown option '--x'"); keep them.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A whole number in [min, max], from option `name`. */
export function parseInteger(text: string, name: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) {
    throw new UsageError(`--${name} must be a whole number; got '${text}'.`);
  }
  const value = Number(text);
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be between ${min} and ${max}; got ${text}.`);
  }
  return value;
}

/** "304x304x640" → [304, 304, 640]. */
export function parseSize(text: string, name = 'size'): [number, number, number] {
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(text);
  if (!match) {
    throw new UsageError(
      `--${name} must look like WxHxD with three positive whole numbers, e.g. 304x304x640; got '${text}'.`,
    );
  }
  const dims = [Number(match[1]), Number(match[2]), Number(match[3])] as [number, number, number];
  if (dims.some((n) => n <= 0)) {
    throw new UsageError(`--${name} must be positive in every axis; got '${text}'.`);
  }
  return dims;
}

/** "0.3,0.6" → [0.3, 0.6]. */
export function parseNumberPair(text: string, name: string): [number, number] {
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new UsageError(
      `--${name} must be two numbers separated by a comma, e.g. 0.4,0.55; got '${text}'.`,
    );
  }
  return [values[0], values[1]];
}

/** "240,319" → [240, 319]; range checks are the caller's. */
export function parseIntegerPair(text: string, name: string): [number, number] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 2 || !parts.every((p) => /^\d+$/.test(p))) {
    throw new UsageError(
      `--${name} must be two whole numbers separated by a comma, e.g. 240,319; got '${text}'.`,
    );
  }
  return [Number(parts[0]), Number(parts[1])];
}

/** A file-name stem without directories or odd characters. */
export function parseName(text: string, name = 'name'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(text)) {
    throw new UsageError(
      `--${name} must be 1–100 characters of letters, digits, '.', '_' or '-', starting with a letter or digit; got '${text}'.`,
    );
  }
  return text;
}
