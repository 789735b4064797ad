import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nodePreflightProbes } from '../../../../../src/extension/finetune/preflight/nodeProbes';
import { makeNifti } from '../../../../fixtures/makeNifti';

const root = mkdtempSync(join(tmpdir(), 'samocta2-probes-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Node stands in for Python: the probes only run "<interpreter> <script>" and read stdout.
function script(name: string, body: string): string {
  const file = join(root, name);
  writeFileSync(file, body);
  return file;
}

test('the probe script output comes back as is, with the extra environment set', async () => {
  const probeScript = script(
    'ok.js',
    'console.log("noise"); console.log(JSON.stringify({ python: "3.11.7", path: process.env.PYTHONPATH }));',
  );
  const probes = nodePreflightProbes({ probeScript, env: { PYTHONPATH: '/ext/trainer' } });
  const outcome = await probes.runPythonProbe(process.execPath);
  assert.equal(outcome.kind, 'ok');
  assert.ok(outcome.kind === 'ok');
  assert.match(outcome.stdout, /^noise\n\{"python":"3\.11\.7","path":"\/ext\/trainer"\}\n$/);
});

test('a missing interpreter is notFound; a failing one is failed with its last stderr line', async () => {
  const probeScript = script(
    'fail.js',
    'console.error("Traceback\\nModuleNotFoundError: x"); process.exit(3);',
  );
  const probes = nodePreflightProbes({ probeScript, env: {} });
  const missing = await probes.runPythonProbe(join(root, 'no-such-python'));
  assert.equal(missing.kind, 'notFound');
  assert.ok(missing.kind === 'notFound');
  assert.match(missing.detail, /ENOENT/);
  const failed = await probes.runPythonProbe(process.execPath);
  assert.deepEqual(failed, {
    kind: 'failed',
    detail: 'exited with code 3: ModuleNotFoundError: x',
  });
});

test('a probe that hangs is stopped and reported as timed out', async () => {
  const probeScript = script('hang.js', 'setTimeout(() => {}, 60000);');
  const probes = nodePreflightProbes({ probeScript, env: {}, timeoutMs: 300 });
  const outcome = await probes.runPythonProbe(process.execPath);
  assert.equal(outcome.kind, 'failed');
  assert.ok(outcome.kind === 'failed');
  assert.match(outcome.detail, /timed out/);
});

test('folders list files with sizes (symlinks followed, dangling ones left out) and subfolders', async () => {
  const data = join(root, 'data');
  mkdirSync(join(data, 'train'), { recursive: true });
  writeFileSync(join(data, 'a.nii.gz'), Uint8Array.from([0x1f, 0x8b, 8, 0, 1]));
  symlinkSync(join(data, 'a.nii.gz'), join(data, 'b.nii.gz'));
  symlinkSync(join(data, 'gone.nii.gz'), join(data, 'c.nii.gz'));
  const probes = nodePreflightProbes({ probeScript: '', env: {} });
  const entries = [...(await probes.listFolder(data))].sort((x, y) => x.name.localeCompare(y.name));
  assert.deepEqual(entries, [
    { name: 'a.nii.gz', isFile: true, isDirectory: false, size: 5 },
    { name: 'b.nii.gz', isFile: true, isDirectory: false, size: 5 },
    { name: 'train', isFile: false, isDirectory: true, size: entries[2]!.size },
  ]);
  assert.deepEqual([...(await probes.readHead(join(data, 'a.nii.gz'), 2))], [0x1f, 0x8b]);
  assert.deepEqual([...(await probes.readHead(join(data, 'a.nii.gz'), 16))], [0x1f, 0x8b, 8, 0, 1]);
  await assert.rejects(probes.listFolder(join(root, 'missing')), /ENOENT/);
});

test('stat is undefined for nothing; writability and free space are checked where the run goes', async () => {
  const probes = nodePreflightProbes({ probeScript: '', env: {} });
  assert.equal(await probes.stat(join(root, 'nothing.pt')), undefined);
  const file = join(root, 'file.pt');
  writeFileSync(file, 'PK');
  assert.deepEqual(await probes.stat(file), { isFile: true, isDirectory: false, size: 2 });

  const out = join(root, 'runs', 'new');
  assert.equal(await probes.tryWrite(out), undefined);
  assert.deepEqual((await probes.listFolder(out)).length, 0, 'the test file is removed');
  // Below a file no folder can be made, whoever runs the test (root ignores permissions).
  assert.match((await probes.tryWrite(join(file, 'sub'))) ?? '', /ENOTDIR|EEXIST/);

  const free = await probes.freeBytes(join(root, 'not', 'yet', 'made'));
  assert.ok(typeof free === 'number' && free > 0, String(free));
});

test('the largest id of a label file is read through the editor loader; a broken one says why', async () => {
  const probes = nodePreflightProbes({ probeScript: '', env: {} });
  const values = [0, 0, 3, 1, 0, 2, 0, 0];
  writeFileSync(join(root, 'v.label.nii.gz'), makeNifti({ dims3: [2, 2, 2], values, gzip: true }));
  assert.equal(await probes.maxLabelId(join(root, 'v.label.nii.gz')), 3);
  writeFileSync(
    join(root, 'f.label.nii'),
    makeNifti({ dims3: [2, 2, 2], values: [0, 1, 1, 0, 0, 0, 0, 0] }),
  );
  assert.equal(await probes.maxLabelId(join(root, 'f.label.nii')), 1);
  writeFileSync(join(root, 'bad.label.nii.gz'), 'not a nifti');
  await assert.rejects(
    probes.maxLabelId(join(root, 'bad.label.nii.gz')),
    /bad\.label\.nii\.gz|NIfTI/,
  );
});
