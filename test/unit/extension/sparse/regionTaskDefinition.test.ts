import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EDITOR_TRAIN_PRESET,
  layerRanges,
  parseRegionDefinition,
  regionCommandLine,
  type RegionTaskDefinition,
} from '../../../../src/extension/sparse/regionTaskDefinition';
import {
  caseName,
  latestCheckpoint,
  nextRun,
  runNumbers,
  sparseFiles,
} from '../../../../src/extension/sparse/sparseFiles';

test('a train definition becomes region-train with --flag=value arguments', () => {
  const definition: RegionTaskDefinition = {
    type: 'samocta2-region',
    action: 'train',
    data: ['/data/octa', '/data/more'],
    out: '/data/octa/region-runs/run-002',
    init: '/data/octa/region-runs/run-001/checkpoint.pt',
    ...EDITOR_TRAIN_PRESET,
    steps: 40,
    device: 'cpu',
  };
  assert.deepEqual(parseRegionDefinition(definition), { ok: true, definition });
  assert.deepEqual(regionCommandLine(definition, '/venv/bin/python'), {
    command: '/venv/bin/python',
    args: [
      '-m',
      'samocta2',
      'region-train',
      '--data=/data/octa',
      '--data=/data/more',
      '--out=/data/octa/region-runs/run-002',
      '--init=/data/octa/region-runs/run-001/checkpoint.pt',
      '--steps=40',
      '--batch-size=4',
      '--lr=0.001',
      '--roi-size=64',
      '--feature-size=12',
      '--checkpoint-every=50',
      '--device=cpu',
    ],
  });
});

test('a predict definition puts the volumes after --, so a path may start with a dash', () => {
  const definition: RegionTaskDefinition = {
    type: 'samocta2-region',
    action: 'predict',
    inputs: ['-odd name.nii.gz'],
    checkpoint: 'runs/run-001/checkpoint.pt',
    layers: layerRanges([12, 3, 4, 5, 9, 10]),
    axis: 'k',
    device: 'auto',
  };
  assert.ok(parseRegionDefinition(definition).ok);
  assert.deepEqual(regionCommandLine(definition, 'python3').args, [
    '-m',
    'samocta2',
    'region-predict',
    '--checkpoint=runs/run-001/checkpoint.pt',
    '--layers=3-5,9-10,12',
    '--axis=k',
    '--device=auto',
    '--',
    '-odd name.nii.gz',
  ]);
});

test('bad tasks.json entries list every problem', () => {
  const parsed = parseRegionDefinition({
    type: 'samocta2-region',
    action: 'predict',
    steps: 0,
    device: 'tpu',
    layers: '3..5',
    colour: 'red',
  });
  assert.equal(parsed.ok, false);
  const problems = parsed.ok ? [] : parsed.problems.join('\n');
  for (const expected of [
    /"steps" is 0/,
    /"device" is "tpu": supported: auto, cpu, cuda, cuda:N/,
    /"layers" is "3\.\.5"/,
    /unknown field "colour"/,
    /"steps" does not apply to action "predict"/,
    /"inputs" .* is required/,
    /"checkpoint" is required/,
  ]) {
    assert.match(String(problems), expected);
  }
  const train = parseRegionDefinition({ type: 'samocta2-region', action: 'train' });
  assert.ok(!train.ok);
  assert.match(train.problems.join('\n'), /"data" \(the annotation folders\) is required/);
  assert.equal(parseRegionDefinition([]).ok, false);
  assert.equal(parseRegionDefinition({ type: 'samocta2-region', action: 'fly' }).ok, false);
});

test('layerRanges writes the trainer --layers syntax', () => {
  assert.equal(layerRanges([]), '');
  assert.equal(layerRanges([7]), '7');
  assert.equal(layerRanges([5, 1, 2, 3, 3, 8, 9]), '1-3,5,8-9');
});

test('the sparse files sit beside the volume, named after it', () => {
  assert.equal(caseName('scan.nii.gz'), 'scan');
  assert.equal(caseName('scan.NII'), 'scan');
  assert.throws(() => caseName('scan.png'), /not a NIfTI volume/);
  assert.deepEqual(sparseFiles('/d/', 'case-1.nii.gz'), {
    regions: '/d/case-1.regions.nii.gz',
    regionsSidecar: '/d/case-1.regions.json',
    prediction: '/d/case-1.regionprob.nii.gz',
    predictionSidecar: '/d/case-1.regionprob.json',
    vessels: '/d/case-1.vessels.nii.gz',
  });
});

test('runs are numbered; a retrain starts from the newest run with a checkpoint', () => {
  const entries = ['run-002', 'notes', 'run-001', 'run-010', 'run-x'];
  assert.deepEqual(runNumbers(entries), [1, 2, 10]);
  const finished = (run: string) => run !== 'run-010';
  assert.deepEqual(nextRun('/r', entries, finished), {
    out: '/r/run-011',
    init: '/r/run-002/checkpoint.pt',
  });
  assert.deepEqual(nextRun('/r', [], finished), { out: '/r/run-001', init: undefined });
  assert.equal(latestCheckpoint('/r', entries, finished), '/r/run-002/checkpoint.pt');
  assert.equal(
    latestCheckpoint('/r', entries, () => false),
    undefined,
  );
});
