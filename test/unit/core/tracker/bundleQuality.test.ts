/**
 * The model picker's line (issue 16, item 6): real-data Dice from the manifest's metrics, with
 * the classical baseline beside it, and the demo warning's three reasons.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bundleQuality } from '../../../../src/core/tracker/bundleQuality';

const row = (dice: number, classical?: number) => ({
  factor: 'Baseline',
  dice,
  ...(classical === undefined ? {} : { classical_dice: classical }),
});

test('real-data rows only, the baseline row of each, with the classical Dice', () => {
  const q = bundleQuality('base_plus', {
    'synth-rv': { target: 'rv', sequence: [row(0.9, 0.5)] },
    'octa500-rv': { target: 'rv', sequence: [{ factor: 'Clicks', dice: 0.1 }, row(0.71, 0.55)] },
    'octa500-faz': { target: 'faz', sequence: [row(0.88)] },
  });
  assert.equal(q.summary, 'real-data Dice: RV 0.71 (classical 0.55) · FAZ 0.88');
  assert.equal(q.demo, null);
});

test('demo: the nano size, no real-data result, or no better than classical', () => {
  assert.match(bundleQuality('nano', {}).demo!, /nano demo/);
  const synthOnly = bundleQuality('tiny', { 'synth-rv': { sequence: [row(0.9)] } });
  assert.match(synthOnly.demo!, /never measured on real OCTA data/);
  assert.equal(synthOnly.summary, 'no real-data Dice in its manifest');
  const weak = bundleQuality('tiny', { 'octa500-rv': { target: 'rv', sequence: [row(0.3, 0.4)] } });
  assert.match(weak.demo!, /no better than the classical baseline/);
  assert.match(bundleQuality('tiny', 'junk').demo!, /never measured/);
});

test('a row with the gated baseline is judged against the stronger baseline', () => {
  const gated = { ...row(0.53, 0.43), gated_classical_dice: 0.64 };
  const q = bundleQuality('tiny', { 'octa500-rv': { target: 'rv', sequence: [gated] } });
  assert.equal(q.summary, 'real-data Dice: RV 0.53 (classical 0.64)');
  assert.match(q.demo!, /no better than the classical baseline/);
  const ahead = { ...row(0.7, 0.43), gated_classical_dice: 0.64 };
  assert.equal(
    bundleQuality('tiny', { 'octa500-rv': { target: 'rv', sequence: [ahead] } }).demo,
    null,
  );
});

test("an en-face model's Table I rows: one per target and field of view that it scored", () => {
  const table1 = [
    { target: 'faz', fov: '3M', dice: 0.9, classical_dice: 0.53 },
    { target: 'faz', fov: '6M', dice: null, classical_dice: 0.55 }, // another model's row
  ];
  const q = bundleQuality('base_plus', {
    task: 'enface',
    data: ['data/octa500/3M/test', 'data/octa500/6M/test'],
    table1,
  });
  assert.equal(q.summary, 'real-data Dice: FAZ 3M 0.90 (classical 0.53)');
  assert.equal(q.demo, null);
  const synthetic = bundleQuality('base_plus', { task: 'enface', data: ['synth'], table1 });
  assert.match(synthetic.demo!, /never measured on real OCTA data/);
});

test('the shipped nano bundle reads as a demo with its OCTA-500 Dice', () => {
  const manifest = JSON.parse(
    readFileSync(
      new URL('../../../../models/samocta2-nano/manifest.json', import.meta.url),
      'utf8',
    ),
  );
  const q = bundleQuality(String(manifest.model.size), manifest.metrics);
  assert.ok(q.realData.length >= 1);
  assert.match(q.summary, /^real-data Dice: RV 0\.\d\d/);
  assert.ok(q.demo);
});
