/**
 * The report `python trainer/samocta2/probe.py` prints (one JSON line), checked field by field:
 * the interpreter is the user's, so its output is input like any other.
 */

export interface CudaDevice {
  readonly name: string;
  readonly memoryMb: number;
}

export interface PythonReport {
  readonly version: string;
  readonly executable: string;
  /** At least the trainer's requires-python (3.11). */
  readonly versionOk: boolean;
  /** Distribution name -> installed version, null when missing. */
  readonly packages: Readonly<Record<string, string | null>>;
  readonly cuda: {
    readonly available: boolean;
    readonly devices: readonly CudaDevice[];
    /** Why CUDA could not be checked (torch missing or broken, driver error), if it could not. */
    readonly error: string | null;
  };
}

/** What running the probe gave; the runner (child process or a test double) makes this. */
export type PythonProbeOutcome =
  | { readonly kind: 'ok'; readonly stdout: string }
  /** The interpreter could not be started (ENOENT, not executable). */
  | { readonly kind: 'notFound'; readonly detail: string }
  /** It started but failed: non-zero exit, a crash, a timeout. */
  | { readonly kind: 'failed'; readonly detail: string };

export function parsePythonReport(stdout: string): PythonReport | string {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) return 'the probe printed no JSON report';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return `the probe's report is not valid JSON (${String(error)})`;
  }
  if (typeof raw !== 'object' || raw === null) return 'the probe report is not an object';
  const r = raw as Record<string, unknown>;
  const cuda = (typeof r.cuda === 'object' && r.cuda !== null ? r.cuda : {}) as Record<
    string,
    unknown
  >;
  const packagesRaw = (
    typeof r.packages === 'object' && r.packages !== null ? r.packages : {}
  ) as Record<string, unknown>;
  if (typeof r.python !== 'string') return 'the probe report has no Python version';
  const packages: Record<string, string | null> = {};
  for (const [name, version] of Object.entries(packagesRaw)) {
    packages[name] = typeof version === 'string' ? version : null;
  }
  const devices = Array.isArray(cuda.devices) ? (cuda.devices as unknown[]) : [];
  return {
    version: r.python,
    executable: typeof r.executable === 'string' ? r.executable : '',
    versionOk: r.python_ok === true,
    packages,
    cuda: {
      available: cuda.available === true,
      devices: devices.map((d) => {
        const device = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
        return {
          name: typeof device.name === 'string' ? device.name : 'unknown GPU',
          memoryMb: typeof device.memory_mb === 'number' ? device.memory_mb : 0,
        };
      }),
      error: typeof cuda.error === 'string' ? cuda.error : null,
    },
  };
}
