/**
 * `sam-octa2 synth`: writes a synthetic OCTA volume and its labels (see docs/synthetic-octa.md).
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeNifti, type NiftiIntent } from '../../core/nifti/writeNifti';
import { generateSyntheticOcta } from '../../core/synth/generateSyntheticOcta';
import {
  DEFAULT_SIZE,
  resolveSynthOptions,
  SynthOptionsError,
} from '../../core/synth/synthOptions';
import type { Volume } from '../../core/volume/volume';
import {
  parseInteger,
  parseIntegerPair,
  parseName,
  parseNumberPair,
  parseOptions,
  parseSize,
} from '../args';
import { EXIT_OK, UsageError, type CliCommand, type CliIo } from '../command';
import { ensureWritableDir, writeFileAtomic } from '../files';

const USAGE = `Usage: sam-octa2 synth --out DIR [--seed N] [--size WxHxD] [--name NAME] [--slab TOP,BOTTOM] [--layers FIRST,LAST]

Writes a synthetic OCTA volume (uint8, 3 mm × 3 mm field, 2 mm deep, like OCTA-500 3M) and its labels:
  DIR/NAME.nii.gz          the volume
  DIR/NAME.vessels.nii.gz  3D vessel instances (uint16; one id per vessel tree)
  DIR/NAME.faz.nii.gz      3D FAZ (uint8 0/1)
  DIR/NAME.rv2d.nii.gz     en-face retinal vessels (W×H×1, uint8 0/1)
  DIR/NAME.faz2d.nii.gz    en-face FAZ (W×H×1, uint8 0/1)
  DIR/NAME.json            what was made: fovea, FAZ, slab depths, each vessel's layers and a point inside it

Options:
  --out DIR          output folder (created if missing)
  --seed N           whole number 0–4294967295 (default 1); same seed and size give identical files
  --size WxHxD       voxels along x, y and depth, each 8–2048, at most 134217728 in all (default ${DEFAULT_SIZE.join('x')})
  --name NAME        file-name stem (default synth-SEED)
  --slab TOP,BOTTOM  depth of the retina (ILM, BM) as fractions of the depth axis (default 0.4,0.55)
  --layers FIRST,LAST
                     write only depths FIRST..LAST of the generated volume (as OCTA-500's layer
                     samples are windows of a 640-layer scan); e.g. --size 128x128x640 --layers 240,319
                     is 80 layers around the large vessels and the FAZ at OCTA-500's depth sampling
  -h, --help         this text
`;

export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'write a synthetic OCTA volume with vessel and FAZ labels',
  usage: USAGE,
  run,
};

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, {
    out: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string' },
    name: { type: 'string' },
    slab: { type: 'string' },
    layers: { type: 'string' },
  });
  if (typeof values.out !== 'string' || values.out === '')
    throw new UsageError('--out DIR is required.');
  const seed =
    typeof values.seed === 'string' ? parseInteger(values.seed, 'seed', 0, 2 ** 32 - 1) : 1;
  const size: [number, number, number] =
    typeof values.size === 'string' ? parseSize(values.size) : [...DEFAULT_SIZE];
  const slab = typeof values.slab === 'string' ? parseNumberPair(values.slab, 'slab') : undefined;
  const layers =
    typeof values.layers === 'string' ? parseIntegerPair(values.layers, 'layers') : undefined;
  const name = typeof values.name === 'string' ? parseName(values.name) : `synth-${seed}`;
  const out = values.out;

  const options = { seed, size, slab, layers };
  try {
    resolveSynthOptions(options); // bad sizes are reported before anything touches the disk
  } catch (error) {
    if (error instanceof SynthOptionsError) throw new UsageError(error.message);
    throw error;
  }
  ensureWritableDir(out);

  const started = performance.now();
  const result = generateSyntheticOcta(options);
  const generatedMs = performance.now() - started;
  const outputs: [string, Volume, NiftiIntent][] = [
    [`${name}.nii.gz`, result.volume, 'none'],
    [`${name}.vessels.nii.gz`, result.vesselInstances, 'label'],
    [`${name}.faz.nii.gz`, result.faz3d, 'label'],
    [`${name}.rv2d.nii.gz`, result.enfaceRv, 'label'],
    [`${name}.faz2d.nii.gz`, result.enfaceFaz, 'label'],
  ];
  const lines: string[] = [];
  for (const [file, volume, intent] of outputs) {
    const description = `sam-octa2 synth seed ${seed} ${intent === 'label' ? 'labels' : 'OCTA'}`;
    // Node's native zlib is several times faster than fflate here. Speckle barely compresses,
    // so the volume gets level 1 (4× faster than 6 for 4 % more bytes); labels compress fast.
    const nii = writeNifti(volume, { description, intent });
    const bytes = gzipSync(nii, { level: intent === 'label' ? 6 : 1 });
    writeFileAtomic(join(out, file), bytes);
    lines.push(`  ${file}  ${volume.dims.join('x')} ${volume.type}  ${formatBytes(bytes.length)}`);
  }
  const files = Object.fromEntries(outputs.map(([file], n) => [FILE_ROLES[n], file]));
  writeFileAtomic(
    join(out, `${name}.json`),
    JSON.stringify({ ...result.meta, files }, null, 2) + '\n',
  );
  lines.push(`  ${name}.json`);
  const totalMs = performance.now() - started;
  io.stdout(
    `Synthetic OCTA, seed ${seed}, ${size.join('x')}${layers ? `, layers ${layers.join('-')}` : ''}: ${result.meta.vesselCount} vessels, ` +
      `FAZ ${result.meta.faz.areaMm2} mm², in ${out}\n${lines.join('\n')}\n` +
      `Generated in ${(generatedMs / 1000).toFixed(2)} s, written in ${((totalMs - generatedMs) / 1000).toFixed(2)} s.\n`,
  );
  return EXIT_OK;
}

/** Keys of the "files" record in NAME.json, in the order of `outputs`. */
const FILE_ROLES = ['volume', 'vesselInstances', 'faz3d', 'enfaceRv', 'enfaceFaz'] as const;

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}
