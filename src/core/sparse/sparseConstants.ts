/**
 * Values the host and the webview of the sparse workflow agree on. They live here, not in
 * src/protocol, because the protocol is type-only: both ends import runtime values from core.
 */
import { DEFAULT_BLANK_THRESHOLD } from './screenBlankLayers';

/** Region voxels hold this label in edits; any non-zero value in a file counts as inside. */
export const REGION_LABEL = 1;

/** SparsePanelSettings.enfacePath meaning "the en-face RV drawn on the projection view". */
export const ENFACE_DRAWN = 'drawn on the projection view';

/**
 * The sparse panel's settings (SparsePanelSettings in src/protocol) until the user or the
 * regions sidecar sets them: the host reads the sidecar against them, the webview starts from them.
 */
export const DEFAULT_SPARSE_SETTINGS = Object.freeze({
  blankThreshold: DEFAULT_BLANK_THRESHOLD,
  sampleCount: 10,
  sampleSeed: 1,
  sampled: Object.freeze([]) as readonly number[],
  trainSteps: 300,
  device: 'auto' as const,
  enfacePath: '',
});
