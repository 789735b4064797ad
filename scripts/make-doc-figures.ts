/**
 * Makes docs/img/synthetic-vs-real.png: en-face layers of a synthetic volume (seed 1, 304×304×640)
 * beside real OCTA-500 layers of subject 10301 from ../shared/data/octa500/layers, plus a
 * synthetic B-scan through the fovea. Raw voxel values, no windowing, so brightness compares.
 *
 * Run: node --import tsx scripts/make-doc-figures.ts [--data DIR] [--out FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePng } from '../src/core/image/png';
import { generateSyntheticOcta } from '../src/core/synth/generateSyntheticOcta';

const PANEL = 256;
const GAP = 4;

interface Gray {
  width: number;
  height: number;
  data: Uint8Array;
}

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(__dirname, '../../shared/data/octa500/layers') },
    out: { type: 'string', default: resolve(__dirname, '../docs/img/synthetic-vs-real.png') },
  },
});

async function readLayer(file: string, layer: number): Promise<Gray> {
  // nifti-reader-js is ESM-only; this script runs as CommonJS under tsx.
  const nifti = await import('nifti-reader-js');
  const bytes = readFileSync(file);
  let buffer = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  if (nifti.isCompressed(buffer)) buffer = nifti.decompress(buffer) as ArrayBuffer;
  const header = nifti.readHeader(buffer);
  if (!header || header.datatypeCode !== 2)
    throw new Error(`${file}: expected a uint8 NIfTI volume.`);
  const [, nx, ny] = header.dims;
  const image = new Uint8Array(nifti.readImage(header, buffer));
  return { width: nx, height: ny, data: image.slice(nx * ny * layer, nx * ny * (layer + 1)) };
}

/** Area-weighted resampling (a box filter the size of the output pixel), so speckle averages. */
function resize(src: Gray, width: number, height: number): Gray {
  const out = new Uint8Array(width * height);
  const fx = src.width / width;
  const fy = src.height / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let weight = 0;
      for (let sy = Math.floor(y * fy); sy < Math.min(src.height, Math.ceil((y + 1) * fy)); sy++) {
        const wy = Math.min(sy + 1, (y + 1) * fy) - Math.max(sy, y * fy);
        for (let sx = Math.floor(x * fx); sx < Math.min(src.width, Math.ceil((x + 1) * fx)); sx++) {
          const w = wy * (Math.min(sx + 1, (x + 1) * fx) - Math.max(sx, x * fx));
          sum += w * src.data[sx + src.width * sy];
          weight += w;
        }
      }
      out[x + width * y] = Math.round(sum / weight);
    }
  }
  return { width, height, data: out };
}

function paste(canvas: Gray, img: Gray, left: number, top: number): void {
  for (let y = 0; y < img.height; y++) {
    canvas.data.set(
      img.data.subarray(y * img.width, (y + 1) * img.width),
      left + canvas.width * (top + y),
    );
  }
}

async function main(): Promise<void> {
  const synth = generateSyntheticOcta({ seed: 1, size: [304, 304, 640] });
  const [nx, ny, nz] = synth.volume.dims;
  const voxels = synth.volume.data as Uint8Array;
  const meta = synth.meta;
  const layerOf = (k: number): Gray => ({
    width: nx,
    height: ny,
    data: voxels.slice(nx * ny * k, nx * ny * (k + 1)),
  });
  // Like the real pair: one layer near the top of the retina's highest part (superficial
  // vessels only where the slab rises), one through the deep plexus around the FAZ.
  const kHigh = Math.round(meta.retina.ilmRangeK[0] + 10);
  const kDeep = Math.round(meta.retina.atFoveaK.dcp - 2);
  const realRv = await readLayer(join(values.data as string, '10301_rv.nii.gz'), 9);
  const realFaz = await readLayer(join(values.data as string, '10301_faz.nii.gz'), 5);

  // B-scan through the fovea, from above the ILM to below the choroid, stretched 2× in depth.
  const j = meta.retina.foveaVoxel[1];
  const k0 = Math.max(0, Math.floor(meta.retina.ilmRangeK[0]) - 20);
  const k1 = Math.min(nz, Math.ceil(meta.retina.bmRangeK[1]) + 60);
  const bscan: Gray = { width: nx, height: k1 - k0, data: new Uint8Array(nx * (k1 - k0)) };
  for (let k = k0; k < k1; k++) {
    for (let i = 0; i < nx; i++) bscan.data[i + nx * (k - k0)] = voxels[i + nx * (j + ny * k)];
  }
  const bscanShown = resize(
    bscan,
    2 * PANEL + GAP,
    Math.round(((k1 - k0) * (2 * PANEL + GAP)) / nx),
  );

  const width = 2 * PANEL + GAP;
  const height = 2 * PANEL + 2 * GAP + bscanShown.height;
  const canvas: Gray = { width, height, data: new Uint8Array(width * height).fill(90) };
  paste(canvas, resize(layerOf(kHigh), PANEL, PANEL), 0, 0);
  paste(canvas, resize(realRv, PANEL, PANEL), PANEL + GAP, 0);
  paste(canvas, resize(layerOf(kDeep), PANEL, PANEL), 0, PANEL + GAP);
  paste(canvas, resize(realFaz, PANEL, PANEL), PANEL + GAP, PANEL + GAP);
  paste(canvas, bscanShown, 0, 2 * (PANEL + GAP));
  writeFileSync(values.out as string, encodePng({ width, height, channels: 1, data: canvas.data }));
  console.log(
    `Wrote ${values.out}: synthetic layers k=${kHigh} and k=${kDeep} (seed 1), real 10301_rv layer 9 ` +
      `and 10301_faz layer 5, synthetic B-scan j=${j} over k=${k0}..${k1 - 1}.`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
