import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleLayers, type LayerRef } from '../../../../src/core/sparse/sampleLayers';

const key = (ref: LayerRef) => `${ref.volumeIndex}:${ref.layer}`;

test('one volume: n distinct layers from the pool, the same for the same seed', () => {
  const pool = Array.from({ length: 200 }, (_, n) => 100 + 2 * n);
  const a = sampleLayers(pool, 50, 7);
  const b = sampleLayers(pool, 50, 7);
  assert.deepEqual(a, b);
  assert.equal(a.length, 50);
  assert.equal(new Set(a.map(key)).size, 50);
  for (const ref of a) {
    assert.equal(ref.volumeIndex, 0);
    assert.ok(pool.includes(ref.layer));
  }
  assert.notDeepEqual(sampleLayers(pool, 50, 8), a);
});

test('a set of volumes: pairs drawn across all of them, none twice', () => {
  const pools = [[1, 2, 3], [], [10, 11, 12, 13, 14, 15, 16, 17], [5]];
  const all = sampleLayers(pools, 1000, 3);
  assert.equal(all.length, 12); // everything available, once each
  assert.equal(new Set(all.map(key)).size, 12);
  for (const ref of all) assert.ok(pools[ref.volumeIndex].includes(ref.layer));
  const some = sampleLayers(pools, 5, 3);
  assert.deepEqual(some, all.slice(0, 5)); // more with the same seed extends the list
});

test('every pair is about equally likely (not every volume equally)', () => {
  const pools = [Array.from({ length: 90 }, (_, n) => n), Array.from({ length: 10 }, (_, n) => n)];
  let fromSmall = 0;
  const runs = 400;
  for (let seed = 0; seed < runs; seed++) {
    fromSmall += sampleLayers(pools, 10, seed).filter((r) => r.volumeIndex === 1).length;
  }
  // Expected share 10 %; 4000 draws put a fair sampler within ±3 % of it.
  const share = fromSmall / (runs * 10);
  assert.ok(share > 0.07 && share < 0.13, `share ${share}`);
});

test('repeated layers count once; excluded pairs never come back', () => {
  const drawn = sampleLayers([4, 4, 4, 5], 10, 1);
  assert.deepEqual(drawn.map((r) => r.layer).sort(), [4, 5]);
  const pools = [
    [0, 1, 2, 3],
    [0, 1],
  ];
  const exclude = [
    { volumeIndex: 0, layer: 2 },
    { volumeIndex: 1, layer: 0 },
  ];
  const rest = sampleLayers(pools, 10, 9, { exclude });
  assert.equal(rest.length, 4);
  for (const ref of rest) assert.ok(!exclude.some((e) => key(e) === key(ref)));
});

test('bad input gets clear errors; n = 0 or an empty pool gives nothing', () => {
  assert.deepEqual(sampleLayers([1, 2], 0, 1), []);
  assert.deepEqual(sampleLayers([], 5, 1), []);
  assert.throws(() => sampleLayers([1, 2], -1, 1), /whole number ≥ 0/);
  assert.throws(() => sampleLayers([1, 2], 1.5, 1), /whole number ≥ 0/);
  assert.throws(() => sampleLayers([1, -2], 1, 1), /lists -2/);
  assert.throws(() => sampleLayers([1, 2], 1, 0.5), /Seed/);
});
