/**
 * Every measure of one segmented volume, the entry point the CLI (and the editor's export) call:
 * the FAZ on the en-face projection of a depth range and on each of its layers, with its depth
 * extent; vessel densities on the projection and on each layer, for the field and each sector of
 * the grid centred on the FAZ; and each vessel object in 3D. Where a part has no label to measure
 * it is null, and a notice says what was not measured and why.
 */
import type { LabelVolume } from '../labels/labelVolume';
import { fazDepth, type FazDepth } from './fazDepth';
import { fazShape, type FazShape } from './fazShape';
import { checkRange, labelSet, layerLabelMask, projectedLabelMask } from './labelMasks';
import { MeasureError } from './measureError';
import type { PlaneGeometry } from './planeGeometry';
import { sectorGrid, type Sector } from './sectorGrid';
import { vesselDensity, type VesselDensity } from './vesselDensity';
import { vesselTrees3d, type VesselTree3d } from './vesselTrees3d';

export interface MeasureRequest {
  geometry: PlaneGeometry;
  labels: LabelVolume;
  /** Label value of the FAZ, if the segmentation has one. */
  faz?: number;
  /** Label values of the vessel objects (each measured in 3D; together, for densities). */
  vessels: readonly number[];
  /** Depth range FROM..TO (inclusive) of the projections and per-layer rows; default every layer. */
  range?: readonly [number, number];
}

export interface LayerFaz {
  layer: number;
  shape: FazShape;
}

export interface LayerVessels {
  layer: number;
  regions: VesselDensity[];
}

export interface VolumeMeasures {
  range: [number, number];
  grid: {
    centreMm: [number, number];
    /** What the grid is centred on. */
    centredOn: 'faz-centroid' | 'field-centre';
    sectors: Sector[];
  };
  faz: { label: number; projection: FazShape; layers: LayerFaz[]; depth: FazDepth } | null;
  vessels: { labels: number[]; projection: VesselDensity[]; layers: LayerVessels[] } | null;
  trees: VesselTree3d[];
  notices: string[];
}

export function measureVolume(request: MeasureRequest): VolumeMeasures {
  const { geometry, labels } = request;
  const { axis, layers } = geometry;
  if (
    labels.dims[axis] !== layers ||
    labels.data.length !== geometry.width * geometry.height * layers
  ) {
    throw new MeasureError(`The labels (${labels.dims.join('×')}) do not fit the measured volume.`);
  }
  const range: [number, number] = request.range
    ? [request.range[0], request.range[1]]
    : [0, layers - 1];
  checkRange(labels, axis, range);
  const notices = [...geometry.notices];
  const layerIndices = Array.from({ length: range[1] - range[0] + 1 }, (_, n) => range[0] + n);

  let faz: VolumeMeasures['faz'] = null;
  if (request.faz !== undefined) {
    if (request.vessels.includes(request.faz)) {
      throw new MeasureError(`Label ${request.faz} cannot be both the FAZ and a vessel.`);
    }
    const set = labelSet([request.faz]);
    const projection = fazShape(projectedLabelMask(labels, axis, range, set), geometry);
    faz = {
      label: request.faz,
      projection,
      layers: layerIndices.map((layer) => ({
        layer,
        shape: fazShape(layerLabelMask(labels, axis, layer, set), geometry),
      })),
      depth: fazDepth(labels, geometry, set),
    };
    if (projection.pixels === 0) {
      notices.push(`The FAZ (label ${request.faz}) is empty on layers ${range[0]}–${range[1]}.`);
    } else {
      if (projection.touchesEdge) {
        notices.push(
          'The FAZ touches the edge of the field: its area and perimeter are of the part inside.',
        );
      }
      if (projection.components > 1) {
        notices.push(
          `The FAZ mask has ${projection.components} separate pieces; all count toward its area and perimeter.`,
        );
      }
    }
  } else {
    notices.push('No FAZ label: FAZ measures were not made.');
  }

  const centroid = faz?.projection.centroidMm ?? null;
  const centreMm: [number, number] = centroid ?? [
    ((geometry.width - 1) * geometry.pixelMm[0]) / 2,
    ((geometry.height - 1) * geometry.pixelMm[1]) / 2,
  ];
  if (!centroid)
    notices.push('The sector grid is centred on the middle of the field (no FAZ to centre it on).');
  const grid = sectorGrid(geometry, centreMm);

  let vessels: VolumeMeasures['vessels'] = null;
  let trees: VesselTree3d[] = [];
  if (request.vessels.length > 0) {
    const set = labelSet(request.vessels);
    vessels = {
      labels: [...request.vessels],
      projection: vesselDensity(projectedLabelMask(labels, axis, range, set), geometry, grid),
      layers: layerIndices.map((layer) => ({
        layer,
        regions: vesselDensity(layerLabelMask(labels, axis, layer, set), geometry, grid),
      })),
    };
    trees = vesselTrees3d(labels, geometry, request.vessels);
    const absent = trees.filter((t) => t.voxels === 0).map((t) => t.label);
    if (absent.length > 0) notices.push(`Vessel label(s) ${absent.join(', ')} hold no voxels.`);
  } else {
    notices.push('No vessel labels: vessel measures were not made.');
  }
  return {
    range,
    grid: {
      centreMm,
      centredOn: centroid ? 'faz-centroid' : 'field-centre',
      sectors: [...grid.sectors],
    },
    faz,
    vessels,
    trees,
    notices,
  };
}
