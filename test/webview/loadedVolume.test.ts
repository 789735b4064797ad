import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { volumeFromMessage, LoadedVolume } from '../../src/webview/loadedVolume';
import { patternVolume } from './testVolumes';

describe('volumeFromMessage', () => {
  it('wraps the buffer without copying', () => {
    const vol = patternVolume([4, 3, 5]);
    const buffer = vol.bytes.buffer as ArrayBuffer;
    const v = volumeFromMessage(vol.header, buffer);
    assert.equal(v.data.buffer, buffer);
    assert.equal(v.data[1 + 4 * (2 + 3 * 4)], vol.value(1, 2, 4));
  });

  it('says what is wrong when the buffer does not match the header', () => {
    const vol = patternVolume([4, 3, 5]);
    assert.throws(
      () => volumeFromMessage({ ...vol.header, type: 'int16' }, vol.bytes.buffer as ArrayBuffer),
      /holds 60 bytes; dims 4×3×5 of int16 need 120/,
    );
  });
});

describe('LoadedVolume', () => {
  it('extracts windowed layers along the chosen axis with the pixel aspect of the spacing', () => {
    const vol = patternVolume([4, 3, 5]);
    const s = new LoadedVolume(
      volumeFromMessage(vol.header, vol.bytes.buffer as ArrayBuffer),
      vol.header,
      'auto',
    );
    assert.equal(s.axis, 2);
    assert.equal(s.layerCount, 5);
    const img = s.layer(2, { min: 0, max: 255 });
    assert.equal(img.width, 4);
    assert.equal(img.height, 3);
    assert.equal(img.aspect, 1);
    assert.equal(img.pixels[3 + 4 * 1], vol.value(3, 1, 2));
    assert.ok(s.setAxis(0));
    assert.deepEqual(s.shape, { width: 3, height: 5 });
    assert.equal(s.aspect, 0.5, 'k spacing 0.005 over j spacing 0.01');
    assert.equal(s.depthMm(3), 0.03);
  });

  it('projects a layer range (max) and caches it until range or mode change', () => {
    const vol = patternVolume([4, 3, 5]);
    const s = new LoadedVolume(
      volumeFromMessage(vol.header, vol.bytes.buffer as ArrayBuffer),
      vol.header,
      2,
    );
    const p = s.projection(1, 3, 'max');
    assert.equal(
      p[2 + 4 * 2],
      Math.max(vol.value(2, 2, 1), vol.value(2, 2, 2), vol.value(2, 2, 3)),
    );
    assert.equal(s.projection(1, 3, 'max'), p, 'cached');
    assert.notEqual(s.projection(1, 3, 'mean'), p);
  });
});
