/**
 * Reads the trainer's progress from its stdout: one JSON object per line
 * (trainer/samocta2/progress.py lists the events). Output arrives in chunks that split lines
 * anywhere (even inside a UTF-8 character), may use CRLF, and mixes in lines that are not ours
 * (warnings, torchrun banners); those are skipped, never fatal. Pure, so it is unit-tested.
 */

export type FinetuneEvent =
  | {
      readonly event: 'start';
      readonly step: number;
      readonly total: number;
      readonly device?: string;
      readonly trainable?: number;
    }
  | {
      readonly event: 'step';
      readonly step: number;
      readonly total: number;
      readonly epoch: number | null;
      /** null when the trainer saw a non-finite value (JSON has no NaN). */
      readonly loss: number | null;
      readonly lr: number | null;
      /** Optimizer steps per second over this run. */
      readonly it_s: number | null;
      /** Seconds left; null until the speed is known. */
      readonly eta_s: number | null;
    }
  | {
      readonly event: 'val';
      readonly step: number;
      readonly dice: number | null;
      readonly jaccard: number | null;
    }
  | { readonly event: 'checkpoint'; readonly step: number; readonly path: string }
  | {
      readonly event: 'done';
      readonly step: number;
      readonly total: number;
      readonly checkpoint: string;
      /** True when the run stopped early (--stop-after) rather than reaching `total`. */
      readonly stopped: boolean;
    }
  | { readonly event: 'interrupted'; readonly step: number; readonly checkpoint: string }
  | { readonly event: 'error'; readonly message: string };

type Fields = Record<string, unknown>;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const numberOrNull = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;
const isText = (v: unknown): v is string => typeof v === 'string';

/** One line -> its event, or undefined for anything that is not a well-formed known event. */
export function parseProgressLine(line: string): FinetuneEvent | undefined {
  // A bare CR (a progress bar redrawing its line) leaves only what follows it on screen.
  const trimmed = line.slice(line.trimEnd().lastIndexOf('\r') + 1).trim();
  if (!trimmed.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return toEvent(value as Fields);
}

function toEvent(f: Fields): FinetuneEvent | undefined {
  switch (f.event) {
    case 'start':
      if (!isCount(f.step) || !isCount(f.total)) return undefined;
      return {
        event: 'start',
        step: f.step,
        total: f.total,
        ...(isText(f.device) ? { device: f.device } : {}),
        ...(isCount(f.trainable) ? { trainable: f.trainable } : {}),
      };
    case 'step':
      if (!isCount(f.step) || !isCount(f.total)) return undefined;
      return {
        event: 'step',
        step: f.step,
        total: f.total,
        epoch: numberOrNull(f.epoch),
        loss: numberOrNull(f.loss),
        lr: numberOrNull(f.lr),
        it_s: numberOrNull(f.it_s),
        eta_s: numberOrNull(f.eta_s),
      };
    case 'val':
      if (!isCount(f.step)) return undefined;
      return {
        event: 'val',
        step: f.step,
        dice: numberOrNull(f.dice),
        jaccard: numberOrNull(f.jaccard),
      };
    case 'checkpoint':
      if (!isCount(f.step) || !isText(f.path)) return undefined;
      return { event: 'checkpoint', step: f.step, path: f.path };
    case 'done':
      if (!isCount(f.step) || !isCount(f.total) || !isText(f.checkpoint)) return undefined;
      return {
        event: 'done',
        step: f.step,
        total: f.total,
        checkpoint: f.checkpoint,
        stopped: f.stopped === true,
      };
    case 'interrupted':
      if (!isCount(f.step) || !isText(f.checkpoint)) return undefined;
      return { event: 'interrupted', step: f.step, checkpoint: f.checkpoint };
    case 'error':
      if (!isText(f.message)) return undefined;
      return { event: 'error', message: f.message };
    default:
      return undefined;
  }
}

/**
 * A longer line is not one of ours (the trainer's lines are well under 1 KiB): it is dropped
 * rather than buffered without bound when a process prints without newlines.
 */
const MAX_LINE_CHARS = 64 * 1024;

/** Feeds chunks in arrival order; each call returns the events completed by that chunk. */
export class ProgressParser {
  private pending = '';
  private overflowing = false;
  private readonly decoder = new TextDecoder('utf-8');

  push(chunk: string | Uint8Array): FinetuneEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    const events: FinetuneEvent[] = [];
    for (const line of lines) {
      // The tail of an over-long line is still not ours.
      if (this.overflowing) {
        this.overflowing = false;
        continue;
      }
      const event = parseProgressLine(line);
      if (event !== undefined) events.push(event);
    }
    if (this.pending.length > MAX_LINE_CHARS) {
      this.pending = '';
      this.overflowing = true;
    }
    return events;
  }

  /** The process ended: a last line without a newline still counts. */
  end(): FinetuneEvent[] {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    const overflowing = this.overflowing;
    this.overflowing = false;
    const event = overflowing ? undefined : parseProgressLine(rest);
    return event === undefined ? [] : [event];
  }
}
