/**
 * Which Python runs the trainer: the `samOcta2.pythonPath` setting, else the interpreter the
 * Python extension (ms-python.python) has selected for the folder, else `python3` (`python` on
 * Windows, where python3 is often the Store stub). The Python extension's API comes typed from
 * @vscode/python-extension, its own package.
 */
import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';

export const PYTHON_PATH_SETTING = 'pythonPath';
export const PYTHON_EXTENSION_ID = PVSC_EXTENSION_ID;

export function defaultPython(platform: string): string {
  return platform === 'win32' ? 'python' : 'python3';
}

export async function resolvePython(
  scope: vscode.Uri | undefined,
  platform: string = process.platform,
): Promise<string> {
  const configured = vscode.workspace
    .getConfiguration('samOcta2', scope)
    .get<unknown>(PYTHON_PATH_SETTING);
  if (typeof configured === 'string' && configured.trim() !== '') return configured.trim();
  return (await selectedInterpreter(scope)) ?? defaultPython(platform);
}

async function selectedInterpreter(scope: vscode.Uri | undefined): Promise<string | undefined> {
  // Not installed: no selection to follow (the api() call would throw to say so).
  if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID) === undefined) return undefined;
  try {
    const { environments } = await PythonExtension.api();
    const active = environments.getActiveEnvironmentPath(scope);
    // The path may be an environment folder (e.g. conda) rather than the interpreter.
    const resolved = await environments.resolveEnvironment(active.path);
    return resolved?.executable.uri?.fsPath ?? (active.path || undefined);
  } catch {
    // A broken or older Python extension must not stop training: fall back to the default.
    return undefined;
  }
}
