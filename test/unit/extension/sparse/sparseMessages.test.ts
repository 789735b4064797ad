/** Webview messages of the sparse panel are checked before use; its settings live in the sidecar. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_PANEL_SETTINGS,
  settingsFromExtras,
  settingsToExtras,
} from '../../../../src/extension/sparse/panelSettings';
import { isSparseMessage } from '../../../../src/extension/sparse/sparseMessages';

test('well-formed sparse messages pass; malformed ones and other types do not', () => {
  const settings = { ...DEFAULT_PANEL_SETTINGS, sampled: [3, 9] };
  for (const good of [
    { type: 'sparseSettings', settings },
    { type: 'sparseRun', task: 'train', device: 'cpu', steps: 20, layers: [] },
    { type: 'sparseRun', task: 'predict', device: 'cuda', steps: 1, layers: [1, 2] },
    { type: 'sparseStop' },
    { type: 'sparseAccept', layer: 0 },
    { type: 'sparseMark', layer: 4, annotated: false },
    { type: 'sparseFinish', enfacePath: 'GT_LargeVessel/10301.bmp' },
    { type: 'sparseBrowse' },
  ]) {
    assert.ok(isSparseMessage(good), JSON.stringify(good));
  }
  for (const bad of [
    null,
    'sparseStop',
    { type: 'ready' },
    { type: 'sparseRun', task: 'eval', device: 'cpu', steps: 20, layers: [] },
    { type: 'sparseRun', task: 'train', device: 'tpu', steps: 20, layers: [] },
    { type: 'sparseRun', task: 'train', device: 'cpu', steps: 0, layers: [] },
    { type: 'sparseRun', task: 'predict', device: 'cpu', steps: 1, layers: [-1] },
    { type: 'sparseAccept', layer: 1.5 },
    { type: 'sparseMark', layer: 1 },
    { type: 'sparseFinish' },
    { type: 'sparseSettings', settings: { ...settings, device: 'gpu' } },
    { type: 'sparseSettings', settings: { ...settings, sampled: ['3'] } },
  ]) {
    assert.ok(!isSparseMessage(bad), JSON.stringify(bad));
  }
});

test('panel settings round-trip through the sidecar keys; odd values take defaults', () => {
  const settings = {
    blankThreshold: 0.004,
    sampleCount: 25,
    sampleSeed: 7,
    sampled: [40, 12, 33],
    trainSteps: 120,
    device: 'cuda' as const,
    enfacePath: 'GT_LargeVessel/10301.bmp',
  };
  const extras = settingsToExtras(settings);
  assert.deepEqual(Object.keys(extras), ['screening', 'sampling', 'training', 'finish']);
  assert.match(String((extras.screening as { measure: string }).measure), /3×3 mean/);
  assert.deepEqual(settingsFromExtras(JSON.parse(JSON.stringify(extras))), settings);
  assert.equal(settingsFromExtras({ otherTool: 1 }), null);
  assert.deepEqual(
    settingsFromExtras({ sampling: { seed: -1, count: 'ten', layers: [1, 'x', 2.5, 4] } }),
    { ...DEFAULT_PANEL_SETTINGS, sampled: [1, 4] },
  );
});
