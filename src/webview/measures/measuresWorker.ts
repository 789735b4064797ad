/**
 * The measures worker (bundled to dist/webview/measuresWorker.js, started from a Blob URL): a
 * whole volume's measures take seconds (a 304×304×640 scan: several), which must not freeze the
 * editor. Measures each job with the core's measureSegmentedVolume, the CLI's own code.
 */
import { measureSegmentedVolume } from '../../core/measure/measureReport';
import type { MeasureJob, MeasureReply } from '../../protocol/measureWorkerMessages';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<MeasureJob>) => void) | null;
  postMessage(message: MeasureReply): void;
};

scope.onmessage = (e) => {
  const job = e.data;
  try {
    const labels = { dims: job.input.source.dims, data: new Uint16Array(job.labels) };
    const measured = measureSegmentedVolume({ ...job.input, labels });
    scope.postMessage({ type: 'measured', id: job.id, measured });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    scope.postMessage({ type: 'failed', id: job.id, message });
  }
};
