import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelVolumeToVolume } from '../../../../src/core/labels/labelVolume';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import { finishLayerVessels } from '../../../../src/core/sparse/finishLayerVessels';
import { generateSyntheticOcta } from '../../../../src/core/synth/generateSyntheticOcta';
import { layerPixelToVoxel, layerShape } from '../../../../src/core/volume/layers';
import type { Axis } from '../../../../src/core/volume/volume';
import { seededRandom } from '../../../fixtures/randomVolume';

/** Brute-force 8-connected components, any raster-order numbering. */
function components(mask: Uint8Array, width: number, height: number): Int32Array {
  const labels = new Int32Array(mask.length);
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    labels[start] = ++count;
    const stack = [start];
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          const q = nx + width * ny;
          if (nx >= 0 && ny >= 0 && nx < width && ny < height && mask[q] && !labels[q]) {
            labels[q] = count;
            stack.push(q);
          }
        }
    }
  }
  return labels;
}

test('layer RV = en-face RV ∩ region, ids = en-face components, any depth axis', () => {
  const dims = [14, 11, 9] as const;
  for (const axis of [0, 1, 2] as Axis[]) {
    const random = seededRandom(axis + 1);
    const { width, height } = layerShape(dims, axis);
    const enfaceRv = Uint8Array.from({ length: width * height }, () => (random() < 0.3 ? 255 : 0));
    const regions = Array.from({ length: dims[axis] }, (_, layer) =>
      layer === 2
        ? null
        : Uint8Array.from({ length: width * height }, () => (random() < 0.5 ? 1 : 0)),
    );
    const result = finishLayerVessels({ dims, axis, enfaceRv, regions });
    const ids = components(enfaceRv, width, height);
    assert.equal(result.count, Math.max(...ids));
    assert.deepEqual(Array.from(result.enfaceInstances), Array.from(ids));
    const counts = new Float64Array(result.count + 1);
    for (let layer = 0; layer < dims[axis]; layer++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const p = x + width * y;
          const region = regions[layer];
          const want = region && region[p] && enfaceRv[p] ? ids[p] : 0;
          const [i, j, k] = layerPixelToVoxel(axis, layer, x, y);
          assert.equal(result.instances.data[i + dims[0] * (j + dims[1] * k)], want);
          counts[want]++;
        }
      }
    }
    counts[0] = 0;
    assert.deepEqual(result.voxelsPerInstance, counts);
  }
});

test('from the synthetic ground truth’s own regions, the synthetic instances come back', () => {
  const synth = generateSyntheticOcta({ seed: 8, size: [48, 48, 96] });
  const [nx, ny, nz] = synth.volume.dims;
  const truth = synth.vesselInstances.data as Uint16Array;
  const regions = Array.from({ length: nz }, (_, k) =>
    Uint8Array.from(truth.subarray(k * nx * ny, (k + 1) * nx * ny), (v) => (v ? 1 : 0)),
  );
  const enfaceRv = synth.enfaceRv.data as Uint8Array;
  const result = finishLayerVessels({ dims: synth.volume.dims, axis: 2, enfaceRv, regions });
  assert.equal(result.count, synth.meta.vesselCount);
  // The same partition: a one-to-one map between our ids and the generator's.
  const ours = new Map<number, number>();
  const theirs = new Map<number, number>();
  for (let v = 0; v < truth.length; v++) {
    const a = result.instances.data[v];
    const b = truth[v];
    assert.equal(a === 0, b === 0, `voxel ${v}`);
    if (a === 0) continue;
    assert.equal(ours.get(a) ?? b, b);
    assert.equal(theirs.get(b) ?? a, a);
    ours.set(a, b);
    theirs.set(b, a);
  }
  assert.equal(ours.size, synth.meta.vesselCount);

  // Written and read back as the trainer's <name>.vessels.nii.gz: uint16, the volume's geometry.
  const volume = labelVolumeToVolume(result.instances, synth.volume);
  const back = readNifti(writeNifti(volume, { gzip: true, intent: 'label' })).volume;
  assert.equal(back.type, 'uint16');
  assert.deepEqual(back.dims, synth.volume.dims);
  assert.deepEqual(Array.from(back.data), Array.from(result.instances.data));
});

test('bad input gets clear errors', () => {
  const dims = [4, 3, 2] as const;
  const rv = new Uint8Array(12);
  assert.throws(
    () => finishLayerVessels({ dims, axis: 2, enfaceRv: new Uint8Array(5), regions: [null, null] }),
    /layers need 12/,
  );
  assert.throws(
    () => finishLayerVessels({ dims, axis: 2, enfaceRv: rv, regions: [null] }),
    /regions for 1 layers; the volume has 2 along axis k/,
  );
  assert.throws(
    () => finishLayerVessels({ dims, axis: 2, enfaceRv: rv, regions: [null, new Uint8Array(3)] }),
    /layer 1 has 3 pixels/,
  );
});
