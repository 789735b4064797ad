import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, readEditorSettings } from '../../../src/extension/settings';

function source(values: Record<string, unknown>): { get<T>(key: string): T | undefined } {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

test('unset settings give the defaults', () => {
  assert.deepEqual(readEditorSettings(source({})), DEFAULT_SETTINGS);
});

test('valid settings are passed through, axis names becoming axis numbers', () => {
  const settings = readEditorSettings(
    source({
      depthAxis: 'j',
      windowPercentiles: [2, 98],
      max3dTextureMB: 512,
      embeddingCacheMiB: 1024,
      inferenceEngine: 'host-cuda',
    }),
  );
  assert.deepEqual(settings, {
    depthAxis: 1,
    windowPercentiles: [2, 98],
    max3dTextureMB: 512,
    embeddingCacheMiB: 1024,
    inferenceEngine: 'host-cuda',
  });
  assert.equal(readEditorSettings(source({ depthAxis: 'i' })).depthAxis, 0);
  assert.equal(readEditorSettings(source({ depthAxis: 'k' })).depthAxis, 2);
});

test('invalid settings fall back to the defaults instead of reaching the webview', () => {
  const bad = [
    { depthAxis: 'z' },
    { depthAxis: 3 },
    { windowPercentiles: [99, 1] },
    { windowPercentiles: [-1, 50] },
    { windowPercentiles: [1, 101] },
    { windowPercentiles: [1] },
    { windowPercentiles: ['1', '99'] },
    { windowPercentiles: 'auto' },
    { max3dTextureMB: 'big' },
    { inferenceEngine: 'gpu' },
    { inferenceEngine: 'HOST-CPU' },
    { max3dTextureMB: Number.NaN },
    { embeddingCacheMiB: '1 GB' },
    { embeddingCacheMiB: Number.POSITIVE_INFINITY },
  ];
  for (const values of bad) {
    assert.deepEqual(readEditorSettings(source(values)), DEFAULT_SETTINGS, JSON.stringify(values));
  }
});

test('a texture or feature-cache budget below its minimum is raised to it', () => {
  assert.equal(readEditorSettings(source({ max3dTextureMB: 1 })).max3dTextureMB, 16);
  assert.equal(readEditorSettings(source({ embeddingCacheMiB: 0 })).embeddingCacheMiB, 64);
});
