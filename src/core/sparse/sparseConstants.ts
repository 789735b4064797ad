/**
 * Values the host and the webview of the sparse workflow agree on. They live here, not in
 * src/protocol, because the protocol is type-only: both ends import runtime values from core.
 */

/** Region voxels hold this label in edits; any non-zero value in a file counts as inside. */
export const REGION_LABEL = 1;

/** SparsePanelSettings.enfacePath meaning "the en-face RV drawn on the projection view". */
export const ENFACE_DRAWN = 'drawn on the projection view';
