/**
 * Bundle validation on load (issue 4, item 1): manifest format and version, graph files
 * present with the manifest's sha256, sessions whose inputs match the manifest. Every failure
 * is a BundleError naming the file. Uses a copy of the parity bundle, damaged on purpose.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkSignature, loadBundle } from '../../../../src/core/tracker/bundleSessions';
import {
  BundleError,
  parseManifest,
  type BundleManifest,
} from '../../../../src/core/tracker/modelBundle';
import type { RuntimeSession } from '../../../../src/core/tracker/onnxRuntime';
import { folderSource, nodeRuntime, nodeSha256 } from '../../../../src/engine/ortNode';
import { ensureParityBundle, loadVectors } from '../../../fixtures/parityVectors';

const source = ensureParityBundle(loadVectors().graphSha256);
const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-bundle-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const manifestText = readFileSync(join(source, 'manifest.json'), 'utf8');

function copy(name: string): string {
  const dir = join(scratch, name);
  cpSync(source, dir, { recursive: true });
  return dir;
}

function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): void {
  const m = JSON.parse(manifestText) as Record<string, unknown>;
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
}

async function loadError(dir: string): Promise<BundleError> {
  try {
    const bundle = await loadBundle(folderSource(dir), await nodeRuntime(), nodeSha256);
    await bundle.release();
  } catch (error) {
    assert.ok(error instanceof BundleError, `expected a BundleError, got ${String(error)}`);
    return error;
  }
  assert.fail('the bundle loaded');
}

test('the parity bundle loads and its sessions match the manifest', async () => {
  const bundle = await loadBundle(folderSource(source), await nodeRuntime(), nodeSha256);
  assert.equal(bundle.manifest.model.image_size, 256);
  assert.deepEqual(Object.keys(bundle.sessions).sort(), [
    'image_encoder',
    'mask_decoder',
    'memory_attention',
    'memory_encoder',
  ]);
  await bundle.release();
});

test('another format version is refused with the versions named', async () => {
  const dir = copy('version');
  editManifest(dir, (m) => (m.format_version = 2));
  const error = await loadError(dir);
  assert.equal(error.file, 'manifest.json');
  assert.match(error.message, /bundle format 2, this tracker reads 1/);
  assert.throws(() => parseManifest('{"format": "something-else"}'), /"samocta2-model-bundle"/);
  assert.throws(() => parseManifest('not json'), /manifest.json: not valid JSON/);
});

test('a missing graph file is named', async () => {
  const dir = copy('missing');
  rmSync(join(dir, 'memory_encoder.onnx'));
  const error = await loadError(dir);
  assert.equal(error.file, 'memory_encoder.onnx');
  assert.match(error.message, /missing or unreadable/);
});

test('a damaged graph fails its sha256 check', async () => {
  const dir = copy('damaged');
  const file = join(dir, 'mask_decoder.onnx');
  const bytes = readFileSync(file);
  bytes[bytes.length - 10] ^= 0xff;
  writeFileSync(file, bytes);
  const error = await loadError(dir);
  assert.equal(error.file, 'mask_decoder.onnx');
  assert.match(error.message, /sha256 [0-9a-f]{64} differs from the manifest's/);
});

test('a manifest file path outside the bundle is refused before anything is read (issue #15)', () => {
  for (const bad of ['../../../etc/passwd', '/etc/passwd', 'a/../../x.onnx', 'C:\\x.onnx', '']) {
    const m = JSON.parse(manifestText) as { graphs: Record<string, { file: string }> };
    m.graphs.mask_decoder.file = bad;
    assert.throws(
      () => parseManifest(JSON.stringify(m)),
      /graphs.mask_decoder.file .* is not a file name inside the bundle folder/,
      JSON.stringify(bad),
    );
  }
  const m = JSON.parse(manifestText) as { files: Record<string, string> };
  m.files['../secret'] = 'ab';
  assert.throws(
    () => parseManifest(JSON.stringify(m)),
    /files key "..\/secret" is not a file name/,
  );
});

test('when graphs.X.sha256 and files[X] disagree, the message names the record that differs', async () => {
  const dir = copy('two-hashes');
  editManifest(dir, (m) => {
    const files = m.files as Record<string, string>;
    files['mask_decoder.onnx'] = '0'.repeat(64);
  });
  const error = await loadError(dir);
  assert.equal(error.file, 'mask_decoder.onnx');
  assert.match(error.message, /differs from the manifest's files\["mask_decoder.onnx"\] 0{64}/);
  const [, digest, expected] = /sha256 ([0-9a-f]{64}) differs from .* ([0-9a-f]{64})/.exec(
    error.message,
  )!;
  assert.notEqual(digest, expected);
});

test('a manifest without a required number is refused', () => {
  const m = JSON.parse(manifestText) as { model: Record<string, unknown> };
  delete m.model.hidden_dim;
  assert.throws(
    () => parseManifest(JSON.stringify(m)),
    /model.hidden_dim must be a positive whole number/,
  );
});

test('session signature: names, dtypes and fixed dimensions must match the manifest', () => {
  const manifest = JSON.parse(manifestText) as BundleManifest;
  const spec = manifest.graphs.memory_encoder;
  const session = (
    inputInfo: RuntimeSession['inputInfo'],
    inputNames = spec.inputs.map((t) => t.name),
  ): RuntimeSession => ({
    inputNames,
    outputNames: spec.outputs.map((t) => t.name),
    inputInfo,
    run: () => Promise.resolve({}),
    release: () => Promise.resolve(),
  });
  checkSignature(
    spec,
    session(spec.inputs.map((t) => ({ name: t.name, type: t.dtype, shape: t.shape }))),
  );
  assert.throws(
    () => checkSignature(spec, session(undefined, ['image_embed', 'masks'])),
    /memory_encoder.onnx: inputs are/,
  );
  assert.throws(
    () =>
      checkSignature(spec, session([{ name: 'masks', type: 'float32', shape: [1, 1, 32, 32] }])),
    /input 'masks' has shape \[1, 1, 32, 32\], the manifest says \[1, 1, 64, 64\]/,
  );
  assert.throws(
    () => checkSignature(spec, session([{ name: 'is_prompted', type: 'int64', shape: [1] }])),
    /input 'is_prompted' is int64, the manifest says float32/,
  );
});
