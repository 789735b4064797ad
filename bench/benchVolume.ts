/**
 * The benchmark's input: a 400×400×640 uint8 synthetic OCTA volume (seed 1) as .nii.gz, the
 * size of an OCTA-500 6M scan. Made once with the project's generator and writer, then cached
 * in .cache/bench (generating takes much longer than anything measured).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNifti } from '../src/core/nifti/writeNifti';
import { generateSyntheticOcta } from '../src/core/synth/generateSyntheticOcta';

export const BENCH_SIZE = [400, 400, 640] as const;

export function benchVolumePath(root: string): string {
  const dir = join(root, '.cache', 'bench');
  const file = join(dir, `synth-seed1-${BENCH_SIZE.join('x')}.nii.gz`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`Generating ${BENCH_SIZE.join('×')} synthetic OCTA (cached in ${dir})…\n`);
  const { volume } = generateSyntheticOcta({ seed: 1, size: BENCH_SIZE });
  const bytes = writeNifti(volume, { gzip: true, description: 'sam-octa2 bench, synth seed 1' });
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
  return file;
}
