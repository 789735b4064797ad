/**
 * The tracked objects as the measures read them: one label volume (label = object id, later
 * objects win where masks overlap, as the saved .seg.nii.gz does) and the sidecar records
 * (name, kind, prompts) that name them in the tables and the export.
 */
import { layerVoxels } from '../../core/labels/layerVoxels';
import type { SidecarObject } from '../../core/tracker/segmentationSidecar';
import type { MaskGeometry, TrackedObject } from '../tracking/trackedObjects';

export function objectLabelVolume(
  objects: Iterable<TrackedObject>,
  geo: MaskGeometry,
): Uint16Array {
  const [nx, ny, nz] = geo.dims;
  const data = new Uint16Array(nx * ny * nz);
  for (const object of objects) {
    for (const [layer, mask] of object.masks) {
      const { width, height, base, strideX, strideY } = layerVoxels(geo.dims, geo.axis, layer);
      if (mask.length !== width * height) continue;
      for (let y = 0, p = 0; y < height; y++) {
        let v = base + y * strideY;
        for (let x = 0; x < width; x++, p++, v += strideX) if (mask[p] === 1) data[v] = object.id;
      }
    }
  }
  return data;
}

export function sidecarObjects(objects: Iterable<TrackedObject>): SidecarObject[] {
  return [...objects].map((o) => ({
    id: o.id,
    name: o.name,
    kind: o.kind,
    color: o.color,
    axis: o.axis,
    prompts: o.prompts.map((p) => ({ layer: p.layer, points: p.points.map((q) => ({ ...q })) })),
  }));
}
