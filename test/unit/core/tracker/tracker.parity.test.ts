/**
 * Parity (issue 4, item 2): replaying the trainer's test vectors, the TypeScript tracker's
 * per-layer masks match the PyTorch track with IoU >= tolerance.min_iou (0.99) on every layer,
 * on onnxruntime-node and on onnxruntime-web's WASM backend (in Node), graphs fully optimized.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBundle } from '../../../../src/core/tracker/bundleSessions';
import type { OnnxRuntime } from '../../../../src/core/tracker/onnxRuntime';
import { SamTracker } from '../../../../src/core/tracker/tracker';
import {
  folderSource,
  webWasmRuntime,
  nodeRuntime,
  nodeSha256,
  type OrtModule,
} from '../../../../src/engine/ortNode';
import {
  caseLayers,
  ensureParityBundle,
  iou,
  loadVectors,
  ROOT,
} from '../../../fixtures/parityVectors';

const vectors = loadVectors();
const bundleDir = ensureParityBundle(vectors.graphSha256);

async function webOrt(): Promise<OrtModule> {
  const ort = (await import('onnxruntime-web')) as unknown as OrtModule & {
    env: { wasm: { numThreads: number; wasmPaths: string } };
  };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = join(ROOT, 'node_modules/onnxruntime-web/dist/');
  return ort;
}

async function webWasm(): Promise<OnnxRuntime> {
  return webWasmRuntime(await webOrt());
}

// onnxruntime-web 1.30's optimizer once rejected the exported image encoder ("Can't merge
// shape info", If nodes from Hiera's position-embedding arithmetic); the exporter now bakes
// that embedding in. The shipped bundle is checked too when it is present.
test('image encoders open on onnxruntime-web wasm with graphOptimizationLevel all', async () => {
  const ort = await webOrt();
  const shipped = join(ROOT, 'models/samocta2-nano/image_encoder.onnx');
  const files = [join(bundleDir, 'image_encoder.onnx'), ...(existsSync(shipped) ? [shipped] : [])];
  for (const file of files) {
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(file)), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    try {
      assert.deepEqual(session.inputNames, ['image'], file);
    } finally {
      await session.release();
    }
  }
});

const runtimes: [string, () => Promise<OnnxRuntime>][] = [
  ['onnxruntime-node', () => nodeRuntime(1)],
  ['onnxruntime-web wasm', webWasm],
];

for (const [label, makeRuntime] of runtimes) {
  test(`tracker matches the PyTorch track on ${label}`, async () => {
    const bundle = await loadBundle(folderSource(bundleDir), await makeRuntime(), nodeSha256);
    try {
      for (const c of vectors.cases) {
        const tracker = new SamTracker(bundle, caseLayers(c));
        const started = Date.now();
        const result = await tracker.track(c.prompts, {
          onProgress: (p) =>
            process.env.PARITY_VERBOSE &&
            console.log(`${label} ${c.name} layer ${p.layer} ${p.done}/${p.total}`),
        });
        const seconds = (Date.now() - started) / 1000;
        assert.deepEqual(result.order, c.order, `${c.name}: emission order`);
        const rows: string[] = [];
        for (let f = 0; f < c.shape[0]; f++) {
          const frame = result.frames.get(f);
          assert.ok(frame, `${c.name}: layer ${f} has no result`);
          const layerIou = iou(frame.mask, c.masks[f]);
          let maxDiff = 0;
          for (let i = 0; i < frame.lowRes.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(frame.lowRes[i] - c.lowRes[f][i]));
          }
          rows.push(
            `${f}:IoU=${layerIou.toFixed(4)},dLogit=${maxDiff.toExponential(2)},score=${frame.score.toFixed(4)}/${c.scores[f]}`,
          );
          assert.ok(
            layerIou >= vectors.minIou,
            `${label} ${c.name} layer ${f}: IoU ${layerIou} < ${vectors.minIou}`,
          );
          assert.equal(frame.score > 0, c.scores[f] > 0, `${c.name} layer ${f}: object presence`);
        }
        console.log(
          `# ${label} ${c.name} (${(result.order.length / seconds).toFixed(1)} layers/s incl. encoder): ${rows.join(' ')}`,
        );
      }
    } finally {
      await bundle.release();
    }
  });
}
