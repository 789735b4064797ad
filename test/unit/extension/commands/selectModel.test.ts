import { Uri, recorded, resetMock } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { registerSelectModel } from '../../../../src/extension/commands/selectModel';

beforeEach(() => resetMock());

function chooser() {
  const calls: string[] = [];
  registerSelectModel({
    models: async () =>
      [
        { id: 'file:///m/a', name: 'a', size: 'nano', source: 'extension', uri: Uri.file('/m/a') },
      ] as never,
    choose: async (id) => void calls.push(`active ${id}`),
    chooseEverywhere: async (id) => void calls.push(`everywhere ${id}`),
  });
  return { calls, run: recorded.commands.get('samOcta2.selectModel')! };
}

test('from the palette: a pick for the active editor', async () => {
  const { calls, run } = chooser();
  await run();
  assert.deepEqual(calls, ['active file:///m/a']);
});

test('with a bundle id (after fine-tuning): no pick, every open editor switches', async () => {
  const { calls, run } = chooser();
  recorded.quickPick = () => assert.fail('no pick is shown');
  await run('file:///ws/runs/rv1/bundle');
  assert.deepEqual(calls, ['everywhere file:///ws/runs/rv1/bundle']);
  // A menu passing a resource Uri is not a model id.
  recorded.quickPick = (items) => items[0];
  await run(Uri.file('/ws/a.nii.gz'));
  assert.deepEqual(calls.at(-1), 'active file:///m/a');
});
