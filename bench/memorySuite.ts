/**
 * Bounded memory on long stacks (issue 17, item 4): the SAM 2.1 tiny-size random-weight 1024 px
 * bundle tracks forward through the benchmark volume (400×400×640 OCTA) on onnxruntime-node
 * with the feature cache bounded as the `samOcta2.embeddingCacheMiB` setting bounds it, and the
 * process's peak resident memory is sampled at every layer next to the layers/s. All 640 layers
 * take most of an hour on 2 shared cores, so by default a shorter run with a budget it outgrows
 * (MEMORY_LAYERS, MEMORY_CACHE_MIB): the resident memory of its second half against its first
 * half is the trend (flat when the cache is bounded; 16 MiB a layer more without a bound).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readNifti } from '../src/core/nifti/readNifti';
import { loadBundle } from '../src/core/tracker/bundleSessions';
import { SamTracker } from '../src/core/tracker/tracker';
import { volumeLayerSource } from '../src/core/tracker/volumeLayers';
import { folderSource, nodeRuntime, nodeSha256 } from '../src/engine/ortNode';
import type { BenchRow, BenchSuite } from './benchTable';
import { BENCH_SIZE, benchVolumePath } from './benchVolume';

const ROOT = join(__dirname, '..');
const suite = 'memory';
const TINY_DIR = '.cache/samocta2-tiny-random';
const LAYERS = Number(process.env.MEMORY_LAYERS ?? 24);
const CACHE_MIB = Number(process.env.MEMORY_CACHE_MIB ?? 128);
const THREADS = 2;
const MIB = 2 ** 20;

export const memorySuite: BenchSuite = {
  name: suite,
  async run(): Promise<BenchRow[]> {
    const dir = join(ROOT, TINY_DIR);
    if (!existsSync(join(dir, 'manifest.json'))) {
      process.stdout.write(
        `  memory rows skipped: no ${TINY_DIR}; make it with bash scripts/export-tiny-bundle.sh\n`,
      );
      return [];
    }
    const { volume } = readNifti(new Uint8Array(await readFile(benchVolumePath(ROOT))));
    const layers = volumeLayerSource(volume, 2);
    const bundle = await loadBundle(folderSource(dir), await nodeRuntime(THREADS), nodeSha256);
    try {
      const tracker = new SamTracker(bundle, layers, { cache: { maxBytes: CACHE_MIB * MIB } });
      // A click in the middle of the first layer: random weights, so what it selects is moot.
      const [w, h] = [BENCH_SIZE[0], BENCH_SIZE[1]];
      const prompts = [{ layer: 0, points: [{ x: w / 2, y: h / 2, positive: true }] }];
      const rss: number[] = [];
      let cachePeak = 0;
      const t0 = performance.now();
      await tracker.track(prompts, {
        range: { from: 0, to: LAYERS - 1 },
        direction: 'forward',
        onFrame: (f) => {
          rss.push(process.memoryUsage().rss);
          cachePeak = Math.max(cachePeak, tracker.cache.bytes);
          // The trend as it happens: a long run cut short still shows it.
          const at = ((performance.now() - t0) / 1000).toFixed(0);
          process.stdout.write(
            `  layer ${f.layer}: ${at} s, cache ${(tracker.cache.bytes / MIB).toFixed(0)} MiB, ` +
              `RSS ${(rss.at(-1)! / MIB).toFixed(0)} MiB\n`,
          );
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      const half = Math.floor(rss.length / 2);
      const peak = (values: number[]) => Math.max(...values) / MIB;
      const perLayer = tracker.cache.bytes / Math.max(1, tracker.cache.size) / MIB;
      const run = `tiny 1024 px, onnxruntime-node ${THREADS} threads, ${LAYERS} of ${BENCH_SIZE[2]} layers, cache ${CACHE_MIB} MiB`;
      return [
        {
          suite,
          name: 'tiny host: propagate',
          value: LAYERS / seconds,
          unit: 'layers/s',
          note: run,
        },
        {
          suite,
          name: 'tiny host: feature cache peak',
          value: cachePeak / MIB,
          unit: 'MB',
          note: `MiB; ${perLayer.toFixed(1)} MiB a layer, ${tracker.cache.size} layers kept at the end`,
        },
        {
          suite,
          name: 'tiny host: process RSS peak, first half',
          value: peak(rss.slice(0, half)),
          unit: 'MB',
          note: `MiB; layers 0–${half - 1}`,
        },
        {
          suite,
          name: 'tiny host: process RSS peak, second half',
          value: peak(rss.slice(half)),
          unit: 'MB',
          note: `MiB; layers ${half}–${rss.length - 1}: flat when the cache is bounded`,
        },
      ];
    } finally {
      await bundle.release();
    }
  },
};
