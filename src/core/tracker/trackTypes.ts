/**
 * The tracker's public vocabulary: prompts, options (range, direction, cancellation, progress)
 * and results. Shared by the tracker, the multi-object store, the CLI and the webview.
 */
import type { PromptShape } from './promptShapes';

/** A click in layer pixels: x = column, y = row (integers for a pixel; floats allowed). */
export interface PromptPoint {
  x: number;
  y: number;
  /** true = positive (inside the object), false = negative. */
  positive: boolean;
}

/** What an object is: vessels and the FAZ (a vessel's tracked layers pass the visibility gate). */
export type ObjectKind = 'vessel' | 'faz';

export interface LayerPrompt {
  layer: number;
  /** In the order they were clicked. */
  points: readonly PromptPoint[];
  /** Scribbles, boxes and lassos drawn on this layer, in drawing order (absent: none). */
  shapes?: readonly PromptShape[];
}

/** Windowed layers of one volume along the tracking axis. */
export interface LayerSource {
  /** Number of layers T. */
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /**
   * A layer pixel's size along its columns in mm, where the volume's header gives one: the
   * visibility gate measures vessels in millimetres (visibilityGate.ts, gateScale).
   */
  readonly pixelMm?: number;
  /** Layer `index` in [0, 1] (section 3 step 1 already applied), row-major rows x cols. */
  layer(index: number): Float32Array | Promise<Float32Array>;
}

/** AbortSignal satisfies this; so does any `{ aborted }` flag object. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export type TrackDirection = 'both' | 'forward' | 'backward';

export interface TrackProgress {
  /** Layers emitted so far and in all (a pass start layer counts in each pass). */
  done: number;
  total: number;
  layer: number;
  direction: 1 | -1;
  elapsedMs: number;
  layersPerSecond: number;
  /** Estimated time left; NaN until the first layer is done. */
  etaMs: number;
}

export interface TrackedFrame {
  layer: number;
  /** rows x cols, 1 = inside (logit > 0). Empty when the object is absent. */
  mask: Uint8Array;
  /** Object score logit; > 0: the object is on this layer. */
  score: number;
  /** true for a prompted (conditioning) layer. */
  prompted: boolean;
  /** L x L low-res logits (the decoder's `masks`). */
  lowRes: Float32Array;
}

export interface TrackOptions {
  /** Inclusive layer range the passes stop at (default: all layers). */
  range?: { from: number; to: number };
  direction?: TrackDirection;
  /** A vessel's tracked layers pass the visibility gate (visibilityGate.ts); absent: no gate. */
  kind?: ObjectKind;
  signal?: CancelSignal;
  onProgress?: (progress: TrackProgress) => void;
  /** Called once per emitted layer, in emission order, as soon as it is done. */
  onFrame?: (frame: TrackedFrame) => void;
}

export interface TrackResult {
  /** Layer -> its final frame. */
  frames: Map<number, TrackedFrame>;
  /** Layers in emission order (the pass start appears once per pass, as in sam2). */
  order: number[];
}

export class TrackCancelledError extends Error {
  constructor() {
    super('Tracking was cancelled.');
    this.name = 'AbortError';
  }
}
