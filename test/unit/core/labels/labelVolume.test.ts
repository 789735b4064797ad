import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createLabelVolume,
  LabelError,
  labelVolumeFromVolume,
  labelVolumeToVolume,
} from '../../../../src/core/labels/labelVolume';
import { randomVolume } from '../../../fixtures/randomVolume';

test('createLabelVolume: all background, the volume voxel count', () => {
  const labels = createLabelVolume([3, 4, 5]);
  assert.deepEqual(labels.dims, [3, 4, 5]);
  assert.equal(labels.data.length, 60);
  assert.ok(labels.data.every((v) => v === 0));
});

test('createLabelVolume: bad dims get a clear error', () => {
  assert.throws(() => createLabelVolume([0, 4, 5]), LabelError);
  assert.throws(() => createLabelVolume([2.5, 4, 5]), /positive whole numbers/);
});

test('labelVolumeFromVolume: uint16 is shared, other integer types convert', () => {
  const u16 = randomVolume([4, 3, 2], 1, 'uint16', (r) => Math.floor(r() * 65536));
  assert.equal(labelVolumeFromVolume(u16).data, u16.data);
  const f32 = randomVolume([4, 3, 2], 2, 'float32', (r) => Math.floor(r() * 10));
  const labels = labelVolumeFromVolume(f32);
  assert.deepEqual(Array.from(labels.data), Array.from(f32.data));
});

test('labelVolumeFromVolume: fractions, negatives and values over 65535 are refused', () => {
  for (const [type, bad] of [
    ['float32', 1.5],
    ['int16', -1],
    ['int32', 70000],
  ] as const) {
    const volume = randomVolume([2, 2, 2], 3, type, () => 0);
    volume.data[5] = bad;
    assert.throws(() => labelVolumeFromVolume(volume), /voxel 5 holds .*0\.\.65535/);
  }
});

test('labelVolumeToVolume: uint16 with the reference geometry; mismatched dims refused', () => {
  const like = randomVolume([4, 3, 2], 4);
  const labels = createLabelVolume([4, 3, 2]);
  const volume = labelVolumeToVolume(labels, like);
  assert.equal(volume.type, 'uint16');
  assert.equal(volume.data, labels.data);
  assert.deepEqual(volume.spacingMm, like.spacingMm);
  assert.deepEqual(volume.affine, like.affine);
  assert.throws(() => labelVolumeToVolume(createLabelVolume([4, 3, 3]), like), /do not match/);
});
