/**
 * The visibility gate (src/core/tracker/visibilityGate.ts): its rules on hand-made layers (the
 * trainer's tests/test_visibility.py checks visibility.py on the same ones), the trainer's own
 * densities, region and decisions reproduced (test/fixtures/visibility/vectors.json, written by
 * test/fixtures/visibilityVectors.py; the trainer's test keeps the file current), and the
 * tracker applying it to vessels only, after the memory took the model's mask.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SamTracker } from '../../../../src/core/tracker/tracker';
import type { LayerSource } from '../../../../src/core/tracker/trackTypes';
import {
  blockSize,
  boxMean,
  boxWidth,
  gateMasks,
  gateScale,
  inRegion,
  layerDensity,
  regionCut,
  summedArea,
  VisibilityGate,
} from '../../../../src/core/tracker/visibilityGate';
import { volumeLayerSource } from '../../../../src/core/tracker/volumeLayers';
import type { Volume } from '../../../../src/core/volume/volume';
import { Random } from '../../../../src/core/synth/random';
import { caseLayers, loadVectors, ROOT, withParityBundle } from '../../../fixtures/parityVectors';
import { unitLayers, unpackedMasks } from '../../../fixtures/trainerVectors';

const N = 96;

/** Faint noise with bright 2-px vertical vessels every 8 px in rows [0, toRow). */
function vesselLayer(random: Random, toRow: number): Float32Array {
  const layer = Float32Array.from({ length: N * N }, () => 0.05 * random.next());
  for (let y = 0; y < toRow; y++) {
    for (let x = 4; x < N; x += 8) layer[y * N + x] = layer[y * N + x + 1] = 0.9;
  }
  return layer;
}

function stack(layers: Float32Array[], rows = N, cols = N): LayerSource {
  return { count: layers.length, rows, cols, layer: (i) => layers[i] };
}

/** A 2-px vertical mask at columns 4-5, rows [from, to). */
function columnMask(from: number, to: number): Uint8Array {
  const mask = new Uint8Array(N * N);
  for (let y = from; y < to; y++) mask[y * N + 4] = mask[y * N + 5] = 1;
  return mask;
}

const count = (mask: Uint8Array): number => mask.reduce((n, v) => n + v, 0);

test('a tracked vessel mask is kept where vessels show and emptied where they do not', async () => {
  const random = new Random(0);
  const tracked = vesselLayer(random, N / 2); // vessels in the top half only
  const layers = stack([vesselLayer(random, N), tracked, tracked]);
  const masks = [columnMask(0, N), columnMask(4, N / 2 - 8), columnMask(N / 2 + 8, N - 4)];
  const gated = await gateMasks(layers, [0], masks, 'vessel');
  assert.equal(count(gated[0]), count(masks[0]), 'prompted layers are never gated');
  assert.equal(count(gated[1]), count(masks[1]), 'inside the visible region: kept');
  assert.equal(count(gated[2]), 0, 'outside it: emptied');
  assert.equal(count((await gateMasks(layers, [0], masks, 'faz'))[2]), count(masks[2]), 'FAZ');
  assert.equal(count((await gateMasks(layers, [2], masks, 'vessel'))[2]), count(masks[2]));
  assert.ok(await new VisibilityGate(layers, [0]).keeps(1, new Uint8Array(N * N)), 'empty mask');
});

test("box means: widths with the Gaussian's σ, border boxes average the pixels they have", () => {
  // As trainer/samocta2/visibility.py's box_width: 1 and 4 px at 304, and at 512 px.
  assert.deepEqual([1, 4, 1.684, 6.737].map(boxWidth), [3, 13, 5, 23]);
  const rows = 7;
  const cols = 9;
  const a = Float64Array.from({ length: rows * cols }, (_, i) => (i * 37) % 11);
  const table = summedArea(a, rows, cols);
  const mean = boxMean(table, rows, cols, 3);
  const at = (y: number, x: number): number => a[y * cols + x];
  let inner = 0;
  for (let y = 2; y <= 4; y++) for (let x = 3; x <= 5; x++) inner += at(y, x);
  assert.ok(Math.abs(mean[3 * cols + 4] - inner / 9) < 1e-12);
  const corner = (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4;
  assert.ok(Math.abs(mean[0] - corner) < 1e-12);
});

test('the density is blockwise: blocks of round(4 × W / 304) px, edge blocks partial', () => {
  assert.deepEqual(
    [96, 304, 400, 512].map((w) => blockSize(gateScale(w))),
    [1, 4, 5, 7],
  );
  const rows = 30;
  const cols = 400;
  const layer = Float32Array.from({ length: rows * cols }, (_, i) => ((i % cols) % 9 < 2 ? 1 : 0));
  const d = layerDensity(layer, rows, cols);
  assert.deepEqual([d.blockRows, d.blockCols, d.block], [6, 80, 5]);
  assert.ok(d.values.every((v) => v >= 0) && Math.max(...d.values) > 0);
});

test("the gate's sizes follow a scan's pixel size where the header gives one, else the width", () => {
  // The sparse pairs: 3 mm over 304 px. OCTA-500 6M: 6 mm over 400 px, pixels 1.52 times larger,
  // so a vessel spans 0.66 times as many of them; the width alone would say 1.32.
  assert.ok(Math.abs(gateScale(400, 6 / 400) - 3 / 304 / (6 / 400)) < 1e-12);
  assert.equal(blockSize(gateScale(400, 6 / 400)), 3);
  assert.equal(blockSize(gateScale(400)), 5);
  // The shared stacks (3 mm upscaled to 512 px) say the same either way.
  assert.ok(Math.abs(gateScale(512, 3 / 512) - gateScale(512)) < 1e-12);
  // A spacing no scan has (a NIfTI without units reads as 1 mm per pixel): the width stands in.
  for (const pixelMm of [1, 0, Number.NaN, 0.5, 0.0001]) {
    assert.equal(gateScale(400, pixelMm), 400 / 304, `pixel ${pixelMm} mm`);
  }
  // A volume's layers carry its column spacing to the gate.
  const volume: Volume = {
    dims: [400, 400, 3],
    spacingMm: [6 / 400, 6 / 400, 2 / 640],
    affine: [6 / 400, 0, 0, 0, 0, 6 / 400, 0, 0, 0, 0, 2 / 640, 0, 0, 0, 0, 1],
    type: 'float32',
    data: new Float32Array(400 * 400 * 3),
  };
  const layers = volumeLayerSource(volume, 2);
  assert.equal(layers.pixelMm, 6 / 400);
  assert.equal(new VisibilityGate(layers, [0]).scale, gateScale(400, 6 / 400));
  assert.equal(new VisibilityGate(stack([], 4, 400), [0]).scale, 400 / 304);
});

test('the tracker gates tracked layers of vessels only, after the memory took its mask', () =>
  withParityBundle(async (bundle) => {
    const twoPrompts = loadVectors().cases.find((c) => c.name === 'two-prompts')!;
    const real = caseLayers(twoPrompts);
    const blank = new Float32Array(real.rows * real.cols);
    // The last layer is blank: no vessel can show there, whatever the (random) model says.
    const last = real.count - 1;
    const layers: LayerSource = { ...real, layer: (i) => (i === last ? blank : real.layer(i)) };
    const tracker = new SamTracker(bundle, layers);
    const bare = await tracker.track(twoPrompts.prompts);
    const faz = await tracker.track(twoPrompts.prompts, { kind: 'faz' });
    const vessel = await tracker.track(twoPrompts.prompts, { kind: 'vessel' });
    assert.ok(count(bare.frames.get(last)!.mask) > 0, 'the parity model marks the blank layer');
    assert.equal(count(vessel.frames.get(last)!.mask), 0, 'a vessel is emptied there');
    const gate = new VisibilityGate(
      layers,
      twoPrompts.prompts.map((p) => p.layer),
    );
    for (const [layer, frame] of bare.frames) {
      assert.deepEqual(faz.frames.get(layer)!.mask, frame.mask, `FAZ layer ${layer}`);
      const kept = frame.prompted || (await gate.keeps(layer, frame.mask));
      const want = kept ? frame.mask : new Uint8Array(frame.mask.length);
      assert.deepEqual(vessel.frames.get(layer)!.mask, want, `vessel layer ${layer}`);
      // The memory is the model's: gating changes no later layer's logits.
      assert.deepEqual(vessel.frames.get(layer)!.lowRes, frame.lowRes, `logits of ${layer}`);
    }
  }));

interface VectorCase {
  name: string;
  shape: [number, number, number];
  layers_u8: string;
  prompted: number[];
  masks_bits: string;
  /** The layers' pixel size in mm, as a volume header gives it; null: unknown (the width scales). */
  pixel_mm: number | null;
  density_shape: [number, number];
  densities_f32: string;
  region_area: number;
  kept: boolean[];
}

test("the trainer's densities, region and decisions, reproduced (test/fixtures/visibility)", async () => {
  const file = join(ROOT, 'test/fixtures/visibility/vectors.json');
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: VectorCase[] };
  assert.equal(cases.length, 3);
  for (const c of cases) {
    const [t, rows, cols] = c.shape;
    const plane = rows * cols;
    const layers = unitLayers(c.layers_u8, t, plane);
    const masks = unpackedMasks(c.masks_bits, t, plane);
    const f32 = Buffer.from(c.densities_f32, 'base64');
    const want = new Float32Array(f32.buffer, f32.byteOffset, f32.byteLength / 4);
    const pixelMm = c.pixel_mm ?? undefined;
    const scale = gateScale(cols, pixelMm);
    const densities = layers.map((layer) => layerDensity(layer, rows, cols, scale));
    const blocks = c.density_shape[0] * c.density_shape[1];
    densities.forEach((d, k) => {
      assert.deepEqual([d.blockRows, d.blockCols], c.density_shape, `${c.name} layer ${k}`);
      const expected = want.subarray(k * blocks, (k + 1) * blocks);
      const peak = Math.max(...expected);
      let worst = 0;
      for (let b = 0; b < blocks; b++) worst = Math.max(worst, Math.abs(d.values[b] - expected[b]));
      // Float32 storage and the TypeScript smoothing's float32 passes: far below the cut's scale.
      assert.ok(worst <= 1e-5 * peak, `${c.name} layer ${k}: density off by ${worst} of ${peak}`);
    });
    // Layer 1's region under layer 0's cut, counted in pixels as the trainer does.
    const cut = regionCut(densities[0]);
    let area = 0;
    for (let p = 0; p < plane; p++) if (inRegion(densities[1], cut, p, cols)) area++;
    assert.equal(area, c.region_area, `${c.name}: region`);
    const source = { ...stack(layers, rows, cols), pixelMm };
    const gated = await gateMasks(source, c.prompted, masks, 'vessel');
    assert.deepEqual(
      gated.map((m) => m.includes(1)),
      c.kept,
      `${c.name}: kept`,
    );
    assert.ok(c.kept.includes(false) && c.kept.filter(Boolean).length >= 2, 'both outcomes');
  }
});
