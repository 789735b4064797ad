/**
 * The tracker's behaviour beyond parity: cancellation, progress, ranges and directions, the
 * click preview, prompts outside the image, and several objects tracked on their own with
 * re-conditioning on a new prompt (ObjectTracks). Runs on the parity bundle and vectors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObjectTracks } from '../../../../src/core/tracker/objectTracks';
import { SamTracker } from '../../../../src/core/tracker/tracker';
import { TrackCancelledError, type TrackProgress } from '../../../../src/core/tracker/trackTypes';
import { caseLayers, loadVectors, withParityBundle } from '../../../fixtures/parityVectors';

const vectors = loadVectors();
const twoPrompts = vectors.cases.find((c) => c.name === 'two-prompts')!;

test('cancellation stops between layers; progress counts every emitted layer', () =>
  withParityBundle(async (bundle) => {
    const tracker = new SamTracker(bundle, caseLayers(twoPrompts));
    const signal = { aborted: false };
    const seen: number[] = [];
    await assert.rejects(
      tracker.track(twoPrompts.prompts, {
        signal,
        onFrame: (f) => {
          seen.push(f.layer);
          if (seen.length === 3) signal.aborted = true;
        },
      }),
      (error: unknown) => error instanceof TrackCancelledError && error.name === 'AbortError',
    );
    assert.deepEqual(seen, [2, 3, 4]);
    const progress: TrackProgress[] = [];
    const result = await tracker.track(twoPrompts.prompts, { onProgress: (p) => progress.push(p) });
    assert.deepEqual(
      progress.map((p) => p.done),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.ok(progress.every((p) => p.total === 9));
    assert.deepEqual(
      progress.map((p) => p.direction),
      [1, 1, 1, 1, 1, 1, -1, -1, -1],
    );
    assert.equal(result.order.length, 9);
    assert.ok(tracker.cache.stats.hits > 0, 'the second track reuses cached features');
  }));

test('range and direction cut the passes; prompted layers outside still get their mask', () =>
  withParityBundle(async (bundle) => {
    const tracker = new SamTracker(bundle, caseLayers(twoPrompts));
    const forward = await tracker.track(twoPrompts.prompts, {
      direction: 'forward',
      range: { from: 0, to: 4 },
    });
    assert.deepEqual(forward.order, [2, 3, 4]);
    assert.deepEqual([...forward.frames.keys()].sort(), [2, 3, 4, 6]);
    // The same layers as the full track: a pass cut short does not change what it computed.
    const full = await tracker.track(twoPrompts.prompts);
    for (const layer of [3, 4])
      assert.deepEqual(forward.frames.get(layer)!.lowRes, full.frames.get(layer)!.lowRes);
  }));

test('preview of a click equals the prompted layer of the track; clicks outside are ignored', () =>
  withParityBundle(async (bundle) => {
    const tracker = new SamTracker(bundle, caseLayers(twoPrompts));
    const points = twoPrompts.prompts[1].points;
    const preview = await tracker.previewLayer(6, [...points, { x: 64, y: 3, positive: true }]);
    const full = await tracker.track(twoPrompts.prompts);
    assert.deepEqual(preview.lowRes, full.frames.get(6)!.lowRes);
    const none = await tracker.previewLayer(1, [{ x: -1, y: 5, positive: true }]);
    assert.ok(none.mask.every((v) => v === 0));
    await assert.rejects(
      tracker.track([{ layer: 3, points: [{ x: 99, y: 99, positive: true }] }]),
      /no prompt point lies inside/,
    );
    await assert.rejects(
      tracker.track([{ layer: 8, points: [{ x: 1, y: 1, positive: true }] }]),
      /Layer 8 is outside the volume \(layers 0–7\)/,
    );
  }));

test('objects are tracked on their own; a new prompt re-conditions only that object', () =>
  withParityBundle(async (bundle) => {
    const tracker = new SamTracker(bundle, caseLayers(twoPrompts));
    const store = new ObjectTracks(tracker);
    const a = store.add('vessel A', 'vessel');
    const b = store.add('faz', 'faz');
    for (const prompt of twoPrompts.prompts) {
      for (const point of prompt.points) await store.addPoint(a.id, prompt.layer, point);
    }
    await store.addPoint(b.id, 0, { x: 10, y: 10, positive: true });
    const resultA = await store.propagate(a.id);
    await store.propagate(b.id);
    // Object A alone gives the same masks as a single-object track of its prompts.
    const alone = await tracker.track(twoPrompts.prompts);
    for (const [layer, frame] of alone.frames)
      assert.deepEqual(resultA.frames.get(layer)!.mask, frame.mask);
    assert.ok(a.upToDate && b.upToDate);
    await store.addPoint(a.id, 4, { x: 40, y: 40, positive: false });
    assert.equal(a.upToDate, false);
    assert.deepEqual(
      [...a.frames.keys()],
      [4],
      'stale layers dropped, the clicked layer previewed',
    );
    assert.equal(b.frames.size, 8, 'the other object is untouched');
    await store.propagate(a.id);
    assert.equal(a.frames.get(4)!.prompted, true);
    const labels = store.labelLayer(4);
    const maskB = b.frames.get(4)!.mask;
    labels.forEach((v, i) =>
      assert.equal(v, maskB[i] ? b.id : a.frames.get(4)!.mask[i] ? a.id : 0),
    );
    store.removePoint(a.id, 4, 0);
    assert.deepEqual(
      store.promptsOf(a.id).map((p) => p.layer),
      [2, 6],
    );
  }));

test('a prompt on a layer the object does not reach gives an empty mask, not an error', () =>
  withParityBundle(async (bundle) => {
    // Layer 3 blanked: nothing there for the click to select. The parity bundle's object score
    // on it is below 0 (the object is absent), so the mask is empty; the track goes on.
    const layers = caseLayers(twoPrompts);
    const blank = {
      ...layers,
      layer: async (i: number) =>
        i === 3 ? new Float32Array(layers.rows * layers.cols) : layers.layer(i),
    };
    const tracker = new SamTracker(bundle, blank);
    const click = [{ layer: 3, points: [{ x: 20, y: 20, positive: true }] }];
    const preview = await tracker.previewLayer(3, click[0]!.points);
    assert.ok(preview.score < 0, `object score ${preview.score}`);
    assert.ok(preview.mask.every((v) => v === 0));
    const result = await tracker.track(click);
    assert.equal(result.frames.size, layers.count);
    assert.ok(result.frames.get(3)!.mask.every((v) => v === 0));
  }));

test('tracking a stack longer than the cache budget keeps the cache within it (evicting)', () =>
  withParityBundle(async (bundle) => {
    // 24 layers: the case's 8, repeated (the budget, not the images, is under test).
    const base = caseLayers(twoPrompts);
    const long = { ...base, count: 24, layer: (i: number) => base.layer(i % base.count) };
    const probe = new SamTracker(bundle, base);
    await probe.features(0);
    const layerBytes = probe.cache.bytes;
    const maxBytes = 3 * layerBytes + 1;
    const tracker = new SamTracker(bundle, long, { cache: { maxBytes } });
    let worst = 0;
    const result = await tracker.track(twoPrompts.prompts, {
      onFrame: () => (worst = Math.max(worst, tracker.cache.bytes)),
    });
    assert.equal(new Set(result.order).size, 24);
    assert.ok(worst <= maxBytes && tracker.cache.peakBytes <= maxBytes, `${worst} > ${maxBytes}`);
    assert.equal(tracker.cache.size, 3);
    assert.ok(tracker.cache.stats.misses >= 24, 'every layer was encoded, older ones evicted');
  }));
