/** The environment the trainer (and the preflight's probe) runs with. */
import * as path from 'node:path';

/**
 * The trainer's environment. PYTHONPATH makes the bundled trainer importable without
 * `pip install -e`; PYTHONSAFEPATH (Python 3.11+, which the trainer needs) keeps `python -m`
 * from putting the working folder first on sys.path, so no file in the workspace or dataset
 * can shadow a module the trainer imports.
 */
export function trainerEnvironment(
  trainerFolder: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const inherited = env.PYTHONPATH;
  return {
    PYTHONPATH: inherited ? `${trainerFolder}${path.delimiter}${inherited}` : trainerFolder,
    PYTHONSAFEPATH: '1',
    PYTHONUNBUFFERED: '1',
  };
}
