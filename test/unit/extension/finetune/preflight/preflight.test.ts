import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  preflightProblems,
  runPreflight,
  type PreflightProbes,
} from '../../../../../src/extension/finetune/preflight/preflight';
import type { PreflightResult } from '../../../../../src/extension/finetune/preflight/preflightResult';
import type { PythonProbeOutcome } from '../../../../../src/extension/finetune/preflight/pythonProbeReport';
import {
  FINETUNE_TASK_TYPE,
  type FinetuneTaskDefinition,
} from '../../../../../src/extension/finetune/run/taskDefinition';
import { installCommand } from '../../../../../src/extension/finetune/preflight/environmentChecks';

const GZ = [0x1f, 0x8b, 0x08, 0x00];
const PK = [0x50, 0x4b, 0x03, 0x04];
const MB = 1_000_000;

interface FakeFile {
  size: number;
  head: number[];
}

/** A fake disk, Python and OS behind the preflight's probes. */
class Fake implements PreflightProbes {
  files = new Map<string, FakeFile>();
  folders = new Set<string>(['/ws', '/ws/runs']);
  unwritable = new Map<string, string>();
  free: number | undefined = 100_000 * MB;
  pythonOutcome: PythonProbeOutcome = { kind: 'ok', stdout: JSON.stringify(pythonReport()) };
  headReads: string[] = [];
  /** The largest id in each label file whose ids are read; others cannot be decoded. */
  labelMax = new Map<string, number>();

  file(path: string, head: number[], size = 1000): this {
    this.files.set(path, { size, head });
    for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
      this.folders.add(path.slice(0, end));
    }
    return this;
  }
  async runPythonProbe(): Promise<PythonProbeOutcome> {
    return this.pythonOutcome;
  }
  async listFolder(path: string) {
    if (!this.folders.has(path))
      throw new Error(`ENOENT: no such file or directory, scandir '${path}'`);
    const entries = [...this.files]
      .filter(([p]) => p.slice(0, p.lastIndexOf('/')) === path)
      .map(([p, f]) => ({
        name: p.slice(path.length + 1),
        isFile: true,
        isDirectory: false,
        size: f.size,
      }));
    const subfolders = [...this.folders]
      .filter((f) => f.slice(0, f.lastIndexOf('/')) === path)
      .map((f) => ({ name: f.slice(path.length + 1), isFile: false, isDirectory: true, size: 0 }));
    return [...entries, ...subfolders];
  }
  async readHead(path: string, bytes: number): Promise<Uint8Array> {
    this.headReads.push(path);
    const file = this.files.get(path);
    if (!file) throw new Error(`ENOENT ${path}`);
    return Uint8Array.from(file.head.slice(0, bytes));
  }
  async maxLabelId(path: string): Promise<number> {
    const max = this.labelMax.get(path);
    if (max === undefined) throw new Error(`not a NIfTI file`);
    return max;
  }
  async stat(path: string) {
    const file = this.files.get(path);
    if (file) return { isFile: true, isDirectory: false, size: file.size };
    if (this.folders.has(path)) return { isFile: false, isDirectory: true, size: 0 };
    return undefined;
  }
  async tryWrite(folder: string): Promise<string | undefined> {
    return this.unwritable.get(folder);
  }
  async freeBytes(): Promise<number | undefined> {
    return this.free;
  }
}

function pythonReport(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    python: '3.11.7',
    executable: '/venv/bin/python',
    python_ok: true,
    packages: {
      torch: '2.14.1+cu130',
      torchvision: '0.29.1',
      sam2: '1.1.0',
      peft: '0.21.2',
      numpy: '2.4.6',
      scipy: '1.17.1',
      nibabel: '5.4.2',
      pyyaml: '6.0.4',
      samocta2: '0.1.0',
    },
    cuda: {
      available: true,
      device_count: 2,
      devices: [
        { name: 'NVIDIA H100', memory_mb: 81559 },
        { name: 'NVIDIA H100', memory_mb: 81559 },
      ],
      error: null,
    },
    ...overrides,
  };
}

/** A valid two-case vessel dataset in /ws/data and the released tiny weights. */
function healthy(): Fake {
  return new Fake()
    .file('/ws/data/a.nii.gz', GZ)
    .file('/ws/data/a.vessels.nii.gz', GZ)
    .file('/ws/data/b.nii.gz', GZ)
    .file('/ws/data/b.label.nii.gz', GZ)
    .file('/ws/data/notes.txt', [0x68])
    .file('/ws/ckpt/sam2.1_hiera_tiny.pt', PK, 156 * MB);
}

const BASE: FinetuneTaskDefinition = {
  type: FINETUNE_TASK_TYPE,
  data: 'data',
  out: 'runs/a',
  size: 'tiny',
  modelCheckpoint: 'ckpt/sam2.1_hiera_tiny.pt',
  steps: 100,
};

async function preflight(
  fake: Fake,
  definition: Partial<FinetuneTaskDefinition> = {},
  python = '/venv/bin/python',
): Promise<PreflightResult[]> {
  return runPreflight(
    {
      definition: { ...BASE, ...definition },
      python,
      trainerFolder: '/ext/trainer',
      platform: 'linux',
      resolvePath: (p) => (p.startsWith('/') ? p : `/ws/${p}`),
    },
    fake,
  );
}

/** The one failure of `check`, asserting that every other check passed. */
function onlyFailure(results: PreflightResult[], check: string) {
  const problems = preflightProblems(results);
  assert.deepEqual(
    problems.map((p) => p.check),
    [check],
    JSON.stringify(problems, null, 1),
  );
  return problems[0]!;
}

test('a healthy setup passes every check, each with a summary', async () => {
  const results = await preflight(healthy());
  assert.deepEqual(
    results.map((r) => r.check),
    ['python', 'packages', 'cuda', 'baseModel', 'dataset', 'runFolder', 'output', 'disk'],
  );
  assert.deepEqual(preflightProblems(results), []);
  const dataset = results.find((r) => r.check === 'dataset')!;
  assert.ok(dataset.ok);
  assert.match(dataset.summary, /2 volume\(s\), 2 with 3D vessel labels/);
});

test('no Python: one failure naming the interpreter and the setting, nothing else runs', async () => {
  const fake = healthy();
  fake.pythonOutcome = { kind: 'notFound', detail: 'spawn python3 ENOENT' };
  const results = await preflight(fake, {}, 'python3');
  assert.equal(results.length, 1);
  const problem = onlyFailure(results, 'python');
  assert.match(problem.problem, /Python was not found at "python3" \(spawn python3 ENOENT\)/);
  assert.match(problem.nextStep, /samOcta2\.pythonPath/);
});

test('a Python that crashes, prints garbage, or is too old fails the python check', async () => {
  const cases: [PythonProbeOutcome, RegExp][] = [
    [
      { kind: 'failed', detail: 'exit code 1: SyntaxError' },
      /did not run the trainer's probe: exit code 1/,
    ],
    [{ kind: 'ok', stdout: 'Traceback (most recent call last)\n' }, /printed no JSON report/],
    [{ kind: 'ok', stdout: '{"python": 3' }, /not valid JSON/],
    [
      { kind: 'ok', stdout: JSON.stringify(pythonReport({ python: '3.9.1', python_ok: false })) },
      /Python 3\.9\.1; the trainer needs Python 3\.11 or newer/,
    ],
  ];
  for (const [outcome, expected] of cases) {
    const fake = healthy();
    fake.pythonOutcome = outcome;
    const problem = onlyFailure(await preflight(fake), 'python');
    assert.match(problem.problem, expected);
  }
});

test('missing packages: the exact install command, offered to run in a terminal', async () => {
  const fake = healthy();
  const report = pythonReport();
  const packages = report.packages as Record<string, string | null>;
  packages.sam2 = null;
  packages.peft = null;
  fake.pythonOutcome = { kind: 'ok', stdout: 'some warning\n' + JSON.stringify(report) };
  const problem = onlyFailure(await preflight(fake), 'packages');
  assert.match(problem.problem, /lacks sam2, peft$/);
  assert.match(
    problem.nextStep,
    /dependencies: \/venv\/bin\/python -m pip install -e \/ext\/trainer$/,
  );
  assert.deepEqual(problem.fix, {
    kind: 'runInTerminal',
    command: '/venv/bin/python -m pip install -e /ext/trainer',
  });
});

test('without torch, only the packages check fails (no CUDA noise) and mentions the CUDA build', async () => {
  const fake = healthy();
  const report = pythonReport({
    cuda: { available: false, device_count: 0, devices: [], error: 'torch is not installed' },
  });
  (report.packages as Record<string, string | null>).torch = null;
  fake.pythonOutcome = { kind: 'ok', stdout: JSON.stringify(report) };
  const results = await preflight(fake);
  assert.ok(!results.some((r) => r.check === 'cuda'));
  const problem = onlyFailure(results, 'packages');
  assert.match(
    problem.nextStep,
    /^For a GPU, first install the CUDA build of torch .* -m pip install -e \/ext\/trainer$/,
  );
});

test('the install command quotes paths with spaces for bash and PowerShell', () => {
  assert.equal(
    installCommand('/opt/my env/bin/python', "/ext/it's/trainer", 'linux'),
    `'/opt/my env/bin/python' -m pip install -e '/ext/it'\\''s/trainer'`,
  );
  assert.equal(
    installCommand('C:\\Program Files\\Python311\\python.exe', 'C:\\ext\\trainer', 'win32'),
    '& "C:\\Program Files\\Python311\\python.exe" -m pip install -e C:\\ext\\trainer',
  );
});

test('no CUDA: offers the CPU with an estimate of how slow', async () => {
  const fake = healthy();
  fake.pythonOutcome = {
    kind: 'ok',
    stdout: JSON.stringify(
      pythonReport({ cuda: { available: false, device_count: 0, devices: [], error: null } }),
    ),
  };
  const problem = onlyFailure(await preflight(fake), 'cuda');
  assert.match(problem.problem, /No CUDA GPU/);
  assert.match(
    problem.nextStep,
    /Train on the CPU instead, roughly \d+x slower .* per step, .* for 100 steps at size tiny/,
  );
  assert.deepEqual(problem.fix, { kind: 'useCpu' });
  // Larger models and images are estimated slower.
  const big = onlyFailure(await preflight(fake, { imageSize: 2048, steps: 100 }), 'cuda');
  const unit: Record<string, number> = { s: 1, min: 60, h: 3600, days: 86400 };
  const seconds = (text: string) => {
    const [, value, per] = /about ([\d.]+) (s|min|h|days) per step/.exec(text) ?? [];
    return Number(value) * (unit[per ?? ''] ?? Number.NaN);
  };
  assert.ok(
    seconds(big.nextStep) > seconds(problem.nextStep),
    `${big.nextStep} vs ${problem.nextStep}`,
  );
  // Choosing the CPU passes, still telling how slow it is.
  const cpu = (await preflight(fake, { device: 'cpu' })).find((r) => r.check === 'cuda')!;
  assert.ok(cpu.ok);
  assert.match(cpu.summary, /CPU chosen: roughly/);
});

test('more GPUs than visible, or a pinned GPU that is not there, fail with what is there', async () => {
  const many = onlyFailure(await preflight(healthy(), { gpus: 4 }), 'cuda');
  assert.match(
    many.problem,
    /asks for 4 GPUs, but 2 are visible \(0: NVIDIA H100 \(80 GiB\), 1: NVIDIA H100/,
  );
  assert.deepEqual(many.fix, { kind: 'setGpus', gpus: 2 });
  const pinned = onlyFailure(await preflight(healthy(), { device: 'cuda:2' }), 'cuda');
  assert.match(pinned.problem, /"device" is cuda:2, but only 2 GPU\(s\) are visible/);
  const two = await preflight(healthy(), { gpus: 2 });
  assert.deepEqual(preflightProblems(two), []);
});

test('base model missing, absent, a folder, truncated, a web page, not a zip, or another size', async () => {
  const cases: [Fake, Partial<FinetuneTaskDefinition>, RegExp][] = [
    [
      healthy(),
      { modelCheckpoint: undefined },
      /Size tiny needs the SAM 2\.1 base weights \(sam2\.1_hiera_tiny\.pt\)/,
    ],
    [healthy(), { modelCheckpoint: 'ckpt/nope/sam2.1_hiera_tiny.pt' }, /does not exist/],
    [healthy(), { modelCheckpoint: 'ckpt' }, /is a folder/],
    [
      healthy().file('/ws/ckpt/sam2.1_hiera_tiny.pt', PK, 20 * MB),
      {},
      /is 20 MB; sam2\.1_hiera_tiny\.pt is about 156 MB: it is incomplete/,
    ],
    [
      healthy().file(
        '/ws/ckpt/sam2.1_hiera_tiny.pt',
        [...Buffer.from('<!DOCTYPE html>')],
        156 * MB,
      ),
      {},
      /is a web page/,
    ],
    [
      healthy().file('/ws/ckpt/sam2.1_hiera_tiny.pt', [0x80, 0x02, 0x8a, 0x0a], 156 * MB),
      {},
      /is not a PyTorch checkpoint .*"PK"/,
    ],
    [
      healthy().file('/ws/ckpt/w.pt', PK, 0),
      { modelCheckpoint: 'ckpt/w.pt' },
      /is 0 kB.*incomplete/,
    ],
    [healthy(), { size: 'large' }, /holds the tiny model, but the size is large/],
  ];
  for (const [fake, definition, expected] of cases) {
    const problem = onlyFailure(await preflight(fake, definition), 'baseModel');
    assert.match(problem.problem, expected);
    assert.match(problem.nextStep, /sam2\.1_hiera_(tiny|large)\.pt/);
  }
  // nano has no released weights: none is fine.
  const nano = await preflight(healthy(), { size: 'nano', modelCheckpoint: undefined });
  assert.deepEqual(preflightProblems(nano), []);
});

test('dataset problems name the folder or each bad file', async () => {
  const cases: [Fake, Partial<FinetuneTaskDefinition>, RegExp][] = [
    [healthy(), { data: 'missing' }, /The dataset folder \/ws\/missing cannot be read: .*ENOENT/],
    [
      new Fake()
        .file('/ws/ckpt/sam2.1_hiera_tiny.pt', PK, 156 * MB)
        .file('/ws/data/readme.md', [1]),
      {},
      /holds no volumes/,
    ],
    [
      new Fake()
        .file('/ws/ckpt/sam2.1_hiera_tiny.pt', PK, 156 * MB)
        .file('/ws/data/train/a.nii.gz', GZ),
      {},
      /subfolders \(train\): choose one of them/,
    ],
    [
      healthy().file('/ws/data/c.vessels.nii.gz', GZ),
      {},
      /label without its volume: c\.vessels\.nii\.gz \(no volume c\.nii\.gz\)/,
    ],
    [healthy().file('/ws/data/b.nii.gz', GZ, 0), {}, /b\.nii\.gz is empty \(0 bytes\)/],
    [
      healthy().file('/ws/data/a.vessels.nii.gz', [0x3c, 0x68]),
      {},
      /a\.vessels\.nii\.gz is not gzip-compressed/,
    ],
    [healthy().file('/ws/data/d.nii', [1, 2, 3, 4]), {}, /d\.nii has no NIfTI header/],
    [
      new Fake()
        .file('/ws/ckpt/sam2.1_hiera_tiny.pt', PK, 156 * MB)
        .file('/ws/data/a.nii.gz', GZ)
        .file('/ws/data/a.vessels.nii.gz', GZ)
        .file('/ws/data/a.faz2d.nii.gz', GZ),
      { target: 'faz' },
      /None of the 1 volume\(s\) in \/ws\/data has a 3D FAZ label \(<name>\.faz\.nii\.gz or <name>\.label\.nii\.gz\)/,
    ],
  ];
  for (const [fake, definition, expected] of cases) {
    const problem = onlyFailure(await preflight(fake, definition), 'dataset');
    assert.ok(problem.nextStep.length > 0, String(expected));
    assert.match(problem.problem, expected);
    assert.ok(problem.nextStep.length > 0);
  }
});

test('the dataset check follows the trainer naming: .nii headers, label kinds, unlabelled volumes', async () => {
  const nifti1 = [0x5c, 0x01, 0x00, 0x00]; // 348 little-endian
  const nifti2be = [0x00, 0x00, 0x02, 0x1c]; // 540 big-endian
  const fake = healthy()
    .file('/ws/data/c.nii', nifti1)
    .file('/ws/data/c.faz.nii', nifti1)
    .file('/ws/data/d.nii', nifti2be)
    .file('/ws/data/d.rv2d.nii.gz', GZ);
  fake.labelMax.set('/ws/data/b.label.nii.gz', 1);
  const results = await preflight(fake);
  assert.deepEqual(preflightProblems(results), []);
  const dataset = results.find((r) => r.check === 'dataset')!;
  assert.ok(dataset.ok);
  // b's generic .label counts for vessels; c has only a FAZ label, d only an en-face one.
  assert.match(
    dataset.summary,
    /4 volume\(s\), 2 with 3D vessel labels; without vessel labels .*: c, d/,
  );
  const faz = (await preflight(fake, { target: 'faz' })).find((r) => r.check === 'dataset')!;
  assert.ok(faz.ok);
  assert.match(faz.summary, /4 volume\(s\), 2 with 3D FAZ labels/);
  assert.ok(!fake.headReads.includes('/ws/data/notes.txt'), 'other files are not read');
});

test('issue 16: a generic .label with ids above 1 is a vessel label, never a FAZ label', async () => {
  const fake = new Fake()
    .file('/ws/ckpt/sam2.1_hiera_tiny.pt', PK, 156 * MB)
    .file('/ws/data/a.nii.gz', GZ)
    .file('/ws/data/a.label.nii.gz', GZ);
  fake.labelMax.set('/ws/data/a.label.nii.gz', 7);
  const vessels = (await preflight(fake)).find((r) => r.check === 'dataset')!;
  assert.ok(vessels.ok);
  assert.match(vessels.summary, /1 volume\(s\), 1 with 3D vessel labels/);
  const faz = onlyFailure(await preflight(fake, { target: 'faz' }), 'dataset');
  assert.match(faz.problem, /a\.label\.nii\.gz holds ids above 1: vessel labels, not a FAZ/);
  assert.match(faz.nextStep, /or choose the vessel target/);

  // A 0/1 label may be a FAZ (the trainer takes it for both); one that cannot be read is named.
  fake.labelMax.set('/ws/data/a.label.nii.gz', 1);
  const binary = (await preflight(fake, { target: 'faz' })).find((r) => r.check === 'dataset')!;
  assert.ok(binary.ok);
  fake.labelMax.delete('/ws/data/a.label.nii.gz');
  const unreadable = onlyFailure(await preflight(fake, { target: 'faz' }), 'dataset');
  assert.match(
    unreadable.problem,
    /\/ws\/data\/a\.label\.nii\.gz cannot be read: not a NIfTI file/,
  );
});

test("issue 16: the editor's tracking output is not training data, and no other target is suggested", async () => {
  const fake = new Fake()
    .file('/ws/ckpt/sam2.1_hiera_tiny.pt', PK, 156 * MB)
    .file('/ws/data/a.nii.gz', GZ)
    .file('/ws/data/a.seg.nii.gz', GZ);
  for (const target of ['rv', 'faz'] as const) {
    const problem = onlyFailure(await preflight(fake, { target }), 'dataset');
    assert.match(
      problem.problem,
      /a\.seg\.nii\.gz is the editor's tracking output, which is not training data/,
    );
    assert.doesNotMatch(problem.nextStep, /choose the/, `no other target offered for ${target}`);
  }
});

test('a validation folder is checked like the training folder', async () => {
  const problem = onlyFailure(await preflight(healthy(), { valData: 'val' }), 'valDataset');
  assert.match(problem.problem, /\/ws\/val cannot be read/);
});

test('run folder: an existing run needs resume, resume needs a run, a corrupt run is caught', async () => {
  const existing = healthy().file('/ws/runs/a/checkpoint.pt', PK, 8 * MB);
  const blocked = onlyFailure(await preflight(existing), 'runFolder');
  assert.match(blocked.problem, /\/ws\/runs\/a already holds a run/);
  assert.deepEqual(blocked.fix, { kind: 'resume' });
  assert.deepEqual(preflightProblems(await preflight(existing, { resume: true })), []);

  const nothing = onlyFailure(await preflight(healthy(), { resume: true }), 'runFolder');
  assert.match(nothing.problem, /no run to resume in \/ws\/runs\/a/);
  assert.deepEqual(nothing.fix, { kind: 'startFresh' });

  const corrupt = healthy().file('/ws/runs/a/checkpoint.pt', [0, 0, 0, 0], 8 * MB);
  const broken = onlyFailure(await preflight(corrupt, { resume: true }), 'runFolder');
  assert.match(broken.problem, /checkpoint\.pt is not a PyTorch checkpoint/);
});

test('an output folder that cannot be written fails with the OS reason', async () => {
  const fake = healthy();
  fake.unwritable.set('/ws/runs/a', "EACCES: permission denied, mkdir '/ws/runs/a'");
  const problem = onlyFailure(await preflight(fake), 'output');
  assert.match(problem.problem, /\/ws\/runs\/a is not writable: EACCES/);
});

test('not enough disk: the need is estimated from the model size', async () => {
  const fake = healthy();
  fake.free = 300 * MB;
  assert.deepEqual(
    preflightProblems(await preflight(fake, { size: 'nano', modelCheckpoint: undefined })),
    [],
  );
  const problem = onlyFailure(await preflight(fake, { size: 'tiny' }), 'disk');
  assert.match(problem.problem, /Only 300 MB is free .*a tiny run needs about \d+ MB/);
  const large = healthy().file('/ws/ckpt/sam2.1_hiera_large.pt', PK, 898 * MB);
  large.free = 1000 * MB;
  const big = onlyFailure(
    await preflight(large, { size: 'large', modelCheckpoint: 'ckpt/sam2.1_hiera_large.pt' }),
    'disk',
  );
  assert.match(big.problem, /a large run needs about 1\.\d GB/);
});

test('the default run folder is the trainer default; config-file fields are not second-guessed', async () => {
  const fake = healthy();
  fake.unwritable.set('/ws/runs/samocta2', 'EROFS');
  assert.match(
    onlyFailure(await preflight(fake, { out: undefined }), 'output').problem,
    /runs\/samocta2/,
  );
  const fromConfig = await preflight(fake, {
    config: 'trainer/configs/tiny_octa500_rv.yaml',
    out: undefined,
    data: undefined,
    size: undefined,
    modelCheckpoint: undefined,
  });
  assert.deepEqual(preflightProblems(fromConfig), []);
  assert.deepEqual(
    fromConfig.map((r) => r.check),
    ['python', 'packages', 'cuda', 'baseModel', 'dataset', 'output'],
  );
});
