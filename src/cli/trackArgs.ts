/**
 * Option parsing for `sam-octa2 track`, where order matters: each `--object NAME [--kind K]`
 * starts an object and the `--prompt`s after it belong to it (prompts before any --object go
 * to one vessel object called "object-1").
 */
import { parseInteger } from './args';
import { UsageError } from './command';
import { layerNumberRange } from '../core/volume/layerNumbers';
import type { ObjectKind, PromptPoint, TrackDirection } from '../core/tracker/trackTypes';

export interface ObjectRequest {
  name: string;
  kind: ObjectKind;
  prompts: { layer: number; point: PromptPoint }[];
}

export interface TrackArgs {
  volume: string;
  model: string;
  out: string;
  objects: ObjectRequest[];
  threads: number;
  direction: TrackDirection;
  range?: { from: number; to: number };
  /** Replace an output even when it is a file the command reads (the input volume). */
  force: boolean;
}

const VALUE_OPTIONS = [
  '--model',
  '--out',
  '--prompt',
  '--object',
  '--kind',
  '--threads',
  '--direction',
  '--range',
];

export function parseTrackArgs(argv: readonly string[]): TrackArgs {
  const objects: ObjectRequest[] = [];
  const current = (): ObjectRequest => {
    if (objects.length === 0) objects.push({ name: 'object-1', kind: 'vessel', prompts: [] });
    return objects[objects.length - 1];
  };
  const positionals: string[] = [];
  const single: Record<string, string> = {};
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--force') {
      force = true;
      continue;
    }
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const [flag, inline] = token.includes('=')
      ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)]
      : [token, undefined];
    if (!VALUE_OPTIONS.includes(flag)) {
      throw new UsageError(
        `Unknown option '${flag}'. Options: ${VALUE_OPTIONS.join(', ')}, --force.`,
      );
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`${flag} needs a value.`);
    }
    if (flag === '--object') objects.push({ name: value, kind: 'vessel', prompts: [] });
    else if (flag === '--kind') current().kind = parseKind(value);
    else if (flag === '--prompt') current().prompts.push(parsePrompt(value));
    else single[flag] = value;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      `Give exactly one VOLUME (a .nii or .nii.gz file); got ${positionals.length}.`,
    );
  }
  if (!single['--model']) throw new UsageError('--model DIR (a model bundle folder) is required.');
  const out = single['--out'];
  if (!out || !/\.nii(\.gz)?$/i.test(out)) {
    throw new UsageError('--out SEG.nii.gz is required and must end in .nii.gz or .nii.');
  }
  if (objects.length === 0 || objects.some((o) => o.prompts.length === 0)) {
    throw new UsageError('Every object needs at least one --prompt LAYER:X,Y[:neg].');
  }
  const names = new Set(objects.map((o) => o.name));
  if (names.size !== objects.length) throw new UsageError('Object names must differ.');
  const direction = (single['--direction'] ?? 'both') as TrackDirection;
  if (!['both', 'forward', 'backward'].includes(direction)) {
    throw new UsageError(`--direction must be both, forward or backward; got '${direction}'.`);
  }
  return {
    volume: positionals[0],
    model: single['--model'],
    out,
    objects,
    threads: single['--threads'] ? parseInteger(single['--threads'], 'threads', 1, 64) : 1,
    direction,
    range: single['--range'] ? parseRange(single['--range']) : undefined,
    force,
  };
}

/** "12:30,41" -> layer 12, x 30, y 41, positive; "12:5,5:neg" -> negative. */
export function parsePrompt(text: string): { layer: number; point: PromptPoint } {
  const match = /^(\d+):(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?::(pos|neg))?$/.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `--prompt must look like LAYER:X,Y or LAYER:X,Y:neg (layer and pixel column X, row Y); got '${text}'.`,
    );
  }
  return {
    layer: Number(match[1]),
    point: { x: Number(match[2]), y: Number(match[3]), positive: match[4] !== 'neg' },
  };
}

function parseKind(text: string): ObjectKind {
  if (text !== 'vessel' && text !== 'faz')
    throw new UsageError(`--kind must be vessel or faz; got '${text}'.`);
  return text;
}

function parseRange(text: string): { from: number; to: number } {
  const match = /^(\d+),(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`--range must be FROM,TO (layer numbers); got '${text}'.`);
  const range = { from: Number(match[1]), to: Number(match[2]) };
  if (range.from > range.to) {
    throw new UsageError(`--range ${text}: FROM must not be after TO.`);
  }
  return range;
}

/** The volume's layers are known only after reading it: a range must lie within them. */
export function checkRange(range: TrackArgs['range'], layerCount: number): void {
  if (range && range.to >= layerCount) {
    throw new UsageError(
      `--range ${range.from},${range.to}: the volume has layers ${layerNumberRange(layerCount)}.`,
    );
  }
}
