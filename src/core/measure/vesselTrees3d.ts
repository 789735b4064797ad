/**
 * Per tracked vessel in 3D: its centreline and what follows from it. Retinal vessels run within
 * the retina's thin slab, nearly parallel to its surface, so the centreline is traced en face
 * (the skeleton of the vessel's footprint, the union of its layers) and lifted into 3D at the
 * vessel's mean depth in each column; where a vessel dives from one plexus to another, the dive
 * is part of its length. Spurs are pruned (pruneSpurs.ts), then each branch
 * (skeletonBranches.ts) is smoothed before it is measured (pathGeometry.ts). Reported per vessel:
 *   centreline length (mm, 3D, all branches);
 *   mean diameter (µm): footprint area / en-face centreline length, the vessel's VDI;
 *   tortuosity: Σ arc / Σ chord over its branches (1 = straight; the distance metric of
 *     Grisan et al. 2008 summed over a tree);
 *   curvature index (rad/mm): total turning ∫|κ| ds over total length (Hart et al. 1999);
 *   depth range: first and last layer holding it, and that span in µm.
 */
import type { LabelVolume } from '../labels/labelVolume';
import { layerVoxels } from '../labels/layerVoxels';
import { MeasureError } from './measureError';
import { chordLength, pathLength, smoothPath, totalCurvature, type Point3 } from './pathGeometry';
import { pixelAreaMm2, type PlaneGeometry } from './planeGeometry';
import { pruneSpurs } from './pruneSpurs';
import { skeletonBranches } from './skeletonBranches';
import { skeletonize } from './skeletonize';
import { skeletonLength } from './skeletonLength';

export interface VesselTree3d {
  label: number;
  voxels: number;
  /** First and last layer holding the vessel; null when it is absent. */
  layers: [number, number] | null;
  /** (last − first + 1) layers in µm; null when absent. */
  depthExtentUm: number | null;
  footprintAreaMm2: number;
  branches: number;
  centrelineLengthMm: number;
  meanDiameterUm: number | null;
  tortuosity: number | null;
  curvatureRadPerMm: number | null;
  /** The footprint reaches the image edge: the vessel goes on outside the field. */
  touchesEdge: boolean;
}

/** Smoothing along a branch, in samples (pixels): removes the staircase, keeps real bends. */
const SMOOTHING_SAMPLES = 2;
/**
 * Turning is measured between points this many pixels apart: the staircase of a digitised
 * straight line reads as a little bending below that scale (docs/measures.md).
 */
const CURVATURE_STEP_PIXELS = 8;

export function vesselTrees3d(
  labels: LabelVolume,
  geometry: PlaneGeometry,
  ids: readonly number[],
): VesselTree3d[] {
  const { axis, width, height, layers, pixelMm, layerMm } = geometry;
  if (labels.dims[axis] !== layers || width * height * layers !== labels.data.length) {
    throw new MeasureError(`The labels (${labels.dims.join('×')}) do not have the volume's shape.`);
  }
  const slot = new Int32Array(65536).fill(-1);
  ids.forEach((id, n) => (slot[id] = n));
  const columns = width * height;
  const count = ids.map(() => new Uint32Array(columns));
  const depthSum = ids.map(() => new Float64Array(columns));
  const first = ids.map(() => -1);
  const last = ids.map(() => -1);
  for (let k = 0; k < layers; k++) {
    const { base, strideX, strideY } = layerVoxels(labels.dims, axis, k);
    for (let y = 0, p = 0; y < height; y++) {
      let v = base + y * strideY;
      for (let x = 0; x < width; x++, p++, v += strideX) {
        const n = slot[labels.data[v]];
        if (n < 0) continue;
        count[n][p]++;
        depthSum[n][p] += k;
        if (first[n] < 0) first[n] = k;
        last[n] = k;
      }
    }
  }
  return ids.map((label, n) =>
    measureTree(label, count[n], depthSum[n], first[n] < 0 ? null : [first[n], last[n]]),
  );

  function measureTree(
    label: number,
    perColumn: Uint32Array,
    depths: Float64Array,
    range: [number, number] | null,
  ): VesselTree3d {
    const footprint = new Uint8Array(columns);
    let voxels = 0;
    let area = 0;
    let touchesEdge = false;
    for (let p = 0; p < columns; p++) {
      if (perColumn[p] === 0) continue;
      footprint[p] = 1;
      voxels += perColumn[p];
      area++;
      const x = p % width;
      const y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touchesEdge = true;
    }
    const skeleton = pruneSpurs(skeletonize(footprint, width, height), footprint, width, height);
    const { paths, junctions } = skeletonBranches(skeleton, width, height);
    // The steps between the pixels of a junction belong to no branch; they are part of the length.
    const junctionMask = new Uint8Array(columns);
    for (const p of junctions) junctionMask[p] = 1;
    const junctionLength = skeletonLength(junctionMask, width, height, pixelMm);
    let length3d = junctionLength;
    let length2d = junctionLength;
    let arcs = 0;
    let chords = 0;
    let turning = 0;
    const step = CURVATURE_STEP_PIXELS * Math.min(pixelMm[0], pixelMm[1]);
    for (const path of paths) {
      const points: Point3[] = path.map((p) => {
        const x = p % width;
        const y = (p - x) / width;
        return [x * pixelMm[0], y * pixelMm[1], (depths[p] / perColumn[p]) * layerMm];
      });
      const smooth = smoothPath(points, SMOOTHING_SAMPLES);
      const arc = pathLength(smooth);
      length3d += arc;
      arcs += arc;
      length2d += pathLength(smooth.map(([x, y]) => [x, y, 0] as const));
      chords += chordLength(smooth);
      turning += totalCurvature(smooth, step);
    }
    const footprintAreaMm2 = area * pixelAreaMm2(geometry);
    return {
      label,
      voxels,
      layers: range,
      depthExtentUm: range ? (range[1] - range[0] + 1) * layerMm * 1000 : null,
      footprintAreaMm2,
      branches: paths.length,
      centrelineLengthMm: length3d,
      meanDiameterUm: length2d > 0 ? (1000 * footprintAreaMm2) / length2d : null,
      tortuosity: chords > 0 ? arcs / chords : null,
      curvatureRadPerMm: arcs > 0 ? turning / arcs : null,
      touchesEdge,
    };
  }
}
