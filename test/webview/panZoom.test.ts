import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fitImage,
  imageToScreen,
  panBy,
  recenter,
  screenToImage,
  zoomAround,
} from '../../src/webview/panZoom';

describe('panZoom', () => {
  it('fits a wide image into a tall viewport, centred, with a margin', () => {
    const pz = fitImage({ width: 400, height: 100 }, 1, { width: 200, height: 400 });
    assert.ok(pz.scale < 0.5 && pz.scale > 0.45, `scale ${pz.scale}`);
    const centre = imageToScreen(pz, 1, 200, 50);
    assert.ok(Math.abs(centre.x - 100) < 1e-9 && Math.abs(centre.y - 200) < 1e-9);
  });

  it('respects the pixel aspect (anisotropic spacing)', () => {
    const pz = fitImage({ width: 100, height: 100 }, 3, { width: 600, height: 600 });
    const top = imageToScreen(pz, 3, 0, 0);
    const bottom = imageToScreen(pz, 3, 0, 100);
    const right = imageToScreen(pz, 3, 100, 0);
    assert.ok(Math.abs((bottom.y - top.y) / (right.x - top.x) - 3) < 1e-9);
  });

  it('zooms around the cursor: the image point under it stays put', () => {
    const pz = fitImage({ width: 64, height: 48 }, 1.5, { width: 500, height: 300 });
    const before = screenToImage(pz, 1.5, 123, 77);
    const z = zoomAround(pz, 123, 77, 3.7);
    const after = screenToImage(z, 1.5, 123, 77);
    assert.ok(Math.abs(before.x - after.x) < 1e-9 && Math.abs(before.y - after.y) < 1e-9);
    assert.ok(Math.abs(z.scale / pz.scale - 3.7) < 1e-9);
  });

  it('pans and maps screen ↔ image both ways', () => {
    const pz = panBy({ scale: 2, offsetX: 10, offsetY: 20 }, 5, -5);
    assert.deepEqual(pz, { scale: 2, offsetX: 15, offsetY: 15 });
    const s = imageToScreen(pz, 0.5, 7, 9);
    assert.deepEqual(screenToImage(pz, 0.5, s.x, s.y), { x: 7, y: 9 });
  });

  it('keeps the centre on resize', () => {
    const pz = { scale: 1, offsetX: 0, offsetY: 0 };
    const r = recenter(pz, { width: 100, height: 100 }, { width: 200, height: 50 });
    assert.deepEqual(r, { scale: 1, offsetX: 50, offsetY: -25 });
  });

  it('clamps extreme zoom', () => {
    const pz = { scale: 1, offsetX: 0, offsetY: 0 };
    assert.equal(zoomAround(pz, 0, 0, 1e9).scale, 256);
    assert.equal(zoomAround(pz, 0, 0, 1e-9).scale, 1 / 64);
  });
});
