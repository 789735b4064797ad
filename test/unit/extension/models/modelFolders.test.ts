import { ConfigurationTarget, Uri, recorded, resetMock, workspace } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import {
  addModelFolder,
  bundleModelId,
  useModelEverywhere,
  withModelFolder,
} from '../../../../src/extension/models/modelFolders';

beforeEach(() => resetMock());

test('a bundle is added unless an entry lists it already (itself, or its folder of bundles)', () => {
  assert.deepEqual(withModelFolder([], '/ws/runs/rv1/bundle'), ['/ws/runs/rv1/bundle']);
  assert.deepEqual(withModelFolder(['/m'], '/ws/runs/rv1/bundle'), ['/m', '/ws/runs/rv1/bundle']);
  assert.equal(withModelFolder(['/ws/runs/rv1/bundle/'], '/ws/runs/rv1/bundle'), undefined);
  assert.equal(withModelFolder(['/ws/runs/rv1'], '/ws/runs/rv1/bundle'), undefined);
  assert.deepEqual(withModelFolder(['/ws/runs'], '/ws/runs/rv1/bundle'), [
    '/ws/runs',
    '/ws/runs/rv1/bundle',
  ]);
});

test('the workspace setting gets the bundle, keeping the user entries it would otherwise hide', async () => {
  workspace.workspaceFolders = [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }];
  recorded.configurationScopes.global['samOcta2.modelPaths'] = ['/home/models'];
  recorded.configuration['samOcta2.modelPaths'] = ['/home/models'];
  await addModelFolder('/ws/runs/rv1/bundle');
  assert.deepEqual(recorded.configUpdates, [
    {
      key: 'samOcta2.modelPaths',
      value: ['/home/models', '/ws/runs/rv1/bundle'],
      target: ConfigurationTarget.Workspace,
    },
  ]);
  // The same bundle again (a resumed run): nothing changes.
  await addModelFolder('/ws/runs/rv1/bundle');
  assert.equal(recorded.configUpdates.length, 1);
});

test('without a workspace folder the user setting gets it', async () => {
  await addModelFolder('/tmp/run/bundle');
  assert.deepEqual(recorded.configUpdates, [
    { key: 'samOcta2.modelPaths', value: ['/tmp/run/bundle'], target: ConfigurationTarget.Global },
  ]);
});

test('open editors switch through the model picker command with the catalog id', async () => {
  await useModelEverywhere('/ws/runs/rv1/bundle');
  assert.deepEqual(recorded.executed, [['samOcta2.selectModel', 'file:///ws/runs/rv1/bundle']]);
  assert.equal(bundleModelId('/ws/runs/rv1/bundle'), Uri.file('/ws/runs/rv1/bundle').toString());
});
