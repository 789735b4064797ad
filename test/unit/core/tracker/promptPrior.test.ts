/**
 * The dense prompt of bundles that ask for one (src/core/tracker/promptPrior.ts): the trainer's
 * own regions and pooled decoder inputs reproduced (test/fixtures/promptPrior/vectors.json, from
 * trainer/samocta2/prompt_prior.py), the pooling's bins, and the manifest check.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseManifest } from '../../../../src/core/tracker/modelBundle';
import {
  carveRegion,
  priorApplies,
  priorInput,
  priorMask,
} from '../../../../src/core/tracker/promptPrior';
import { unitLayers, unpackedMasks } from '../../../fixtures/trainerVectors';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

interface VectorCase {
  name: string;
  shape: [number, number];
  frame_u8: string;
  points: [number, number, number][];
  mask_bits: string;
  mask_area: number;
  carved_bits: string;
  carved_area: number;
  inputs: Record<string, string>;
}

/** How many pixels of two rows × cols masks differ, and the first one's area. */
function compare(got: Uint8Array, want: Uint8Array): { differ: number; area: number } {
  let differ = 0;
  let area = 0;
  for (let p = 0; p < got.length; p++) {
    differ += got[p] !== want[p] ? 1 : 0;
    area += got[p];
  }
  return { differ, area };
}

test("the trainer's dense prompts, reproduced (test/fixtures/promptPrior/vectors.json)", () => {
  const file = join(ROOT, 'test/fixtures/promptPrior/vectors.json');
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: VectorCase[] };
  assert.equal(cases.length, 8);
  let cut = 0;
  for (const c of cases) {
    const [rows, cols] = c.shape;
    const [frame] = unitLayers(c.frame_u8, 1, rows * cols);
    const points = c.points.map(([x, y, l]) => ({ x, y, positive: l === 1 }));
    const [wantMask] = unpackedMasks(c.mask_bits, 1, rows * cols);
    const { differ, area } = compare(priorMask(frame, rows, cols, points), wantMask);
    assert.ok(c.mask_area > 50, `${c.name}: a trivial region`);
    assert.ok(differ <= 2, `${c.name}: ${differ} pixels differ (areas ${area} vs ${c.mask_area})`);
    // Carving the trainer's own region gives the trainer's carve exactly; carving the region
    // computed here may differ by as many pixels as the region itself may (2).
    const [wantCarved] = unpackedMasks(c.carved_bits, 1, rows * cols);
    assert.equal(compare(carveRegion(wantMask, rows, cols, points), wantCarved).differ, 0, c.name);
    const carved = compare(priorMask(frame, rows, cols, points, true), wantCarved);
    assert.ok(carved.differ <= 2, `${c.name}: carved, ${carved.differ} pixels differ`);
    cut += c.carved_area < c.mask_area ? 1 : 0;
    const want = Object.entries(c.inputs);
    assert.equal(want.length, 2);
    for (const [side, b64] of want) {
      const expected = new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
      // The trainer's region, pooled here: the pooling alone must match to float precision.
      const got = priorInput(wantMask, rows, cols, Number(side));
      assert.equal(got.length, expected.length);
      for (let i = 0; i < got.length; i++) {
        assert.ok(Math.abs(got[i] - expected[i]) < 1e-6, `${c.name} side ${side} cell ${i}`);
      }
    }
  }
  assert.ok(cut >= 3, `the carve cut ${cut} regions: the vectors must exercise it`);
});

test('the pooled input is each cell’s share of the region, mapped to [-1, 1]', () => {
  const rows = 4;
  const cols = 4;
  const mask = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(priorInput(mask, rows, cols, 2)), [1, -1, -1, -0.5]);
  // 4 → 3 cells: PyTorch's overlapping adaptive bins [0,2) [1,3) [2,4)
  const one = priorInput(mask, rows, cols, 3);
  assert.equal(one[0], 1);
  assert.equal(one[8], -0.5);
});

test('a dense prompt this tracker cannot compute is refused, and bundles without one still load', () => {
  const manifest = JSON.parse(
    readFileSync(join(ROOT, 'models/samocta2-nano/manifest.json'), 'utf8'),
  ) as Record<string, unknown> & { prompts: Record<string, unknown> };
  const pointsOnly = { ...manifest.prompts };
  delete pointsOnly.dense_prior;
  assert.equal(
    parseManifest(JSON.stringify({ ...manifest, prompts: pointsOnly })).prompts?.dense_prior,
    undefined,
  );
  const good = { kind: 'threshold-region', version: 1, sigma_px: 2 };
  const parsed = parseManifest(
    JSON.stringify({ ...manifest, prompts: { ...pointsOnly, dense_prior: good } }),
  );
  assert.deepEqual(parsed.prompts?.dense_prior, good);
  // Version 2 carries the carve; a version-1 reader refuses it rather than ignore the flag.
  const carving = { ...good, version: 2, carve: true };
  assert.deepEqual(
    parseManifest(JSON.stringify({ ...manifest, prompts: { ...pointsOnly, dense_prior: carving } }))
      .prompts?.dense_prior,
    carving,
  );
  for (const bad of [
    { ...good, version: 3 },
    { ...good, carve: true },
    { ...carving, carve: 'yes' },
    { ...good, kind: 'learned' },
    { ...good, sigma_px: 3 },
  ]) {
    assert.throws(
      () =>
        parseManifest(
          JSON.stringify({ ...manifest, prompts: { ...pointsOnly, dense_prior: bad } }),
        ),
      /prompts\.dense_prior .* is not one this tracker computes/,
    );
  }
});

test('only layers with a positive and a negative point get the dense prompt', () => {
  const pos = { x: 1, y: 1, positive: true };
  const neg = { x: 5, y: 5, positive: false };
  assert.equal(priorApplies([pos]), false);
  assert.equal(priorApplies([pos, pos]), false);
  assert.equal(priorApplies([neg]), false);
  assert.equal(priorApplies([pos, neg]), true);
});
