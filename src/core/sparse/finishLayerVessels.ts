/**
 * The sparse workflow's result: 3D vessel instance labels from an en-face RV annotation and a
 * per-layer "region where vessels are visible" (paper, section III.C).
 *   layer RV = en-face RV ∩ region of that layer;
 *   instance id = the en-face RV's connected component (8-connected by default), so one vessel
 *   keeps its id on every layer.
 * Output: uint16, the volume's dims and voxel order, 0 = background, ids 1..count — the trainer's
 * `<name>.vessels.nii.gz` (trainer/samocta2/data/naming.py; the synthetic generator's
 * vesselInstances have the same layout). Write it with labelVolumeToVolume + writeNifti.
 */
import { labelComponents, type Connectivity } from '../labels/connectedComponents';
import { LabelError, MAX_LABEL, type LabelVolume } from '../labels/labelVolume';
import { layerVoxels } from '../labels/layerVoxels';
import { layerShape } from '../volume/layers';
import type { Axis } from '../volume/volume';

export interface FinishInput {
  dims: readonly [number, number, number];
  /** Depth axis: layers are slices across it. */
  axis: Axis;
  /** En-face RV annotation in layer pixel order (non-zero = vessel). */
  enfaceRv: ArrayLike<number>;
  /** Per layer (dims[axis] entries): its vessel region mask, or null for none (blank layer). */
  regions: ReadonlyArray<ArrayLike<number> | null>;
  /** Default 8. */
  connectivity?: Connectivity;
}

export interface FinishResult {
  instances: LabelVolume;
  /** Number of en-face vessels, ids 1..count (a vessel outside every region has no voxels). */
  count: number;
  /** En-face instance ids (the ids used in 3D). */
  enfaceInstances: Uint16Array;
  /** Labelled voxels per id (index id; index 0 unused). */
  voxelsPerInstance: Float64Array;
}

export function finishLayerVessels(input: FinishInput): FinishResult {
  const { dims, axis } = input;
  const { width, height } = layerShape(dims, axis);
  const pixels = width * height;
  if (input.enfaceRv.length !== pixels) {
    throw new LabelError(
      `En-face RV has ${input.enfaceRv.length} pixels; the ${width}×${height} layers need ${pixels}.`,
    );
  }
  if (input.regions.length !== dims[axis]) {
    throw new LabelError(
      `Got regions for ${input.regions.length} layers; the volume has ${dims[axis]} along axis ` +
        `${'ijk'[axis]}.`,
    );
  }
  input.regions.forEach((region, layer) => {
    if (region && region.length !== pixels) {
      throw new LabelError(
        `Region of layer ${layer} has ${region.length} pixels; the layers have ${pixels}.`,
      );
    }
  });
  const components = labelComponents(input.enfaceRv, width, height, input.connectivity ?? 8);
  if (components.count > MAX_LABEL) {
    throw new LabelError(
      `The en-face RV has ${components.count} separate vessels; uint16 labels hold at most ` +
        `${MAX_LABEL}. Is it a vessel mask (not an image)?`,
    );
  }
  const enfaceInstances = Uint16Array.from(components.labels);
  const data = new Uint16Array(dims[0] * dims[1] * dims[2]);
  const voxelsPerInstance = new Float64Array(components.count + 1);
  input.regions.forEach((region, layer) => {
    if (!region) return;
    const { base, strideX, strideY } = layerVoxels(dims, axis, layer);
    for (let y = 0, p = 0; y < height; y++) {
      let v = base + y * strideY;
      for (let x = 0; x < width; x++, p++, v += strideX) {
        const id = enfaceInstances[p];
        if (id === 0 || region[p] === 0) continue;
        data[v] = id;
        voxelsPerInstance[id]++;
      }
    }
  });
  return {
    instances: { dims: [dims[0], dims[1], dims[2]], data },
    count: components.count,
    enfaceInstances,
    voxelsPerInstance,
  };
}
