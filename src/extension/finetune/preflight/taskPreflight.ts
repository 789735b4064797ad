/**
 * Preflight for a task about to start: the task's definition and folder, the Python that will
 * run it, and the real machine's probes (nodeProbes.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { nodePreflightProbes } from './nodeProbes';
import { preflightProblems, runPreflight, type PreflightProblem } from './preflight';
import { resolvePython } from '../../trainerTask/pythonInterpreter';
import { parseTaskDefinition } from '../run/taskDefinition';
import { trainerEnvironment } from '../../trainerTask/trainerTask';

export async function preflightTask(
  task: vscode.Task,
  trainerFolder: string,
): Promise<PreflightProblem[]> {
  const parsed = parseTaskDefinition(task.definition);
  if (!parsed.ok) {
    return [
      {
        check: 'definition',
        ok: false,
        problem: `The task "${task.name}" is not valid: ${parsed.problems.join('; ')}`,
        nextStep: 'Fix it in .vscode/tasks.json.',
      },
    ];
  }
  const folder =
    typeof task.scope === 'object' ? task.scope.uri : vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = folder?.fsPath ?? process.cwd();
  const results = await runPreflight(
    {
      definition: parsed.definition,
      python: await resolvePython(folder),
      trainerFolder,
      platform: process.platform,
      resolvePath: (p) => path.resolve(base, p),
    },
    nodePreflightProbes({
      probeScript: path.join(trainerFolder, 'samocta2', 'probe.py'),
      env: trainerEnvironment(trainerFolder, process.env),
    }),
  );
  return preflightProblems(results);
}
