/**
 * A test hook for the fault suite (test/faults): with SAM_OCTA2_FAULT_KILL_AT=N in the
 * environment, the process kills itself with SIGKILL at the Nth file operation of its durable
 * writes, as a crash or power cut would stop it there. Unset (always, outside the suite) it
 * does nothing. `before` runs first at that point, e.g. to leave a half-written file.
 */
const killAt = Number(process.env.SAM_OCTA2_FAULT_KILL_AT ?? 0);
let operations = 0;

export function faultPoint(before?: () => void): void {
  if (!(killAt > 0)) return;
  operations++;
  if (operations !== killAt) return;
  before?.();
  process.kill(process.pid, 'SIGKILL');
}
