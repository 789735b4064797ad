import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRuns, forEachInsideRun, runsArea } from '../../src/core/labels/maskRuns';

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
