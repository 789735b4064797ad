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
import { priorApplies, priorInput, priorMask } from '../../../../src/core/tracker/promptPrior';
import { unitLayers, unpackedMasks } from '../../../fixtures/trainerVectors';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

interface VectorCase {
  name: string;
  shape: [number, number];
  frame_u8: string;
  points: [number, number, number][];
  mask_bits: string;
  mask_area: number;
  inputs: Record<string, string>;
}

test("the trainer's dense prompts, reproduced (test/fixtures/promptPrior/vectors.json)", () => {
  const file = join(ROOT, 'test/fixtures/promptPrior/vectors.json');
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: VectorCase[] };
  assert.equal(cases.length, 7);
  for (const c of cases) {
    const [rows, cols] = c.shape;
    const [frame] = unitLayers(c.frame_u8, 1, rows * cols);
    const points = c.points.map(([x, y, l]) => ({ x, y, positive: l === 1 }));
    const mask = priorMask(frame, rows, cols, points);
    const [wantMask] = unpackedMasks(c.mask_bits, 1, rows * cols);
    let differ = 0;
    let area = 0;
    for (let p = 0; p < rows * cols; p++) {
      differ += mask[p] !== wantMask[p] ? 1 : 0;
      area += mask[p];
    }
    assert.ok(c.mask_area > 50, `${c.name}: a trivial region`);
    assert.ok(differ <= 2, `${c.name}: ${differ} pixels differ (areas ${area} vs ${c.mask_area})`);
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
  for (const bad of [
    { ...good, version: 2 },
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
