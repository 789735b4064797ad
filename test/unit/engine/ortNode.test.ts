import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeSessionOptions } from '../../../src/engine/ortNode';

test('each device runs on its own provider with the CPU behind it, never spinning idle threads', () => {
  assert.deepEqual(nodeSessionOptions(1, 'cpu').executionProviders, ['cpu']);
  assert.deepEqual(nodeSessionOptions(2, 'cuda').executionProviders, ['cuda', 'cpu']);
  assert.deepEqual(nodeSessionOptions(2, 'coreml').executionProviders, ['coreml', 'cpu']);
  assert.deepEqual(nodeSessionOptions(2, 'dml').executionProviders, ['dml', 'cpu']);
  for (const device of ['cpu', 'cuda', 'coreml', 'dml'] as const) {
    const options = nodeSessionOptions(4, device);
    assert.equal(options.intraOpNumThreads, 4);
    assert.deepEqual(options.extra, { session: { 'intra_op.allow_spinning': '0' } });
  }
});

test('DirectML gets the options it requires; the others keep the defaults', () => {
  const dml = nodeSessionOptions(2, 'dml');
  assert.equal(dml.enableMemPattern, false);
  assert.equal(dml.executionMode, 'sequential');
  assert.equal(nodeSessionOptions(2, 'cpu').enableMemPattern, undefined);
  assert.equal(nodeSessionOptions(2, 'coreml').executionMode, undefined);
});
