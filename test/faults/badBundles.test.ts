/**
 * Fault suite, bad model bundles: a copy of the parity bundle broken one way at a time (a path
 * out of the bundle, a sha256 mismatch, a truncated graph with or without a matching sha256, a
 * manifest that is cut, of another format or version, a missing file) given to `track`. Each
 * must fail with exit 1 and one message naming the bundle file at fault, before any output is
 * written; nothing outside the bundle is read.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/cli';
import { ensureParityBundle, loadVectors } from '../fixtures/parityVectors';

const scratch = mkdtempSync(join(tmpdir(), 'sam-octa2-bad-bundles-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const source = ensureParityBundle(loadVectors().graphSha256);
const manifestText = readFileSync(join(source, 'manifest.json'), 'utf8');
const volume = join(scratch, 'vol.nii.gz');

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

before(async () => {
  const made = await cli([
    'synth',
    '--size',
    '24x20x8',
    '--seed',
    '2',
    '--out',
    scratch,
    '--name',
    'vol',
  ]);
  assert.equal(made.code, 0, made.err);
});

type Manifest = {
  format: string;
  format_version: unknown;
  graphs: Record<string, { file: string; sha256: string; bytes: number }>;
  files: Record<string, string>;
};

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** name -> [how to break a copy of the bundle, the message expected]. */
const BREAKS: Record<string, [(dir: string, m: Manifest) => void, RegExp]> = {
  'graph path escapes the bundle': [
    (_dir, m) => (m.graphs.mask_decoder.file = '../../../../../../etc/passwd'),
    /manifest\.json: graphs\.mask_decoder\.file "\.\.\/.*" is not a file name inside the bundle/,
  ],
  'absolute graph path': [
    (_dir, m) => (m.graphs.image_encoder.file = '/etc/hostname'),
    /manifest\.json: graphs\.image_encoder\.file "\/etc\/hostname" is not a file name inside/,
  ],
  'files key escapes the bundle': [
    (_dir, m) => (m.files['../x.onnx'] = '0'.repeat(64)),
    /manifest\.json: files key "\.\.\/x\.onnx" is not a file name inside/,
  ],
  'graph bytes damaged (sha256 mismatch)': [
    (dir) => {
      const file = join(dir, 'memory_encoder.onnx');
      const bytes = readFileSync(file);
      bytes[bytes.length >> 1] ^= 0x40;
      writeFileSync(file, bytes);
    },
    /memory_encoder\.onnx: sha256 [0-9a-f]{64} differs from the manifest's graphs\.memory_encoder\.sha256/,
  ],
  'graph truncated': [
    (dir) => {
      const file = join(dir, 'mask_decoder.onnx');
      writeFileSync(file, readFileSync(file).subarray(0, 1000));
    },
    /mask_decoder\.onnx: sha256 .* differs/,
  ],
  'graph truncated, manifest sha256 updated to match': [
    (dir, m) => {
      const file = join(dir, 'memory_attention.onnx');
      const cut = readFileSync(file).subarray(0, 2000);
      writeFileSync(file, cut);
      m.graphs.memory_attention.sha256 = sha(cut);
      m.files['memory_attention.onnx'] = sha(cut);
    },
    /memory_attention\.onnx/,
  ],
  'graphs.X.sha256 and files[X] disagree': [
    (_dir, m) => (m.files['image_encoder.onnx'] = 'f'.repeat(64)),
    /image_encoder\.onnx: sha256 [0-9a-f]{64} differs from the manifest's files\["image_encoder\.onnx"\] f{64}/,
  ],
  'manifest cut short': [
    (dir) =>
      writeFileSync(join(dir, 'manifest.json'), manifestText.slice(0, manifestText.length >> 1)),
    /manifest\.json: not valid JSON/,
  ],
  'format version 2': [
    (_dir, m) => (m.format_version = 2),
    /manifest\.json: bundle format 2, this tracker reads 1/,
  ],
  'format version as a string': [
    (_dir, m) => (m.format_version = '1'),
    /manifest\.json: bundle format "1"/,
  ],
  'another format': [
    (_dir, m) => (m.format = 'onnx-model-zoo'),
    /manifest\.json: format is "onnx-model-zoo"/,
  ],
  'graph missing': [
    (dir) => rmSync(join(dir, 'image_encoder.onnx')),
    /image_encoder\.onnx: missing or unreadable/,
  ],
  'manifest missing': [(dir) => rmSync(join(dir, 'manifest.json')), /manifest\.json/],
};

test(`track refuses ${Object.keys(BREAKS).length} broken bundles with one message naming the file, before writing`, async () => {
  const failures: string[] = [];
  for (const [name, [breakIt, message]] of Object.entries(BREAKS)) {
    const dir = join(scratch, name.replace(/\W+/g, '-'));
    cpSync(source, dir, { recursive: true });
    const manifest = JSON.parse(manifestText) as Manifest;
    writeFileSync(join(dir, 'manifest.json'), manifestText);
    breakIt(dir, manifest);
    if (
      existsSync(join(dir, 'manifest.json')) &&
      readFileSync(join(dir, 'manifest.json'), 'utf8') === manifestText
    ) {
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    }
    const out = join(scratch, `${name.replace(/\W+/g, '-')}.seg.nii.gz`);
    const run = await cli(['track', volume, '--model', dir, '--prompt', '2:5,5', '--out', out]);
    const problems = [
      run.code !== 1 && `exit ${run.code}`,
      !message.test(run.err) && `message ${JSON.stringify(run.err)}`,
      !run.err.includes(dir) && 'the message does not name the bundle',
      /\n\s+at /.test(run.err) && 'a stack trace',
      existsSync(out) && 'an output was written',
    ].filter(Boolean);
    if (problems.length) failures.push(`${name}: ${problems.join('; ')}`);
  }
  console.log(
    `# faults bad bundles: ${Object.keys(BREAKS).length} broken bundles, ${Object.keys(BREAKS).length - failures.length} refused clearly`,
  );
  assert.deepEqual(failures, []);
});
