/**
 * Memory bank bookkeeping (docs/model-bundle.md section 5.3): which memories and pointers the
 * memory attention sees, with which temporal positions, forward and backward; bfloat16
 * rounding; forgetting entries no later read can reach.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fromBFloat16,
  MemoryBank,
  toBFloat16,
  type BankEntry,
} from '../../../../src/core/tracker/memoryBank';
import { passPlan } from '../../../../src/core/tracker/trackPlan';

function entry(tag: number): BankEntry {
  return { memory: new Uint16Array([tag]), objPtr: new Float32Array([tag]), score: 1 };
}

function bank(numLayers: number): MemoryBank {
  return new MemoryBank({ numLayers, numMaskmem: 7, maxObjPtrs: 16 });
}

test('forward: all conditioning memories at tpos 0, then up to 6 recent ones oldest first', () => {
  const b = bank(40);
  b.cond.set(10, entry(10));
  b.cond.set(30, entry(30));
  for (let t = 11; t < 20; t++) b.nonCond.set(t, entry(t));
  const sel = b.select(20, 1);
  assert.deepEqual(sel.memoryLayers, [10, 30, 14, 15, 16, 17, 18, 19]);
  assert.deepEqual(sel.memoryTpos, [0, 0, 1, 2, 3, 4, 5, 6]);
  // Pointers: conditioning layers on the near side only (30 is ahead), then up to 15 back.
  assert.deepEqual(sel.objPtrLayers, [10, 19, 18, 17, 16, 15, 14, 13, 12, 11]);
  const div = 15;
  assert.deepEqual(sel.objPtrTpos, [
    10 / div,
    1 / div,
    2 / div,
    3 / div,
    4 / div,
    5 / div,
    6 / div,
    7 / div,
    8 / div,
    9 / div,
  ]);
});

test('backward: "back" means higher layers, forward-tracked layers count', () => {
  const b = bank(40);
  b.cond.set(10, entry(10));
  for (let t = 11; t < 40; t++) b.nonCond.set(t, entry(t));
  b.nonCond.set(9, entry(9));
  const sel = b.select(8, -1);
  assert.deepEqual(sel.memoryLayers, [10, 14, 13, 12, 11, 9]);
  assert.deepEqual(sel.memoryTpos, [0, 1, 2, 3, 4, 6]); // layer 10 is conditioning, not recent
  assert.equal(sel.objPtrLayers[0], 10);
  assert.equal(sel.objPtrTpos[0], 2 / 15);
  assert.deepEqual(
    sel.objPtrLayers.slice(1),
    [9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
  );
});

test('pointer window is min(T, 16) and stops at the volume edge', () => {
  const b = bank(5);
  b.cond.set(0, entry(0));
  for (let t = 1; t < 4; t++) b.nonCond.set(t, entry(t));
  const sel = b.select(4, 1);
  assert.deepEqual(sel.objPtrLayers, [0, 3, 2, 1]);
  assert.deepEqual(sel.objPtrTpos, [4 / 4, 1 / 4, 2 / 4, 3 / 4]);
  // Backward from layer 1: layer 0 is outside the window's direction; 2.. are back.
  const back = b.select(0, -1);
  assert.deepEqual(back.objPtrLayers, [0, 1, 2, 3]);
});

test('forgetBehind keeps what the backward pass still reads', () => {
  const b = bank(100);
  b.cond.set(10, entry(10));
  for (let f = 11; f < 60; f++) {
    b.nonCond.set(f, entry(f));
    b.forgetBehind(f, 1, 10);
  }
  // reach = 15: layers 11..25 stay for the backward pass; 26..43 are gone; 44..59 are recent.
  for (let t = 11; t <= 25; t++) assert.ok(b.nonCond.has(t), `layer ${t} kept`);
  for (let t = 26; t <= 43; t++) assert.ok(!b.nonCond.has(t), `layer ${t} forgotten`);
  for (let t = 44; t < 60; t++) assert.ok(b.nonCond.has(t), `layer ${t} kept`);
  // Nothing forgotten is ever selected again.
  const sel = b.select(60, 1);
  assert.ok(sel.objPtrLayers.every((t) => t === 10 || t >= 45));
});

test('bfloat16 rounding: nearest, ties to even, as the contract spells it', () => {
  const values = new Float32Array([1, 1.00390625, 1.01171875, -2.5, 3.14159265, 0, -0]);
  const bits = new Uint32Array(values.buffer.slice(0));
  const halves = toBFloat16(values);
  for (let i = 0; i < values.length; i++) {
    const u = bits[i];
    const expected = Math.floor((u + 0x7fff + ((u >>> 16) & 1)) / 65536) & 0xffff;
    assert.equal(halves[i], expected, `value ${values[i]}`);
  }
  const back = new Float32Array(values.length);
  fromBFloat16(halves, back);
  assert.equal(back[0], 1);
  assert.equal(back[1], 1); // 1 + 2^-8 is a tie: rounds to even (1)
  assert.equal(back[2], 1.015625); // 1 + 3 * 2^-8 is a tie: rounds to even (1 + 2^-6)
  assert.equal(back[3], -2.5);
  assert.equal(back[4], 3.140625);
});

test('passPlan: forward from the lowest prompted layer, then backward; ranges cut passes', () => {
  assert.deepEqual(passPlan(2, 5, undefined, 'both'), [
    { direction: 1, layers: [2, 3, 4] },
    { direction: -1, layers: [2, 1, 0] },
  ]);
  assert.deepEqual(passPlan(0, 3, undefined, 'both'), [{ direction: 1, layers: [0, 1, 2] }]);
  assert.deepEqual(passPlan(5, 10, { from: 3, to: 7 }, 'both'), [
    { direction: 1, layers: [5, 6, 7] },
    { direction: -1, layers: [5, 4, 3] },
  ]);
  assert.deepEqual(passPlan(5, 10, undefined, 'backward'), [
    { direction: -1, layers: [5, 4, 3, 2, 1, 0] },
  ]);
  assert.deepEqual(passPlan(5, 10, undefined, 'forward'), [
    { direction: 1, layers: [5, 6, 7, 8, 9] },
  ]);
});
