import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FINETUNE_TASK_TYPE,
  parseTaskDefinition,
  trainerCommandLine,
  type FinetuneTaskDefinition,
} from '../../../../../src/extension/finetune/run/taskDefinition';

function parsed(raw: Record<string, unknown>): FinetuneTaskDefinition {
  const result = parseTaskDefinition({ type: FINETUNE_TASK_TYPE, ...raw });
  assert.ok(result.ok, result.ok ? '' : result.problems.join('; '));
  return result.definition;
}

function problemsOf(raw: unknown): string {
  const result = parseTaskDefinition(raw);
  assert.equal(result.ok, false, `expected ${JSON.stringify(raw)} to be rejected`);
  return result.ok ? '' : result.problems.join('\n');
}

test('every field becomes its trainer flag, in the trainer spelling', () => {
  const definition = parsed({
    config: 'trainer/configs/tiny_octa500_rv.yaml',
    data: 'data/train',
    valData: 'data/val',
    target: 'faz',
    out: 'runs/faz',
    size: 'base_plus',
    modelCheckpoint: 'ckpt/sam2.1_hiera_base_plus.pt',
    imageSize: 512,
    steps: 300,
    batchSize: 2,
    gradAccum: 4,
    lr: 5e-6,
    seed: 7,
    device: 'cuda:1',
    checkpointEvery: 50,
    valEvery: 0,
    bf16: true,
    activationCheckpointing: true,
    resume: true,
  });
  const line = trainerCommandLine(definition, '/venv/bin/python');
  assert.equal(line.command, '/venv/bin/python');
  assert.deepEqual(line.args, [
    '-m',
    'samocta2',
    'train',
    '--config=trainer/configs/tiny_octa500_rv.yaml',
    '--data=data/train',
    '--val-data=data/val',
    '--target=faz',
    '--out=runs/faz',
    '--size=base_plus',
    '--model-checkpoint=ckpt/sam2.1_hiera_base_plus.pt',
    '--image-size=512',
    '--steps=300',
    '--batch-size=2',
    '--grad-accum=4',
    '--lr=0.000005',
    '--seed=7',
    '--device=cuda:1',
    '--checkpoint-every=50',
    '--val-every=0',
    '--bf16',
    '--activation-checkpointing',
    '--resume',
  ]);
});

test('unset fields pass no flag, so the trainer defaults (or the config YAML) apply', () => {
  const line = trainerCommandLine(parsed({ data: 'd' }), 'python3');
  assert.deepEqual(line.args, ['-m', 'samocta2', 'train', '--data=d']);
});

test('false switches override a config YAML instead of being dropped; resume=false passes nothing', () => {
  const line = trainerCommandLine(
    parsed({ data: 'd', bf16: false, activationCheckpointing: false, resume: false }),
    'python3',
  );
  assert.deepEqual(line.args, [
    '-m',
    'samocta2',
    'train',
    '--data=d',
    '--set',
    'train.bf16=false',
    '--set',
    'train.activation_checkpointing=false',
  ]);
});

test('a path starting with "-" stays a value', () => {
  const line = trainerCommandLine(parsed({ data: '-odd name/train' }), 'python3');
  assert.ok(line.args.includes('--data=-odd name/train'));
});

test('several GPUs run the trainer under torchrun with --ddp, with the same interpreter', () => {
  const line = trainerCommandLine(parsed({ data: 'd', gpus: 4, device: 'cuda' }), '/py');
  assert.equal(line.command, '/py');
  assert.deepEqual(line.args, [
    '-m',
    'torch.distributed.run',
    '--standalone',
    '--nproc_per_node=4',
    '-m',
    'samocta2',
    'train',
    '--data=d',
    '--device=cuda',
    '--ddp',
  ]);
  const one = trainerCommandLine(parsed({ data: 'd', gpus: 1 }), '/py');
  assert.deepEqual(one.args, ['-m', 'samocta2', 'train', '--data=d']);
});

test('VS Code task keys are accepted and dropped from the definition', () => {
  const definition = parsed({ data: 'd', label: 'fine-tune', problemMatcher: [] });
  assert.deepEqual(definition, { type: FINETUNE_TASK_TYPE, data: 'd' });
});

test('bad values are rejected with what is wrong and what is supported', () => {
  const base = { type: FINETUNE_TASK_TYPE, data: 'd' };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ target: 'vessels' }, /"target" is "vessels"; supported: rv, faz/],
    [{ size: 'huge' }, /"size" is "huge"; supported: nano, tiny, small, base_plus, large/],
    [{ steps: 0 }, /"steps" is 0; expected a whole number of at least 1/],
    [{ steps: 2.5 }, /"steps" is 2.5/],
    [{ batchSize: '2' }, /"batchSize" is "2"/],
    [{ imageSize: 500 }, /"imageSize" is 500; .*multiple of 32/],
    [{ lr: -1 }, /"lr" is -1; expected a positive number/],
    [{ lr: Number.NaN }, /"lr"/],
    [{ seed: -1 }, /"seed" is -1; expected a whole number of at least 0/],
    [{ valEvery: -5 }, /"valEvery" is -5/],
    [{ device: 'gpu' }, /"device" is "gpu"; supported: auto, cpu, cuda, cuda:N/],
    [{ bf16: 'yes' }, /"bf16" is "yes"; expected true or false/],
    [{ out: '' }, /"out" must be a non-empty path/],
    [{ gpus: 0 }, /"gpus" is 0/],
    [{ gpus: 2, device: 'cpu' }, /"gpus" is 2 but "device" is "cpu"/],
    [{ gpus: 2, device: 'cuda:0' }, /pins one GPU/],
    [{ stepz: 10 }, /unknown field "stepz"; supported: .*steps/],
  ];
  for (const [extra, expected] of cases) {
    assert.match(problemsOf({ ...base, ...extra }), expected, JSON.stringify(extra));
  }
});

test('the training folder is required unless a config file gives it', () => {
  assert.match(problemsOf({ type: FINETUNE_TASK_TYPE }), /"data" .* is required/);
  assert.ok(parseTaskDefinition({ type: FINETUNE_TASK_TYPE, config: 'c.yaml' }).ok);
});

test('anything but an object of the right type is rejected', () => {
  assert.match(problemsOf(null), /must be an object/);
  assert.match(problemsOf(['samocta2-finetune']), /must be an object/);
  assert.match(problemsOf({ type: 'shell', data: 'd' }), /"type" must be "samocta2-finetune"/);
});

test('several problems are all reported at once', () => {
  const text = problemsOf({ type: FINETUNE_TASK_TYPE, data: 'd', steps: -1, size: 'xl' });
  assert.match(text, /"steps"/);
  assert.match(text, /"size"/);
});
