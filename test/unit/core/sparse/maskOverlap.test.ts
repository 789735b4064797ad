import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dice } from '../../../../src/core/sparse/maskOverlap';

test('dice: 2|A∩B| / (|A| + |B|), empty masks agree', () => {
  assert.equal(dice([1, 1, 0, 0], [1, 0, 1, 0]), 0.5);
  assert.equal(dice([1, 1, 0], [255, 3, 0]), 1);
  assert.equal(dice([1, 0], [0, 1]), 0);
  assert.equal(dice([0, 0], [0, 0]), 1);
  assert.throws(() => dice([1], [1, 0]), /differ in size/);
});
