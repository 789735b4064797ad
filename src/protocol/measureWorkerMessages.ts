/**
 * Messages between the editor's page and its measures worker (src/webview/measures/): the page
 * sends a segmented volume (its labels as a transferred buffer), the worker answers with the
 * measured record or the reason it could not measure. Types only.
 */
import type { MeasuredVolume, SegmentedVolume } from '../core/measure/measureReport';

/** A SegmentedVolume whose labels travel as a Uint16Array's buffer. */
export interface MeasureJob {
  readonly type: 'measure';
  readonly id: number;
  readonly input: Omit<SegmentedVolume, 'labels'>;
  readonly labels: ArrayBuffer;
}

export type MeasureReply =
  | { readonly type: 'measured'; readonly id: number; readonly measured: MeasuredVolume }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
