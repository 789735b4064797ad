import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_VIEW_STATE, sanitizeViewState } from '../../src/webview/viewState';

describe('sanitizeViewState', () => {
  it('returns the defaults for nothing or garbage', () => {
    assert.deepEqual(sanitizeViewState(undefined), DEFAULT_VIEW_STATE);
    assert.deepEqual(sanitizeViewState('x'), DEFAULT_VIEW_STATE);
  });

  it('keeps a valid saved state', () => {
    const saved = {
      version: 1,
      view: '3d',
      layer: 12,
      depthAxis: 1,
      window: { auto: false, min: -3, max: 40 },
      range: [4, 9],
      projection: 'mean',
      render3d: 'alpha',
      depthScale: 10,
      camera: { position: [1, 2, 3], target: [0, 0, 0] },
      brush: { tool: 'paint', radius: 14 },
    };
    assert.deepEqual(sanitizeViewState(saved), saved);
  });

  it('replaces each invalid field by its default', () => {
    const s = sanitizeViewState({
      view: 'cube',
      layer: 2.5,
      depthAxis: 7,
      window: { auto: false, min: 5, max: 5 },
      range: [1],
      projection: 'median',
      render3d: 'x',
      depthScale: 7,
      camera: { position: [1, 2], target: [0, 0, 0] },
      brush: { tool: 'lasso', radius: '3' },
    });
    assert.deepEqual(s, DEFAULT_VIEW_STATE);
  });

  it('keeps a saved brush tool and clamps its radius into range', () => {
    assert.deepEqual(sanitizeViewState({ brush: { tool: 'erase', radius: 1e6 } }).brush, {
      tool: 'erase',
      radius: 100,
    });
    assert.deepEqual(sanitizeViewState({ brush: { tool: 'fill', radius: 0.2 } }).brush, {
      tool: 'fill',
      radius: 1,
    });
  });
});
