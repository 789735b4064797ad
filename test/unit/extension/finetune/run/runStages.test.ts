import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bundleName,
  expectedRunFolder,
  stagesAfterTraining,
} from '../../../../../src/extension/finetune/run/runStages';
import {
  runFolderOfCheckpoint,
  withoutMetrics,
} from '../../../../../src/extension/trainerTask/runPlan';

test('the run folder: the definition out, else the trainer default, unknown under a config', () => {
  const def = { type: 'samocta2-finetune' } as const;
  assert.equal(expectedRunFolder({ ...def, out: 'runs/rv1' }, '/ws'), '/ws/runs/rv1');
  assert.equal(expectedRunFolder({ ...def, out: '/abs/run' }, '/ws'), '/abs/run');
  assert.equal(expectedRunFolder({ ...def, data: 'd' }, '/ws'), '/ws/runs/samocta2');
  assert.equal(expectedRunFolder({ ...def, config: 'c.yaml' }, '/ws'), undefined);
  assert.equal(runFolderOfCheckpoint('runs/x/checkpoint.pt', '/ws'), '/ws/runs/x');
  assert.equal(runFolderOfCheckpoint('/abs/x/checkpoint.pt', '/ws'), '/abs/x');
});

test('with a validation folder: a short baseline evaluation, then the export with its metrics', () => {
  const stages = stagesAfterTraining(
    { type: 'samocta2-finetune', data: 'd', valData: 'data/val', device: 'cpu' },
    '/venv/bin/python',
    '/ws/runs/rv1',
  );
  assert.deepEqual(
    stages.map((s) => [s.name, s.optional === true, s.line.command, ...s.line.args]),
    [
      [
        'eval',
        true,
        '/venv/bin/python',
        '-m',
        'samocta2',
        'eval',
        '--checkpoint=/ws/runs/rv1/checkpoint.pt',
        '--data=data/val',
        '--task=sequence',
        '--conditions=baseline',
        '--device=cpu',
        '--out=/ws/runs/rv1/eval',
      ],
      [
        'export',
        false,
        '/venv/bin/python',
        '-m',
        'samocta2',
        'export',
        '--checkpoint=/ws/runs/rv1/checkpoint.pt',
        '--out=/ws/runs/rv1/bundle',
        '--name=samocta2-rv1',
        '--metrics=/ws/runs/rv1/eval/eval.json',
      ],
    ],
  );
  assert.deepEqual(withoutMetrics(stages[1]!).line.args.at(-1), '--name=samocta2-rv1');
});

test('without a validation folder only the export runs; multi-GPU runs export with one process', () => {
  const stages = stagesAfterTraining(
    { type: 'samocta2-finetune', data: 'd', gpus: 4, device: 'cuda' },
    'python3',
    '/ws/runs/samocta2',
  );
  assert.deepEqual(
    stages.map((s) => s.name),
    ['export'],
  );
  assert.equal(stages[0]!.line.command, 'python3');
  assert.ok(!stages[0]!.line.args.some((a) => a.includes('torch.distributed') || a === '--ddp'));
  assert.equal(bundleName('/ws/runs/samocta2'), 'samocta2-finetuned');
});
