/**
 * A segmentation on disk: `<volume>.seg.nii.gz` (uint16 labels, the volume's dims and affine,
 * label value = object id) beside a `<volume>.seg.json` sidecar (names, kinds, colours, prompts;
 * src/core/tracker/segmentationSidecar.ts). Encodes the document's objects to those bytes and
 * decodes them back, refusing files that do not belong to the volume with a clear message.
 */
import { readNifti } from '../../core/nifti/readNifti';
import { writeNifti } from '../../core/nifti/writeNifti';
import { labelVolumeFromVolume } from '../../core/labels/labelVolume';
import { encodeRuns, forEachInsideRun } from '../../core/labels/maskRuns';
import {
  parseSegmentationSidecar,
  SidecarError,
  type SegmentationSidecar,
  segmentationSidecar,
} from '../../core/tracker/segmentationSidecar';
import type { Axis, Volume, VolumeGeometry } from '../../core/volume/volume';
import type { LayerPromptInfo, TrackedObjectState } from '../../protocol/editorMessages';

export class SegmentationFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SegmentationFileError';
  }
}

const PALETTE = ['#ff5a5a', '#4fc3f7', '#ffd54f', '#81c784', '#ba68c8', '#ff8a65'];

/** `scan.nii.gz` -> `scan.seg.nii.gz`. */
export function segmentationFileName(volumeFileName: string): string {
  return `${volumeFileName.replace(/\.nii(\.gz)?$/i, '')}.seg.nii.gz`;
}

/** `scan.seg.nii.gz` -> `scan.seg.json` (as the CLI's `track --out` names it). */
export function sidecarFileName(segFileName: string): string {
  return segFileName.replace(/\.nii(\.gz)?$/i, '') + '.json';
}

export interface EncodedSegmentation {
  readonly nifti: Uint8Array;
  readonly sidecar: Uint8Array;
}

/** Later objects win where masks overlap: a label volume holds one label per voxel. */
export function encodeSegmentation(
  objects: readonly TrackedObjectState[],
  geometry: VolumeGeometry,
  volumeFileName: string,
  model: string | null,
): EncodedSegmentation {
  const [nx, ny, nz] = geometry.dims;
  const count = nx * ny * nz;
  const labels = new Uint16Array(count);
  for (const object of objects) {
    forEachInsideRun(new Uint32Array(object.masks), count, (start, end) =>
      labels.fill(object.id, start, end),
    );
  }
  const seg: Volume = {
    dims: [nx, ny, nz],
    spacingMm: [...geometry.spacingMm] as [number, number, number],
    affine: [...geometry.affine],
    type: 'uint16',
    data: labels,
  };
  const axis: Axis = objects[0]?.axis ?? 2;
  const sidecar = segmentationSidecar({
    volume: volumeFileName,
    model,
    axis,
    objects: objects.map((o) => ({
      id: o.id,
      name: o.name,
      kind: o.kind,
      color: o.color,
      ...(o.axis !== axis ? { axis: o.axis } : {}),
      prompts: o.prompts.map(copyLayerPrompt),
    })),
  });
  return {
    nifti: writeNifti(seg, { gzip: true, intent: 'label', description: 'sam-octa2 segmentation' }),
    sidecar: new TextEncoder().encode(JSON.stringify(sidecar, null, 2) + '\n'),
  };
}

/**
 * The objects of a saved segmentation. Without a sidecar, every label value becomes an object
 * named after it (a label volume made elsewhere still opens).
 */
export function decodeSegmentation(
  nifti: Uint8Array,
  sidecarBytes: Uint8Array | undefined,
  geometry: VolumeGeometry,
  segFileName: string,
): TrackedObjectState[] {
  let seg: Volume;
  try {
    seg = readNifti(nifti).volume;
  } catch (error) {
    throw new SegmentationFileError(
      `${segFileName} is not a readable NIfTI file (${(error as Error).message}).`,
    );
  }
  const [a, b] = [seg.dims, geometry.dims];
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new SegmentationFileError(
      `${segFileName} has dims ${a.join('×')}, the volume ${b.join('×')}: it belongs to another ` +
        `volume. A segmentation must have the volume's dims.`,
    );
  }
  let labels: Uint16Array;
  try {
    labels = labelVolumeFromVolume(seg).data;
  } catch (error) {
    throw new SegmentationFileError(
      `${segFileName} is not a label volume: ${(error as Error).message}`,
    );
  }
  const sidecar = sidecarBytes ? parseSidecar(sidecarBytes, sidecarFileName(segFileName)) : null;
  const ids = sidecar ? sidecar.objects.map((o) => o.id) : presentLabels(labels);
  return ids.map((id, index) => {
    const entry = sidecar?.objects[index];
    return {
      id,
      name: entry?.name ?? `Object ${id}`,
      kind: entry?.kind ?? 'vessel',
      color: entry?.color ?? PALETTE[(id - 1) % PALETTE.length],
      axis: entry?.axis ?? sidecar?.axis ?? 2,
      prompts: (entry?.prompts ?? []).map(copyLayerPrompt),
      masks: encodeRuns(labels.length, (n) => labels[n] === id).buffer as ArrayBuffer,
    };
  });
}

/** A layer prompt copied for the other side (clicks, and shapes where the layer has some). */
function copyLayerPrompt(p: LayerPromptInfo): LayerPromptInfo {
  const points = p.points.map((q) => ({ ...q }));
  return p.shapes
    ? { layer: p.layer, points, shapes: p.shapes.map((s) => ({ ...s })) }
    : { layer: p.layer, points };
}

function presentLabels(labels: Uint16Array): number[] {
  const seen = new Uint8Array(65536);
  for (let n = 0; n < labels.length; n++) seen[labels[n]] = 1;
  const ids: number[] = [];
  for (let id = 1; id < seen.length; id++) if (seen[id]) ids.push(id);
  return ids;
}

/** The core's sidecar check (the CLI's too), its error as this module's. */
function parseSidecar(bytes: Uint8Array, name: string): SegmentationSidecar {
  try {
    return parseSegmentationSidecar(new TextDecoder().decode(bytes), name);
  } catch (error) {
    if (error instanceof SidecarError) throw new SegmentationFileError(error.message);
    throw error;
  }
}
