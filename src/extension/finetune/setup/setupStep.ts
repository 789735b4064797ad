/**
 * The guided setup's steps share one shape: given the answers so far, ask one thing and return
 * what changes. The flow (guidedSetup.ts) decides which steps apply, numbers them and handles
 * Back and Escape.
 */
import type * as vscode from 'vscode';
import type { DatasetProbes } from '../preflight/datasetChecks';
import type { StorageProbes } from '../preflight/storageChecks';
import type { ContinuableBundle } from './bundleChoices';
import type { DatasetReport } from './datasetSummary';
import type { StepFrame, StepOutcome } from './quickInput';
import type { SetupChoices } from './setupChoices';
import type { SetupPaths } from './setupPaths';

/** The answers so far, plus what the dataset check found (the target step shows it). */
export interface Draft extends SetupChoices {
  readonly dataset?: DatasetReport;
}

/** Files the steps look at (the preflight's node probes in production). */
export type SetupProbes = DatasetProbes & StorageProbes;

export interface SetupEnv {
  readonly probes: SetupProbes;
  readonly paths: SetupPaths;
  readonly bundles: readonly ContinuableBundle[];
  /** Asks for files or folders (vscode.window.showOpenDialog). */
  openDialog(options: vscode.OpenDialogOptions): Promise<readonly vscode.Uri[] | undefined>;
}

export interface SetupStep {
  readonly name: string;
  /** Whether the step is asked with these answers (default: always). */
  applies?(draft: Draft): boolean;
  run(draft: Draft, frame: StepFrame, env: SetupEnv): Promise<StepOutcome<Partial<Draft>>>;
}
