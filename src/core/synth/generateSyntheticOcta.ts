/**
 * Synthetic OCTA volumes with exact labels, deterministic by seed: the demo's volume, the tests'
 * fixtures, the benchmarks' input and the trainer's synthetic data. See docs/synthetic-octa.md for
 * what each part simulates. Axes: i = x (along a B-scan), j = y (B-scan index), k = depth (down).
 *
 * Usage: `generateSyntheticOcta({ seed: 1, size: [304, 304, 640] })`.
 */
import type { Volume } from '../volume/volume';
import { capillaryPlexus, type PlexusStyle } from './capillaryPlexus';
import { drawFazShape } from './fazShape';
import { fazLabels } from './fazLabels';
import { Random } from './random';
import { PLEXUS_BAND_SHARE, renderVolume } from './renderVolume';
import { columnMaps, drawRetinaParams, RetinaGeometry } from './retinaGeometry';
import { rasterizeVessels } from './rasterizeVessels';
import { buildMeta } from './buildSynthMeta';
import { depthWindow, occupiedLayers } from './depthWindow';
import type { SynthMeta } from './synthMeta';
import { FIELD_OF_VIEW_MM, resolveSynthOptions, type SynthOptions } from './synthOptions';
import { settleInstances } from './vesselInstances';
import { growVesselForest } from './vesselTrees';

export interface SynthResult {
  /** uint8 OCTA signal, 0..255, like OCTA-500's volumes. */
  volume: Volume;
  /** uint16 vessel instances: 0 background, 1..n one connected vessel tree each. */
  vesselInstances: Volume;
  /** uint8 0/1: the FAZ over the capillary plexus depths. */
  faz3d: Volume;
  /** uint8 0/1, W×H×1: union projection of the vessel instances. */
  enfaceRv: Volume;
  /** uint8 0/1, W×H×1: the FAZ en face. */
  enfaceFaz: Volume;
  meta: SynthMeta;
}

/** Superficial (sparser, coarser), intermediate (faint) and deep (dense) capillary plexuses. */
const PLEXUS_STYLES: readonly [PlexusStyle, PlexusStyle, PlexusStyle] = [
  { cellMm: 0.11, widthMm: 0.008, strength: 0.75 },
  { cellMm: 0.1, widthMm: 0.0075, strength: 0.45 },
  { cellMm: 0.09, widthMm: 0.0075, strength: 0.75 },
];

export function generateSyntheticOcta(options: SynthOptions): SynthResult {
  const { seed, dims, spacingMm, slab, layers } = resolveSynthOptions(options);
  const rng = new Random(seed);
  const field = FIELD_OF_VIEW_MM;
  const pixelMm: [number, number] = [spacingMm[0], spacingMm[1]];

  const retina = drawRetinaParams(rng.fork('retina'), field, slab);
  const geometry = new RetinaGeometry(retina);
  const faz = drawFazShape(rng.fork('faz'), retina.fovea);
  const columns = columnMaps(geometry, dims, spacingMm);
  const discOnLeft = rng.fork('disc').chance(0.5);

  const forest = growVesselForest({
    rng: rng.fork('trees'),
    geometry,
    faz,
    fieldMm: [field[0], field[1]],
    pixelMm,
    discOnLeft,
  });
  const raster = rasterizeVessels(forest.segments, dims, spacingMm);
  const instances = settleInstances(raster.labels, dims, forest.trees.length);

  const plexusSeed = rng.fork('plexus');
  const plexuses = PLEXUS_STYLES.map((style) =>
    capillaryPlexus(style, plexusSeed.int(0, 2 ** 30), faz, [dims[0], dims[1]], pixelMm),
  ) as [
    ReturnType<typeof capillaryPlexus>,
    ReturnType<typeof capillaryPlexus>,
    ReturnType<typeof capillaryPlexus>,
  ];
  const bandVoxels = (PLEXUS_BAND_SHARE * retina.thickness) / spacingMm[2];
  const fazLabel = fazLabels(faz, columns, dims, spacingMm, 3 * bandVoxels);

  const voxels = renderVolume(raster.signal, {
    dims,
    spacingMm,
    thicknessMm: retina.thickness,
    columns,
    plexuses,
    rng: rng.fork('render'),
  });

  const window = depthWindow(dims, layers);
  const keptDims: [number, number, number] = [dims[0], dims[1], window.layers];
  const keptLabels = window.keep(raster.labels);
  const keptFaz = window.keep(fazLabel.volume);
  const volume = (type: Volume['type'], data: Volume['data'], enface = false): Volume => {
    const sz = enface ? field[2] : spacingMm[2];
    // The window's first layer sits at its depth in the generated volume.
    const z0 = enface ? 0 : window.first * spacingMm[2];
    return {
      dims: [dims[0], dims[1], enface ? 1 : window.layers],
      spacingMm: [spacingMm[0], spacingMm[1], sz],
      affine: [spacingMm[0], 0, 0, 0, 0, spacingMm[1], 0, 0, 0, 0, sz, z0, 0, 0, 0, 1],
      type,
      data,
    };
  };
  const meta = buildMeta({
    seed,
    dims: keptDims,
    spacingMm,
    slab,
    keptLayers: layers,
    geometry,
    columns,
    faz,
    fazLabel:
      window.layers === dims[2]
        ? fazLabel
        : { ...fazLabel, volume: keptFaz, layers: occupiedLayers(keptFaz, keptDims) },
    forest,
    instances,
    labels: keptLabels,
    discOnLeft,
  });
  return {
    volume: volume('uint8', window.keep(voxels)),
    vesselInstances: volume('uint16', keptLabels),
    faz3d: volume('uint8', keptFaz),
    enfaceRv: volume('uint8', instances.enface, true),
    enfaceFaz: volume('uint8', fazLabel.enface, true),
    meta,
  };
}
