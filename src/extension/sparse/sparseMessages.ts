/** Checks that a webview message is one of the sparse panel's, well formed (the webview is untrusted input). */
import type { SparseFromWebviewMessage } from '../../protocol/editorMessages';

const isLayer = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isDevice = (v: unknown): boolean => v === 'auto' || v === 'cpu' || v === 'cuda';

export function isSparseMessage(value: unknown): value is SparseFromWebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'sparseSettings': {
      const s = m.settings as Record<string, unknown> | null;
      return (
        typeof s === 'object' &&
        s !== null &&
        typeof s.blankThreshold === 'number' &&
        isLayer(s.sampleCount) &&
        isLayer(s.sampleSeed) &&
        Array.isArray(s.sampled) &&
        s.sampled.every(isLayer) &&
        isLayer(s.trainSteps) &&
        isDevice(s.device) &&
        typeof s.enfacePath === 'string'
      );
    }
    case 'sparseRun':
      return (
        (m.task === 'train' || m.task === 'predict') &&
        isDevice(m.device) &&
        typeof m.steps === 'number' &&
        Number.isInteger(m.steps) &&
        m.steps >= 1 &&
        Array.isArray(m.layers) &&
        m.layers.every(isLayer)
      );
    case 'sparseStop':
    case 'sparseBrowse':
      return true;
    case 'sparseAccept':
      return isLayer(m.layer);
    case 'sparseMark':
      return isLayer(m.layer) && typeof m.annotated === 'boolean';
    case 'sparseFinish':
      return typeof m.enfacePath === 'string';
    default:
      return false;
  }
}
