import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  REMEMBERED_KEY,
  recallChoices,
  rememberChoices,
  type ChoiceMemento,
} from '../../../../../src/extension/finetune/setup/rememberedChoices';
import {
  DEFAULT_CHOICES,
  defaultRunFolder,
  definitionFromChoices,
  describeChoices,
  type SetupChoices,
} from '../../../../../src/extension/finetune/setup/setupChoices';
import {
  parseTaskDefinition,
  trainerCommandLine,
} from '../../../../../src/extension/finetune/run/taskDefinition';

class Memento implements ChoiceMemento {
  readonly values = new Map<string, unknown>();
  get(key: string): unknown {
    return this.values.get(key);
  }
  async update(key: string, value: unknown): Promise<void> {
    // Like VS Code: stored as JSON, so what comes back is a copy.
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const tinyOnTwoGpus: SetupChoices = {
  data: 'data/octa500/3M/train',
  base: { kind: 'sam', size: 'tiny', checkpoint: 'checkpoints/sam2.1_hiera_tiny.pt' },
  target: 'faz',
  steps: 3000,
  frames: [4, 8],
  loraRank: 16,
  lr: 5e-6,
  device: 'cuda',
  gpus: 2,
  out: 'runs/tiny_faz',
};

test('the choices become a task definition that tasks.json accepts and the trainer runs', () => {
  const definition = definitionFromChoices(tinyOnTwoGpus);
  assert.deepEqual(definition, {
    type: 'samocta2-finetune',
    data: 'data/octa500/3M/train',
    target: 'faz',
    out: 'runs/tiny_faz',
    size: 'tiny',
    modelCheckpoint: 'checkpoints/sam2.1_hiera_tiny.pt',
    steps: 3000,
    frames: [4, 8],
    loraRank: 16,
    lr: 5e-6,
    device: 'cuda',
    gpus: 2,
  });
  const parsed = parseTaskDefinition(JSON.parse(JSON.stringify(definition)));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('; '));
  const line = trainerCommandLine(parsed.definition, 'python');
  assert.deepEqual(line.args.slice(0, 5), [
    '-m',
    'torch.distributed.run',
    '--standalone',
    '--nproc_per_node=2',
    '-m',
  ]);
  assert.ok(line.args.includes('--ddp'));
  // Frame length and rank have no flag of their own: they override the config's values.
  assert.deepEqual(
    line.args.filter((_, i) => line.args[i - 1] === '--set'),
    ['sampling.frames=[4,8]', 'lora.r=16'],
  );
});

test('CPU runs one process whatever the GPU count was; nano has no checkpoint', () => {
  const definition = definitionFromChoices({
    ...tinyOnTwoGpus,
    base: { kind: 'nano' },
    device: 'cpu',
    frames: 6,
  });
  assert.equal(definition.gpus, undefined);
  assert.equal(definition.size, 'nano');
  assert.equal(definition.modelCheckpoint, undefined);
  assert.equal(definition.frames, 6);
  const args = trainerCommandLine(definition, 'python').args;
  assert.deepEqual(args.slice(0, 3), ['-m', 'samocta2', 'train']);
  assert.ok(args.includes('sampling.frames=6'));
  assert.ok(args.includes('--device=cpu'));
});

test("continuing from a bundle keeps the bundle's size and rank, whatever rank was typed before", () => {
  const definition = definitionFromChoices({
    ...tinyOnTwoGpus,
    base: {
      kind: 'bundle',
      bundle: '/models/rv-site-a',
      name: 'rv-site-a',
      size: 'small',
      checkpoint: '/ckpt/sam2.1_hiera_small.pt',
      loraRank: 8,
    },
  });
  assert.equal(definition.continueFrom, '/models/rv-site-a');
  assert.equal(definition.size, 'small');
  assert.equal(definition.loraRank, 8);
  assert.equal(definition.modelCheckpoint, '/ckpt/sam2.1_hiera_small.pt');
  const args = trainerCommandLine(definition, 'python').args;
  assert.ok(args.includes('--init-lora=/models/rv-site-a'), args.join(' '));
  assert.equal(defaultRunFolder(definitionBase(), 'rv'), 'runs/rv-site-a-continued_rv');
});

function definitionBase(): SetupChoices['base'] {
  return { kind: 'bundle', bundle: '/m/rv-site-a', name: 'rv-site-a', size: 'small' };
}

test('the summary line names model, target, steps, GPUs and folder', () => {
  assert.equal(describeChoices(tinyOnTwoGpus), 'tiny · FAZ · 3000 steps · 2 GPUs → runs/tiny_faz');
  assert.match(describeChoices({ ...tinyOnTwoGpus, device: 'cpu' }), /· CPU →/);
});

test('remembered choices come back as stored; nothing stored gives the defaults', async () => {
  const memento = new Memento();
  assert.deepEqual(recallChoices(memento), DEFAULT_CHOICES);
  await rememberChoices(memento, tinyOnTwoGpus);
  assert.deepEqual(recallChoices(memento), tinyOnTwoGpus);
});

test('remembered state that is damaged or from another version falls back field by field', () => {
  const memento = new Memento();
  memento.values.set(REMEMBERED_KEY, {
    data: 'kept/folder',
    base: { kind: 'sam', size: 'huge', checkpoint: 'x.pt' },
    target: 'choroid',
    steps: -3,
    frames: [8, 4],
    loraRank: 1.5,
    lr: 0,
    device: 'tpu',
    gpus: 3,
    out: 42,
    extra: 'ignored',
  });
  const recalled = recallChoices(memento);
  assert.deepEqual(recalled, {
    ...DEFAULT_CHOICES,
    data: 'kept/folder',
    gpus: 3,
  });
  memento.values.set(REMEMBERED_KEY, 'not an object');
  assert.deepEqual(recallChoices(memento), DEFAULT_CHOICES);
});
