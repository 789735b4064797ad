/**
 * Preflight for the interpreter: is there a Python, does it have the trainer's packages, does
 * it see the GPUs the run asks for. Works on the probe's report (pythonProbeReport.ts), so these are
 * tested without any Python installed.
 */
import { failed, passed, type PreflightResult } from './preflightResult';
import { parsePythonReport, type PythonProbeOutcome, type PythonReport } from './pythonProbeReport';
import type { FinetuneTaskDefinition } from '../run/taskDefinition';
import { cpuEstimate, formatDuration, GPU_SPEEDUP } from './trainingEstimates';

/** `python -m samocta2 train` imports these (trainer/pyproject.toml dependencies). */
export const REQUIRED_PACKAGES = [
  'torch',
  'torchvision',
  'sam2',
  'peft',
  'numpy',
  'scipy',
  'nibabel',
  'pyyaml',
  'samocta2',
] as const;

/** Quotes for the shell of an integrated terminal (bash/zsh, or PowerShell on Windows). */
export function shellQuote(arg: string, platform: string): string {
  if (/^[\w@%+=:,./\\-]+$/.test(arg)) return arg;
  if (platform === 'win32') return `"${arg.replace(/"/g, '`"')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that installs the trainer and its dependencies into `python`. */
export function installCommand(python: string, trainerFolder: string, platform: string): string {
  const exe = shellQuote(python, platform);
  // PowerShell runs a quoted program only through the call operator.
  const run = platform === 'win32' && exe.startsWith('"') ? `& ${exe}` : exe;
  return `${run} -m pip install -e ${shellQuote(trainerFolder, platform)}`;
}

export function checkPython(
  outcome: PythonProbeOutcome,
  python: string,
): { result: PreflightResult; report?: PythonReport } {
  const setting =
    'set "samOcta2.pythonPath" to a Python 3.11+ interpreter (or select one with the Python extension)';
  if (outcome.kind === 'notFound') {
    return {
      result: failed(
        'python',
        `Python was not found at "${python}" (${outcome.detail})`,
        `Install Python 3.11 or newer, or ${setting}.`,
      ),
    };
  }
  if (outcome.kind === 'failed') {
    return {
      result: failed(
        'python',
        `"${python}" did not run the trainer's probe: ${outcome.detail}`,
        `Check that "${python}" is a working Python 3.11+, or ${setting}.`,
      ),
    };
  }
  const report = parsePythonReport(outcome.stdout);
  if (typeof report === 'string') {
    return {
      result: failed(
        'python',
        `"${python}" ran the probe, but ${report}`,
        `Run "${python} trainer/samocta2/probe.py" in a terminal to see what it prints, or ${setting}.`,
      ),
    };
  }
  if (!report.versionOk) {
    return {
      result: failed(
        'python',
        `"${python}" is Python ${report.version}; the trainer needs Python 3.11 or newer`,
        `Install Python 3.11+, or ${setting}.`,
      ),
      report,
    };
  }
  return {
    result: passed('python', `Python ${report.version} (${report.executable || python})`),
    report,
  };
}

export function checkPackages(
  report: PythonReport,
  python: string,
  trainerFolder: string,
  platform: string,
): PreflightResult {
  const missing = REQUIRED_PACKAGES.filter((name) => (report.packages[name] ?? null) === null);
  if (missing.length === 0) {
    return passed(
      'packages',
      `torch ${report.packages.torch}, sam2 ${report.packages.sam2}, peft ${report.packages.peft}`,
    );
  }
  const command = installCommand(python, trainerFolder, platform);
  const torchNote = missing.includes('torch')
    ? 'For a GPU, first install the CUDA build of torch (pytorch.org shows the command for your system). '
    : '';
  return failed(
    'packages',
    `Python at "${python}" lacks ${missing.join(', ')}`,
    `${torchNote}Install the trainer and its dependencies: ${command}`,
    { kind: 'runInTerminal', command },
  );
}

/** "roughly 50x slower than one GPU, about 15 s per step, 8.3 h for 2000 steps at size tiny" */
function cpuSlowness(definition: FinetuneTaskDefinition): string {
  const estimate = cpuEstimate(definition);
  return (
    `roughly ${GPU_SPEEDUP}x slower than one GPU: about ${formatDuration(estimate.secondsPerStep)} ` +
    `per step, ${formatDuration(estimate.totalSeconds)} for ${estimate.steps} steps at size ` +
    `${definition.size ?? 'nano'} (a rough estimate)`
  );
}

export function checkCuda(
  report: PythonReport,
  definition: FinetuneTaskDefinition,
): PreflightResult {
  const device = definition.device ?? 'auto';
  const gpus = definition.gpus ?? 1;
  if (device === 'cpu') {
    return passed('cuda', `CPU chosen: ${cpuSlowness(definition)}.`);
  }
  const found = report.cuda.devices;
  const names = found
    .map((d, i) => `${i}: ${d.name} (${Math.round(d.memoryMb / 1024)} GiB)`)
    .join(', ');
  if (!report.cuda.available || found.length === 0) {
    const torch = report.packages.torch ?? 'missing';
    const why =
      report.cuda.error ??
      (torch.includes('+cpu') ? 'this torch is a CPU-only build' : 'no CUDA device is visible');
    return failed(
      'cuda',
      `No CUDA GPU for training (torch ${torch}: ${why})`,
      `Train on the CPU instead, ${cpuSlowness(definition)}; or install a CUDA build of torch and check "nvidia-smi".`,
      { kind: 'useCpu' },
    );
  }
  const pinned = /^cuda:(\d+)$/.exec(device);
  if (pinned && Number(pinned[1]) >= found.length) {
    return failed(
      'cuda',
      `"device" is ${device}, but only ${found.length} GPU(s) are visible (${names})`,
      `Choose "cuda" or a device from 0 to ${found.length - 1}.`,
    );
  }
  if (gpus > found.length) {
    return failed(
      'cuda',
      `The run asks for ${gpus} GPUs, but ${found.length} are visible (${names})`,
      `Use ${found.length} GPU(s), or check CUDA_VISIBLE_DEVICES.`,
      { kind: 'setGpus', gpus: found.length },
    );
  }
  return passed('cuda', `${gpus > 1 ? `${gpus} of ` : ''}${found.length} GPU(s): ${names}`);
}
