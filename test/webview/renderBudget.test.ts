import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RenderBudget } from '../../src/webview/renderBudget';

describe('RenderBudget', () => {
  const options = { interactiveMs: 50, stillMs: 400, minScale: 0.2 };

  it('starts from a modest guess before any frame was measured', () => {
    const b = new RenderBudget(options);
    assert.equal(b.scale(1e6, 500, true), 0.35);
    assert.equal(b.scale(1e6, 500, false), 0.5);
  });

  it('lowers the resolution so a slow frame fits the budget', () => {
    const b = new RenderBudget(options);
    // 1600 ms for 1e6 pixels × 500 steps: a software rasterizer.
    b.record(1600, 1e6, 500);
    const still = b.scale(1e6, 500, false);
    assert.ok(Math.abs(still - Math.sqrt(400 / 1600)) < 1e-9, `still ${still}`);
    assert.equal(b.scale(1e6, 500, true), 0.2, 'clamped at minScale');
  });

  it('stays at full resolution on a fast GPU', () => {
    const b = new RenderBudget(options);
    b.record(2, 1e6, 500);
    assert.equal(b.scale(1e6, 500, true), 1);
  });

  it('ignores unusable measurements', () => {
    const b = new RenderBudget(options);
    b.record(0, 1e6, 500);
    b.record(Number.NaN, 1e6, 500);
    b.record(10, 0, 500);
    assert.equal(b.scale(1e6, 500, false), new RenderBudget(options).scale(1e6, 500, false));
  });
});
