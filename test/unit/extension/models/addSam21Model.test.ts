import { Uri, recorded, resetMock, workspace } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { addSam21ModelCommand, type AddSam21Deps } from '../../../../src/extension/models/addSam21Model';
import {
  DownloadCancelled,
  DownloadError,
  type DownloadRequest,
} from '../../../../src/extension/models/checkpointDownload';
import { sam21Checkpoint } from '../../../../src/extension/models/sam21Checkpoints';
import type { Sam21ExportPlan } from '../../../../src/extension/models/sam21Export';

let root: string;

beforeEach(() => {
  resetMock();
  root = mkdtempSync(join(tmpdir(), 'sam-octa2-add-sam21-'));
  workspace.workspaceFolders = [{ uri: Uri.file(join(root, 'ws')), name: 'ws', index: 0 }];
  // The user: tiny, download, 512 px, the workspace (each pick by what its items hold).
  recorded.quickPick = (items) =>
    (items as Record<string, unknown>[]).find(
      (i) =>
        i.size === 'tiny' ||
        i.source === 'download' ||
        i.side === 512 ||
        String(i.label).includes('workspace'),
    );
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Deps that record what the command asked for; `download` and the export can be replaced. */
function fakeDeps(overrides: Partial<AddSam21Deps> = {}) {
  const calls = {
    downloads: [] as DownloadRequest[],
    exports: [] as Sam21ExportPlan[],
    added: [] as string[],
    used: [] as string[],
  };
  const deps: AddSam21Deps = {
    checkpointFolder: join(root, 'storage', 'checkpoints'),
    storageModels: join(root, 'storage', 'models'),
    env: {},
    download: async (request) => void calls.downloads.push(request),
    exportBundle: async (plan) => {
      calls.exports.push(plan);
      return { code: 0 };
    },
    addModelFolder: async (bundle) => void calls.added.push(bundle),
    useModel: async (bundle) => void calls.used.push(bundle),
    ...overrides,
  };
  return { deps, calls };
}

test("download, export and the picker: Meta's file with its pinned digest becomes sam2.1-tiny-512", async () => {
  const { deps, calls } = fakeDeps();
  recorded.messageAnswer = 'Use in Open Editors';
  await addSam21ModelCommand(deps)();
  const tiny = sam21Checkpoint('tiny');
  const dest = join(deps.checkpointFolder, 'sam2.1_hiera_tiny.pt');
  assert.equal(calls.downloads.length, 1);
  assert.equal(calls.downloads[0]!.url, tiny.url);
  assert.equal(calls.downloads[0]!.sha256, tiny.sha256);
  assert.equal(calls.downloads[0]!.dest, dest);
  const out = join(root, 'ws', 'models', 'sam2.1-tiny-512');
  assert.deepEqual(calls.exports, [
    { checkpoint: dest, size: 'tiny', imageSize: 512, out, name: 'sam2.1-tiny-512' },
  ]);
  assert.deepEqual(calls.added, [out]);
  assert.match(recorded.infos.at(-1) ?? '', /SAM 2\.1 model ready: sam2\.1-tiny-512/);
  assert.deepEqual(calls.used, [out]);
  // The download's notification can be cancelled.
  assert.equal(recorded.progress[0]?.options.cancellable, true);
});

test('offline: the error says so and offers the file road, which takes a confirmed foreign file', async () => {
  const own = join(root, 'my-sam2.1-tiny.pt');
  writeFileSync(own, 'not the released bytes');
  const { deps, calls } = fakeDeps({
    download: async () => {
      throw new DownloadError(
        'cannot reach dl.fbaipublicfiles.com (ENOTFOUND): offline',
        'offline',
      );
    },
  });
  recorded.messageAnswer = 'Use a File on Disk…';
  recorded.openDialog = () => [Uri.file(own)];
  recorded.warningAnswer = (buttons) => buttons.find((b) => b === 'Export Anyway');
  await addSam21ModelCommand(deps)();
  assert.match(recorded.errors[0] ?? '', /could not download sam2\.1_hiera_tiny\.pt: .*ENOTFOUND/);
  assert.deepEqual(recorded.messageButtons[0], ['Use a File on Disk…']);
  assert.match(
    recorded.warnings[0]?.message ?? '',
    /is not Meta's released sam2\.1_hiera_tiny\.pt/,
  );
  assert.equal(recorded.warnings[0]?.modal, true);
  assert.equal(calls.exports[0]?.checkpoint, own);
});

test('a foreign file is not exported unless confirmed', async () => {
  const own = join(root, 'other.pt');
  writeFileSync(own, 'x');
  recorded.quickPick = (items) =>
    (items as Record<string, unknown>[]).find(
      (i) => i.size === 'small' || i.source === 'file' || i.side === 1024 || i.out !== undefined,
    );
  recorded.openDialog = () => [Uri.file(own)];
  const { deps, calls } = fakeDeps();
  await addSam21ModelCommand(deps)();
  assert.equal(recorded.warnings.length, 1);
  assert.deepEqual(calls.exports, []);
  assert.deepEqual(calls.downloads, []);
});

test('Cancel keeps the partial download and says how to resume; nothing is exported', async () => {
  const { deps, calls } = fakeDeps({
    download: async (request) => {
      throw new DownloadCancelled(`${request.dest}.part`);
    },
  });
  await addSam21ModelCommand(deps)();
  assert.match(recorded.infos[0] ?? '', /download stopped.*\.part; run Add SAM 2\.1 Model again/);
  assert.deepEqual(calls.exports, []);
});

test("a failed export shows the trainer's error and adds nothing", async () => {
  const { deps, calls } = fakeDeps({
    exportBundle: async () => ({ code: 2, error: "No module named 'sam2'" }),
  });
  await addSam21ModelCommand(deps)();
  assert.match(
    recorded.errors[0] ?? '',
    /exporting sam2\.1-tiny-512 failed: No module named 'sam2'/,
  );
  assert.deepEqual(calls.added, []);
});

test('an untrusted workspace asks nothing and says why', async () => {
  workspace.isTrusted = false;
  try {
    const { deps, calls } = fakeDeps();
    recorded.quickPick = () => assert.fail('no question in an untrusted workspace');
    await addSam21ModelCommand(deps)();
    assert.match(recorded.errors[0] ?? '', /untrusted workspaces/);
    assert.deepEqual(calls.downloads, []);
  } finally {
    workspace.isTrusted = true;
  }
});
