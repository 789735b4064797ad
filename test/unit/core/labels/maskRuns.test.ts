import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeRuns,
  forEachInsideRun,
  runsArea,
  xorRuns,
} from '../../../../src/core/labels/maskRuns';

describe('maskRuns', () => {
  it('round-trips runs, starting with an outside run', () => {
    const bits = [1, 1, 0, 0, 0, 1, 0, 1, 1, 1];
    const runs = encodeRuns(bits.length, (n) => bits[n] === 1);
    assert.deepEqual([...runs], [0, 2, 3, 1, 1, 3]);
    assert.equal(runsArea(runs), 6);
    const back = new Array<number>(bits.length).fill(0);
    forEachInsideRun(runs, bits.length, (a, b) => back.fill(1, a, b));
    assert.deepEqual(back, bits);
  });

  it('rejects runs that do not cover the volume', () => {
    assert.throws(() => forEachInsideRun(Uint32Array.from([2, 3]), 9, () => {}), /cover 5 voxels/);
  });
});

describe('xorRuns', () => {
  const inside = (runs: Uint32Array, count: number): boolean[] => {
    const out = new Array<boolean>(count).fill(false);
    forEachInsideRun(runs, count, (a, b) => out.fill(true, a, b));
    return out;
  };

  it('keeps the voxels inside exactly one mask, and turns either mask into the other', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 50; trial++) {
      const count = 1 + Math.floor(random() * 60);
      const a = Array.from({ length: count }, () => random() < 0.4);
      const b = Array.from({ length: count }, () => random() < 0.3);
      const ra = encodeRuns(count, (n) => a[n]!);
      const rb = encodeRuns(count, (n) => b[n]!);
      const flip = xorRuns(ra, rb, count);
      assert.deepEqual(
        inside(flip, count),
        a.map((v, n) => v !== b[n]),
      );
      assert.deepEqual(xorRuns(ra, flip, count), rb, 'canonical runs, as encodeRuns writes them');
      assert.deepEqual(xorRuns(rb, flip, count), ra);
    }
  });

  it('reads zero-length runs anywhere, and refuses runs of another voxel count', () => {
    // [3 out, 0 in, 2 out, 5 in, 0 out] is voxels 5..9 inside.
    const odd = Uint32Array.from([3, 0, 2, 5, 0]);
    assert.deepEqual([...xorRuns(odd, Uint32Array.from([10]), 10)], [5, 5]);
    assert.deepEqual([...xorRuns(Uint32Array.from([0, 10]), Uint32Array.from([0, 10]), 10)], [10]);
    assert.throws(() => xorRuns(Uint32Array.from([4]), Uint32Array.from([5]), 5), /cover 4 voxels/);
  });
});
