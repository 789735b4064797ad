/**
 * Layer numbers (issue 16, item 3): one convention, the 0-based depth index, shown with its range
 * and parsed back from what users type, with an error that says how layers count.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  layerNumberRange,
  layerPosition,
  parseLayerNumber,
} from '../../../../src/core/volume/layerNumbers';

test('a position names the layer as stored and the range that says layers count from 0', () => {
  assert.equal(layerPosition(0, 10), 'Layer 0 (0–9)');
  assert.equal(layerPosition(9, 10), 'Layer 9 (0–9)');
  assert.equal(layerNumberRange(1), '0–0');
});

test('typed layer numbers are read back as the same index; anything else says why', () => {
  assert.equal(parseLayerNumber(' 7 ', 10), 7);
  assert.equal(parseLayerNumber('0', 10), 0);
  for (const bad of ['10', '-1', '2.5', '', 'x']) {
    const result = parseLayerNumber(bad, 10);
    assert.ok(result instanceof Error, bad);
    assert.match(result.message, /layers count from 0, here 0–9/);
  }
});
