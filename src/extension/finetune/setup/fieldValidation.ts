/**
 * The setup's typed-in numbers, read and checked as the user types: each returns the value, or
 * what is wrong and what is expected; a value that works but is unusual carries a warning.
 * Pure, so every rule is unit-tested.
 */

export interface Note {
  readonly severity: 'info' | 'warning';
  readonly message: string;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T; readonly note?: Note }
  | { readonly ok: false; readonly error: string };

const ok = <T>(value: T, note?: Note): Parsed<T> =>
  note === undefined ? { ok: true, value } : { ok: true, value, note };
const bad = <T>(error: string): Parsed<T> => ({ ok: false, error });
const warning = (message: string): Note => ({ severity: 'warning', message });
const info = (message: string): Note => ({ severity: 'info', message });

function wholeNumber(text: string, what: string, min: number, max: number): Parsed<number> {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return bad(`${what} must be a whole number from ${min} to ${max}`);
  const value = Number(trimmed);
  if (value < min || value > max) return bad(`${what} must be from ${min} to ${max}, not ${value}`);
  return ok(value);
}

export function parseSteps(text: string): Parsed<number> {
  const parsed = wholeNumber(text, 'Steps', 1, 10_000_000);
  if (!parsed.ok) return parsed;
  return parsed.value < 10
    ? ok(
        parsed.value,
        info('A handful of steps checks the setup; real fine-tuning takes thousands'),
      )
    : parsed;
}

/** "6", "4-8", "4..8" or "[4, 8]": a fixed length or a range drawn per training sequence. */
export function parseFrames(text: string): Parsed<number | readonly [number, number]> {
  const match = /^\s*\[?\s*(\d+)\s*(?:(?:-|\.\.|,)\s*(\d+)\s*)?\]?\s*$/.exec(text);
  if (match === null) {
    return bad('Frame length is a number of frames such as 6, or a range such as 4-8');
  }
  const lo = Number(match[1]);
  const hi = match[2] === undefined ? lo : Number(match[2]);
  if (lo < 1 || hi > 64) return bad('Frames per sequence must be from 1 to 64');
  if (lo > hi) return bad(`The range ${lo}-${hi} is empty: write the smaller number first`);
  const value: number | readonly [number, number] = lo === hi ? lo : [lo, hi];
  if (hi > 16) {
    return ok(value, warning(`${hi} frames need a lot of GPU memory; the paper uses 4-8`));
  }
  return ok(value);
}

export function parseRank(text: string): Parsed<number> {
  const parsed = wholeNumber(text, 'LoRA rank', 1, 1024);
  if (!parsed.ok) return parsed;
  return parsed.value > 256
    ? ok(parsed.value, warning('A rank above 256 trains almost as many weights as the model'))
    : parsed;
}

export function parseLearningRate(text: string): Parsed<number> {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value) || value <= 0) {
    return bad('The learning rate is a positive number such as 5e-6');
  }
  if (value > 1e-2) {
    return ok(
      value,
      warning(`${trimmed} is high for fine-tuning (the paper uses 5e-6): the loss may diverge`),
    );
  }
  return ok(value);
}

export function parseGpus(text: string): Parsed<number> {
  const parsed = wholeNumber(text, 'The number of GPUs', 1, 64);
  if (!parsed.ok || parsed.value === 1) return parsed;
  return ok(
    parsed.value,
    info(`${parsed.value} GPUs: the trainer runs under torchrun, one process per GPU`),
  );
}

/** Frames as the input box shows them. */
export function formatFrames(frames: number | readonly [number, number]): string {
  return typeof frames === 'number' ? String(frames) : `${frames[0]}-${frames[1]}`;
}
