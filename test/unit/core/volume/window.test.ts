import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyWindowToUint8, percentileWindow } from '../../../../src/core/volume/window';
import type { VoxelArray } from '../../../../src/core/volume/volume';
import { seededRandom } from '../../../fixtures/randomVolume';

/** Nearest-rank percentiles by sorting: the definition percentileWindow must reproduce. */
function sortedWindow(
  data: ArrayLike<number>,
  lo: number,
  hi: number,
): { min: number; max: number } {
  const sorted = Array.from(data)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const n = sorted.length;
  return {
    min: sorted[Math.floor((lo / 100) * (n - 1))],
    max: sorted[Math.ceil((hi / 100) * (n - 1))],
  };
}

function fill<T extends VoxelArray>(array: T, seed: number, value: (r: () => number) => number): T {
  const random = seededRandom(seed);
  for (let idx = 0; idx < array.length; idx++) array[idx] = value(random);
  return array;
}

test('8- and 16-bit data: percentiles are exact', () => {
  const cases: VoxelArray[] = [
    fill(new Uint8Array(5001), 1, (r) => Math.floor(r() ** 2 * 256)),
    fill(new Int8Array(5001), 2, (r) => Math.floor(r() * 256) - 128),
    fill(new Uint16Array(5001), 3, (r) => Math.floor(r() ** 3 * 65536)),
    fill(new Int16Array(5001), 4, (r) => Math.floor(r() * 65536) - 32768),
  ];
  for (const data of cases) {
    for (const [lo, hi] of [
      [1, 99.5],
      [0, 100],
      [10, 90],
      [50, 50.5],
    ]) {
      assert.deepEqual(
        percentileWindow(data, lo, hi),
        sortedWindow(data, lo, hi),
        `${data.constructor.name} ${lo}-${hi}`,
      );
    }
  }
});

test('other types: within one histogram bin of the exact percentile', () => {
  const cases: VoxelArray[] = [
    fill(new Float32Array(20000), 5, (r) => (r() - 0.5) * 1000),
    fill(new Float64Array(20000), 6, (r) => Math.exp(r() * 10)),
    fill(new Int32Array(20000), 7, (r) => Math.floor((r() - 0.5) * 2e9)),
    fill(new Uint32Array(20000), 8, (r) => Math.floor(r() * 4e9)),
  ];
  for (const data of cases) {
    const exact = sortedWindow(data, 1, 99.5);
    const got = percentileWindow(data, 1, 99.5);
    const all = sortedWindow(data, 0, 100);
    const bin = (all.max - all.min) / 65536;
    assert.ok(
      got.min <= exact.min && exact.min - got.min <= bin * 1.0001,
      `${data.constructor.name} min`,
    );
    assert.ok(
      got.max >= exact.max && got.max - exact.max <= bin * 1.0001,
      `${data.constructor.name} max`,
    );
  }
});

test('NaN and infinities are ignored', () => {
  const data = new Float32Array([NaN, 1, 2, 3, 4, Infinity, -Infinity, 5]);
  const w = percentileWindow(data, 0, 100);
  assert.ok(Math.abs(w.min - 1) < 1e-3 && Math.abs(w.max - 5) < 1e-3, JSON.stringify(w));
});

test('degenerate windows widen so that min < max', () => {
  assert.deepEqual(percentileWindow(new Uint8Array(100).fill(7), 1, 99), { min: 7, max: 8 });
  assert.deepEqual(percentileWindow(new Float32Array(100).fill(-2.5), 1, 99), {
    min: -2.5,
    max: -1.5,
  });
  // A sparse mask: both percentiles are 0, so the window becomes the data range.
  const mask = new Uint8Array(1000);
  mask[3] = 1;
  assert.deepEqual(percentileWindow(mask, 1, 99.5), { min: 0, max: 1 });
  assert.deepEqual(percentileWindow(new Float32Array(0), 1, 99), { min: 0, max: 1 });
  assert.deepEqual(percentileWindow(new Float32Array([NaN, NaN]), 1, 99), { min: 0, max: 1 });
});

test('percentiles are clamped to 0..100 and may come in either order', () => {
  const data = fill(new Uint8Array(1000), 9, (r) => Math.floor(r() * 256));
  assert.deepEqual(percentileWindow(data, -5, 150), sortedWindow(data, 0, 100));
  assert.deepEqual(percentileWindow(data, 99, 1), sortedWindow(data, 1, 99));
});

test('applyWindowToUint8 maps min to 0 and max to 255, linearly, clamped and rounded', () => {
  const src = [-10, 0, 25, 50, 100, 150, NaN, 99.9];
  const out = applyWindowToUint8(src, { min: 0, max: 100 });
  assert.deepEqual(Array.from(out), [0, 0, 64, 128, 255, 255, 0, 255]);
  for (let v = 0; v <= 100; v += 0.5) {
    const got = applyWindowToUint8([v], { min: 0, max: 100 })[0];
    assert.equal(got, Math.round((v * 255) / 100), `${v}`);
  }
});

test('applyWindowToUint8 reuses an output of the right size', () => {
  const out = new Uint8Array(3);
  assert.equal(applyWindowToUint8(new Float32Array([1, 2, 3]), { min: 1, max: 3 }, out), out);
  assert.deepEqual(Array.from(out), [0, 128, 255]);
  const other = applyWindowToUint8([1, 2], { min: 1, max: 3 }, out);
  assert.notEqual(other, out);
});

test('the lookup-table path for 8/16-bit arrays gives the same bytes as the arithmetic path', () => {
  const cases: [VoxelArray, { min: number; max: number }][] = [
    [fill(new Uint8Array(3000), 10, (r) => Math.floor(r() * 256)), { min: 10, max: 200 }],
    [fill(new Int8Array(3000), 11, (r) => Math.floor(r() * 256) - 128), { min: -100, max: 27.5 }],
    [fill(new Uint16Array(300000), 12, (r) => Math.floor(r() * 65536)), { min: 1000, max: 1510 }],
    [fill(new Int16Array(300000), 13, (r) => Math.floor(r() * 65536) - 32768), { min: -3, max: 5 }],
  ];
  for (const [data, w] of cases) {
    const viaLut = applyWindowToUint8(data, w);
    const viaArithmetic = applyWindowToUint8(Array.from(data), w);
    assert.deepEqual(viaLut, viaArithmetic, data.constructor.name);
  }
});
