/**
 * The measures against the synthetic generator's own answers (its meta knows the FAZ and every
 * vessel): FAZ area, centre and depth range, the en-face vessel projection, each vessel's depth
 * range and the total centreline length of its vessel trees.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureVolume } from '../../../../src/core/measure/measureVolume';
import { planeGeometry } from '../../../../src/core/measure/planeGeometry';
import { generateSyntheticOcta } from '../../../../src/core/synth/generateSyntheticOcta';

// OCTA-500's sampling: 3 mm over 304 px, 80 of 640 layers around the large vessels and the FAZ.
const synth = generateSyntheticOcta({ seed: 2, size: [304, 304, 640], layers: [240, 319] });
const { meta } = synth;
const fazLabel = meta.vesselCount + 1;
const labels = Uint16Array.from(synth.vesselInstances.data);
synth.faz3d.data.forEach((v, n) => {
  if (v && !labels[n]) labels[n] = fazLabel;
});
const vessels = meta.vessels.map((v) => v.id);
const geometry = planeGeometry(synth.volume, 2);
const measures = measureVolume({
  geometry,
  labels: { dims: synth.volume.dims, data: labels },
  faz: fazLabel,
  vessels,
});

test("the FAZ: the generator's area, centre and depth range", () => {
  const faz = measures.faz!;
  assert.ok(
    Math.abs(faz.projection.areaMm2 - meta.faz.areaMm2) < 1e-4,
    `${faz.projection.areaMm2}`,
  );
  const [cx, cy] = faz.projection.centroidMm!;
  assert.ok(
    Math.hypot(cx - meta.faz.centreMm[0], cy - meta.faz.centreMm[1]) < 2 * geometry.pixelMm[0],
  );
  assert.deepEqual(faz.depth.layers, meta.faz.layers);
  // A gently lobed disc: nearly circular.
  assert.ok(faz.projection.circularity! > 0.9 && faz.projection.circularity! <= 1.01);
  assert.equal(measures.grid.centredOn, 'faz-centroid');
});

test("the vessel projection is the generator's en-face RV: area density exactly", () => {
  const enface = synth.enfaceRv.data;
  let on = 0;
  for (const v of enface) on += v ? 1 : 0;
  const field = measures.vessels!.projection[0];
  assert.ok(Math.abs(field.vadPercent! - (100 * on) / enface.length) < 1e-9);
  assert.ok(field.vsdPerMm! > 0 && field.vdiUm! > 0 && field.fractalDimension! > 1);
});

test("each vessel: the generator's depth range; all trees: its total centreline length", () => {
  assert.equal(measures.trees.length, meta.vesselCount);
  for (const tree of measures.trees) {
    const truth = meta.vessels.find((v) => v.id === tree.label)!;
    assert.deepEqual(tree.layers, truth.layers, `vessel ${tree.label}`);
    assert.equal(tree.voxels, truth.voxels, `vessel ${tree.label}`);
    assert.ok(tree.tortuosity! >= 1 && tree.tortuosity! < 1.5, `vessel ${tree.label} tortuosity`);
  }
  const measured = measures.trees.reduce((sum, t) => sum + t.centrelineLengthMm, 0);
  const truth = meta.vessels.reduce((sum, v) => sum + v.lengthMm, 0);
  // Thinning stops each free end of a tree about a pixel short, and trees have many twigs: the
  // measured total is a few percent under the generator's (0.94–0.95 over seeds 1–4).
  assert.ok(measured / truth > 0.9 && measured / truth < 1.02, `${measured} mm vs ${truth} mm`);
});
