/**
 * What one preflight check found. A failure always says what is wrong and the next step; the
 * optional `fix` is something the setup UI can offer as a button.
 */

export type PreflightCheckName =
  | 'definition'
  | 'python'
  | 'packages'
  | 'cuda'
  | 'baseModel'
  | 'runFolder'
  | 'dataset'
  | 'valDataset'
  | 'output'
  | 'disk';

export type PreflightFix =
  /** Run this exact command in a terminal (installing packages). */
  | { readonly kind: 'runInTerminal'; readonly command: string }
  /** Train on the CPU instead of CUDA. */
  | { readonly kind: 'useCpu' }
  /** Use this many GPUs, the number found. */
  | { readonly kind: 'setGpus'; readonly gpus: number }
  /** Continue the run already in the output folder. */
  | { readonly kind: 'resume' }
  /** Start a new run: turn resume off. */
  | { readonly kind: 'startFresh' };

export type PreflightResult =
  | { readonly check: PreflightCheckName; readonly ok: true; readonly summary: string }
  | {
      readonly check: PreflightCheckName;
      readonly ok: false;
      readonly problem: string;
      readonly nextStep: string;
      readonly fix?: PreflightFix;
    };

export function passed(check: PreflightCheckName, summary: string): PreflightResult {
  return { check, ok: true, summary };
}

export function failed(
  check: PreflightCheckName,
  problem: string,
  nextStep: string,
  fix?: PreflightFix,
): PreflightResult {
  return fix === undefined
    ? { check, ok: false, problem, nextStep }
    : { check, ok: false, problem, nextStep, fix };
}
