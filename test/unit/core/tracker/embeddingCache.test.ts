/**
 * The per-layer feature cache: least-recently-used out, bounded by entries or bytes, one
 * computation per key even when requests overlap, failures not cached.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddingCache } from '../../../../src/core/tracker/embeddingCache';

test('evicts the least recently used entry first (by entries)', () => {
  const cache = new EmbeddingCache<number, string>(() => 1, { maxEntries: 2 });
  cache.set(1, 'a');
  cache.set(2, 'b');
  assert.equal(cache.get(1), 'a'); // 1 is now the most recent
  cache.set(3, 'c');
  assert.deepEqual([cache.has(1), cache.has(2), cache.has(3)], [true, false, true]);
  assert.equal(cache.size, 2);
});

test('bounded by bytes; an entry larger than the budget still stays alone', () => {
  const cache = new EmbeddingCache<number, Float32Array>((v) => v.byteLength, { maxBytes: 100 });
  cache.set(1, new Float32Array(10)); // 40 bytes
  cache.set(2, new Float32Array(10));
  assert.equal(cache.bytes, 80);
  cache.set(3, new Float32Array(10)); // 120 > 100: 1 goes
  assert.deepEqual([cache.has(1), cache.has(2), cache.has(3)], [false, true, true]);
  assert.equal(cache.bytes, 80);
  cache.set(4, new Float32Array(50)); // 200 bytes on its own
  assert.deepEqual([cache.size, cache.bytes, cache.has(4)], [1, 200, true]);
  cache.set(4, new Float32Array(1)); // replacing counts the new size only
  assert.equal(cache.bytes, 4);
});

test('a new budget evicts down to it at once, least recent first; the peak is remembered', () => {
  const cache = new EmbeddingCache<number, Float32Array>((v) => v.byteLength, { maxBytes: 400 });
  for (let key = 0; key < 8; key++) cache.set(key, new Float32Array(10)); // 8 × 40 bytes
  assert.equal(cache.bytes, 320);
  cache.get(0); // 0 is now the most recent
  cache.setLimits({ maxBytes: 100 });
  assert.deepEqual([cache.size, cache.bytes, cache.has(0), cache.has(7)], [2, 80, true, true]);
  assert.equal(cache.peakBytes, 320);
  assert.throws(() => cache.setLimits({ maxBytes: 0 }), RangeError);
});

test('overlapping requests share one computation; failures are not cached', async () => {
  const cache = new EmbeddingCache<number, number>(() => 8, { maxEntries: 4 });
  let calls = 0;
  const compute = async (): Promise<number> => {
    calls++;
    await new Promise((r) => setTimeout(r, 5));
    return 42;
  };
  const [a, b] = await Promise.all([
    cache.getOrCompute(7, compute),
    cache.getOrCompute(7, compute),
  ]);
  assert.deepEqual([a, b, calls], [42, 42, 1]);
  assert.equal(await cache.getOrCompute(7, compute), 42);
  assert.deepEqual(cache.stats, { hits: 1, misses: 1 });
  await assert.rejects(
    cache.getOrCompute(8, () => Promise.reject(new Error('encoder failed'))),
    /encoder failed/,
  );
  assert.equal(cache.has(8), false);
  assert.equal(await cache.getOrCompute(8, compute), 42);
});

test('limits must be positive', () => {
  assert.throws(() => new EmbeddingCache(() => 1, { maxEntries: 0 }), /maxEntries must be > 0/);
});
