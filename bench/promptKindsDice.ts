/**
 * The prompt-kind table of docs/evaluation.md (issue 20): 3D Dice of one click, five clicks and
 * one scribble (as 4, 8 or 16 points, or as a mask input) on the largest vessel trees, and of
 * one click, one box and one lasso (points or mask input) on the FAZ, with a model bundle on
 * synthetic volumes and on the shared real OCTA-500 stacks (read-only; skipped when absent).
 * A quality measurement, not a timing: run it with
 *   node --conditions=import --import tsx bench/promptKindsDice.ts [MODEL_DIR] \
 *     [--trees N] [--seeds 1,2,3] [--vessels-only]
 * --trees: the N largest trees of each volume (3; the table's); --seeds: synthetic volumes (1);
 * --vessels-only: no FAZ rows. Per-object figures go to stderr, the table to stdout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { folderSource, nodeRuntime, nodeSha256 } from '../src/engine/ortNode';
import { readVolume } from '../src/cli/trackModel';
import { generateSyntheticOcta } from '../src/core/synth/generateSyntheticOcta';
import { loadBundle, type LoadedBundle } from '../src/core/tracker/bundleSessions';
import { EmbeddingCache } from '../src/core/tracker/embeddingCache';
import { caseObjects, targetKind, type EvalCase } from '../src/core/tracker/eval/layerSequenceEval';
import {
  FAZ_KINDS,
  planObjectPrompts,
  promptOfKind,
  trackedDice3d,
  usesMaskInput,
  VESSEL_KINDS,
  type PromptKind,
} from '../src/core/tracker/eval/promptKinds';
import { featuresBytes, type LayerFeatures } from '../src/core/tracker/modelGraphs';
import { SamTracker } from '../src/core/tracker/tracker';
import { volumeLayerSource } from '../src/core/tracker/volumeLayers';

const ROOT = join(__dirname, '..');
const REAL = join(ROOT, '..', 'shared', 'data', 'octa500', 'layers');

interface Target {
  name: string;
  target: 'rv' | 'faz';
  c: EvalCase;
  objects: number[];
}

function synthTargets(seed: number, trees: number): Target[] {
  // The 80 layers that hold the large vessels and the FAZ (docs/synthetic-octa.md).
  const s = generateSyntheticOcta({ seed, size: [128, 128, 640], layers: [240, 319] });
  const layers = volumeLayerSource(s.volume, 2);
  const rv: EvalCase = {
    name: `synth-${seed}`,
    layers,
    labels: Int32Array.from(s.vesselInstances.data),
  };
  const faz: EvalCase = { name: `synth-${seed}`, layers, labels: Int32Array.from(s.faz3d.data) };
  return [
    { name: rv.name, target: 'rv', c: rv, objects: largestObjects(rv, trees) },
    { name: faz.name, target: 'faz', c: faz, objects: [1] },
  ];
}

async function realTargets(trees: number): Promise<Target[]> {
  if (!existsSync(join(REAL, '10301_rv.nii.gz'))) return [];
  const out: Target[] = [];
  for (const target of ['rv', 'faz'] as const) {
    const volume = await readVolume(join(REAL, `10301_${target}.nii.gz`));
    const label = await readVolume(join(REAL, `10301_${target}.label.nii.gz`));
    const c: EvalCase = {
      name: `octa500-10301_${target}`,
      layers: volumeLayerSource(volume, 2),
      labels: Int32Array.from(label.data, (v) => (target === 'faz' ? (v > 0 ? 1 : 0) : v)),
    };
    out.push({
      name: c.name,
      target,
      c,
      objects: target === 'faz' ? [1] : largestObjects(c, trees),
    });
  }
  return out;
}

function largestObjects(c: EvalCase, n: number): number[] {
  const size = new Map<number, number>();
  for (const v of c.labels) if (v > 0) size.set(v, (size.get(v) ?? 0) + 1);
  return caseObjects(c)
    .map((o) => o.object)
    .sort((a, b) => size.get(b)! - size.get(a)!)
    .slice(0, n);
}

async function scoreTarget(bundle: LoadedBundle, t: Target): Promise<Map<PromptKind, number[]>> {
  const cache = new EmbeddingCache<number, LayerFeatures>(featuresBytes, { maxEntries: 512 });
  const byPoints = new SamTracker(bundle, t.c.layers, { cache });
  const byMask = new SamTracker(bundle, t.c.layers, { cache, shapeEncoding: 'mask' });
  const scores = new Map<PromptKind, number[]>();
  for (const object of t.objects) {
    const plan = planObjectPrompts(t.c, object);
    for (const kind of t.target === 'rv' ? VESSEL_KINDS : FAZ_KINDS) {
      const tracker = usesMaskInput(kind) ? byMask : byPoints;
      const prompt = promptOfKind(plan, kind);
      const dice = await trackedDice3d(tracker, t.c, object, prompt, targetKind(t.target));
      scores.set(kind, [...(scores.get(kind) ?? []), dice]);
      process.stderr.write(`${t.name} object ${object} ${kind}: ${dice.toFixed(3)}\n`);
    }
  }
  return scores;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      trees: { type: 'string', default: '3' },
      seeds: { type: 'string', default: '1' },
      'vessels-only': { type: 'boolean', default: false },
    },
  });
  const trees = Number(values.trees);
  const seeds = values.seeds.split(',').map(Number);
  if (!Number.isInteger(trees) || trees < 1 || !seeds.every(Number.isInteger)) {
    throw new Error(
      `--trees takes a whole number ≥ 1 and --seeds whole numbers; got ${values.trees}, ${values.seeds}`,
    );
  }
  const modelDir = positionals[0] ?? join(ROOT, 'models', 'samocta2-nano');
  const bundle = await loadBundle(folderSource(modelDir), await nodeRuntime(), nodeSha256);
  const targets = [
    ...(await realTargets(trees)),
    ...seeds.flatMap((s) => synthTargets(s, trees)),
  ].filter((t) => !values['vessels-only'] || t.target === 'rv');
  const lines = [
    '| volume | target | objects | ' + 'kind: mean 3D Dice |',
    '| --- | --- | --- | --- |',
  ];
  try {
    for (const t of targets) {
      const scores = await scoreTarget(bundle, t);
      const cells = [...scores].map(
        ([kind, v]) => `${kind} ${(v.reduce((s, x) => s + x, 0) / v.length).toFixed(3)}`,
      );
      lines.push(`| ${t.name} | ${t.target} | ${t.objects.join(', ')} | ${cells.join(' · ')} |`);
    }
  } finally {
    await bundle.release();
  }
  process.stdout.write(`${bundle.manifest.name}\n${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
