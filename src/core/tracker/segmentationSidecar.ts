/**
 * The JSON sidecar beside a saved label volume (SEG.nii.gz -> SEG.json): which label value is
 * which object, its kind and the prompts that made it, so a segmentation can be reopened,
 * re-tracked, or checked against the model that produced it.
 */
import type { Axis } from '../volume/volume';
import type { ObjectKind } from './objectTracks';
import type { LayerPrompt } from './trackTypes';

export const SIDECAR_FORMAT = 'samocta2-segmentation';
export const SIDECAR_VERSION = 1;

export interface SidecarObject {
  /** Label value in the volume. */
  id: number;
  name: string;
  kind: ObjectKind;
  color?: string;
  /** Depth axis of this object's prompts where it differs from the sidecar's `axis`. */
  axis?: Axis;
  prompts: LayerPrompt[];
}

export interface SegmentationSidecar {
  format: typeof SIDECAR_FORMAT;
  format_version: typeof SIDECAR_VERSION;
  /** File name of the labelled volume. */
  volume: string;
  /** Model bundle name (manifest `name`), or null for hand-made labels. */
  model: string | null;
  /** Depth axis the prompts' layers run along (0 = i, 1 = j, 2 = k). */
  axis: Axis;
  objects: SidecarObject[];
  /** sha256 of the label volume file's bytes, set when the pair is written (core/files/filePair). */
  image_sha256?: string;
}

export function segmentationSidecar(
  content: Omit<SegmentationSidecar, 'format' | 'format_version'>,
): SegmentationSidecar {
  return { format: SIDECAR_FORMAT, format_version: SIDECAR_VERSION, ...content };
}
