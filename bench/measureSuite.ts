/**
 * The measures' benchmark: every measure of one OCTA-500-sized segmentation (a synthetic
 * 304×304×640 volume, seed 1: its vessel instances plus its 3D FAZ as one more label), as
 * `sam-octa2 measure` makes them: FAZ on the projection and on 640 layers, vessel densities by
 * sector on the projection and on 640 layers, each vessel in 3D. Baseline from the same run: one
 * pass over the labels projecting the vessels (the least any measure of them must do).
 */
import { labelSet, projectedLabelMask } from '../src/core/measure/labelMasks';
import { measureVolume } from '../src/core/measure/measureVolume';
import { planeGeometry } from '../src/core/measure/planeGeometry';
import { vesselTrees3d } from '../src/core/measure/vesselTrees3d';
import { generateSyntheticOcta } from '../src/core/synth/generateSyntheticOcta';
import type { BenchRow, BenchSuite } from './benchTable';

const suite = 'measure';
const PROJECTION = 'baseline: project the vessel labels';

export const measureSuite: BenchSuite = {
  name: suite,
  async run(): Promise<BenchRow[]> {
    const synth = generateSyntheticOcta({ seed: 1, size: [304, 304, 640] });
    const fazLabel = synth.meta.vesselCount + 1;
    const data = Uint16Array.from(synth.vesselInstances.data);
    synth.faz3d.data.forEach((v, n) => {
      if (v && !data[n]) data[n] = fazLabel;
    });
    const labels = { dims: synth.volume.dims, data };
    const geometry = planeGeometry(synth.volume, 2);
    const vessels = synth.meta.vessels.map((v) => v.id);
    const time = (work: () => unknown): number => {
      const started = performance.now();
      work();
      return performance.now() - started;
    };
    const note = `${vessels.length} vessels, 640 layers`;
    return [
      {
        suite,
        name: PROJECTION,
        value: time(() => projectedLabelMask(labels, 2, [0, 639], labelSet(vessels))),
        unit: 'ms',
      },
      {
        suite,
        name: 'vessels in 3D (length, diameter, tortuosity)',
        value: time(() => vesselTrees3d(labels, geometry, vessels)),
        unit: 'ms',
        baseline: PROJECTION,
        note,
      },
      {
        suite,
        name: 'one volume, every measure',
        value: time(() => measureVolume({ geometry, labels, faz: fazLabel, vessels })),
        unit: 'ms',
        baseline: PROJECTION,
        note,
      },
    ];
  },
};
