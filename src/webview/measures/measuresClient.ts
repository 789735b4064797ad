/**
 * The page's side of the measures worker: starts it from a Blob URL (webview resource URLs do
 * not serve workers) on first use and runs one job at a time. A job asked for while one runs
 * replaces any waiting one: masks change many times a second during a propagation, and only the
 * latest state is worth measuring.
 */
import type { MeasuredVolume, SegmentedVolume } from '../../core/measure/measureReport';
import type { MeasureJob, MeasureReply } from '../../protocol/measureWorkerMessages';
import { fetchOk } from '../tracking/trackerClient';

export const MEASURES_WORKER_FILE = 'measuresWorker.js';

export type MeasureOutcome =
  | { readonly ok: true; readonly measured: MeasuredVolume }
  | { readonly ok: false; readonly message: string };

interface Waiting {
  readonly input: SegmentedVolume;
  readonly done: (outcome: MeasureOutcome) => void;
}

export class MeasuresClient {
  private worker: Promise<Worker> | null = null;
  private running = false;
  private waiting: Waiting | null = null;
  private nextId = 1;

  constructor(private readonly base: string) {}

  /** Measures `input` (its label buffer is transferred); `done` is not called when superseded. */
  measure(input: SegmentedVolume, done: (outcome: MeasureOutcome) => void): void {
    this.waiting = { input, done };
    if (!this.running) void this.runNext();
  }

  private async runNext(): Promise<void> {
    const job = this.waiting;
    this.waiting = null;
    if (!job) return;
    this.running = true;
    let outcome: MeasureOutcome;
    try {
      outcome = await this.run(await this.start(), job.input);
    } catch (error) {
      this.worker = null;
      outcome = { ok: false, message: `Measures worker: ${(error as Error).message}` };
    }
    this.running = false;
    // A newer job waits: this result is already out of date.
    if (!this.waiting) job.done(outcome);
    void this.runNext();
  }

  private run(worker: Worker, input: SegmentedVolume): Promise<MeasureOutcome> {
    const id = this.nextId++;
    const { labels, ...rest } = input;
    const buffer = labels.data.buffer as ArrayBuffer;
    const message: MeasureJob = { type: 'measure', id, input: rest, labels: buffer };
    return new Promise((resolve, reject) => {
      const onMessage = (e: MessageEvent<MeasureReply>): void => {
        if (e.data.id !== id) return;
        cleanup();
        resolve(
          e.data.type === 'measured'
            ? { ok: true, measured: e.data.measured }
            : { ok: false, message: e.data.message },
        );
      };
      const onError = (e: ErrorEvent): void => {
        cleanup();
        reject(new Error(e.message || 'the worker failed'));
      };
      const cleanup = (): void => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      worker.postMessage(message, [buffer]);
    });
  }

  private start(): Promise<Worker> {
    this.worker ??= fetchOk(new URL(MEASURES_WORKER_FILE, this.base))
      .then((r) => r.text())
      .then((source) => {
        const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        const worker = new Worker(url, { type: 'module', name: 'sam-octa2-measures' });
        URL.revokeObjectURL(url);
        return worker;
      });
    return this.worker;
  }
}
