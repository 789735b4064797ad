/**
 * Opens a model bundle: manifest, verified graph bytes, one runtime session per graph, and a
 * check that each session's inputs and outputs are the ones the manifest promises (names,
 * dtypes, fixed dimensions). Any failure is a BundleError naming the file; sessions opened
 * before it are released.
 */
import {
  BundleError,
  GRAPH_NAMES,
  parseManifest,
  readVerifiedGraphs,
  type BundleSource,
  type BundleManifest,
  type GraphName,
  type GraphSpec,
  type Sha256,
} from './modelBundle';
import type { OnnxRuntime, RuntimeSession } from './onnxRuntime';

export interface LoadedBundle {
  readonly manifest: BundleManifest;
  readonly runtime: OnnxRuntime;
  readonly sessions: Readonly<Record<GraphName, RuntimeSession>>;
  release(): Promise<void>;
}

export async function loadBundle(
  source: BundleSource,
  runtime: OnnxRuntime,
  sha256: Sha256,
): Promise<LoadedBundle> {
  let manifestText: string;
  try {
    manifestText = await source.readText('manifest.json');
  } catch (error) {
    throw new BundleError('manifest.json', `missing or unreadable (${(error as Error).message}).`);
  }
  const manifest = parseManifest(manifestText);
  const graphs = await readVerifiedGraphs(manifest, source, sha256);
  const sessions: Partial<Record<GraphName, RuntimeSession>> = {};
  try {
    for (const name of GRAPH_NAMES) {
      const spec = manifest.graphs[name];
      let session: RuntimeSession;
      try {
        session = await runtime.createSession(graphs[name], name);
      } catch (error) {
        throw new BundleError(
          spec.file,
          `${runtime.name} cannot load it (${(error as Error).message}).`,
        );
      }
      sessions[name] = session;
      checkSignature(spec, session);
    }
  } catch (error) {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
    throw error;
  }
  const all = sessions as Record<GraphName, RuntimeSession>;
  return {
    manifest,
    runtime,
    sessions: all,
    release: async () => {
      await Promise.all(GRAPH_NAMES.map((n) => all[n].release()));
    },
  };
}

/** Throws when the session's inputs/outputs differ from the manifest's description. */
export function checkSignature(spec: GraphSpec, session: RuntimeSession): void {
  const expectedIn = spec.inputs.map((t) => t.name);
  if (!sameSet(expectedIn, session.inputNames)) {
    throw new BundleError(
      spec.file,
      `inputs are [${session.inputNames.join(', ')}], the manifest says [${expectedIn.join(', ')}].`,
    );
  }
  const missingOut = spec.outputs
    .map((t) => t.name)
    .filter((n) => !session.outputNames.includes(n));
  if (missingOut.length > 0) {
    throw new BundleError(
      spec.file,
      `outputs ${missingOut.join(', ')} are missing from the graph.`,
    );
  }
  for (const info of session.inputInfo ?? []) {
    const want = spec.inputs.find((t) => t.name === info.name);
    if (!want) continue;
    if (info.type !== undefined && info.type !== want.dtype) {
      throw new BundleError(
        spec.file,
        `input '${info.name}' is ${info.type}, the manifest says ${want.dtype}.`,
      );
    }
    if (info.shape === undefined || info.shape.length === 0) continue;
    const fixedMismatch =
      info.shape.length !== want.shape.length ||
      info.shape.some(
        (d, i) => typeof d === 'number' && typeof want.shape[i] === 'number' && d !== want.shape[i],
      );
    if (fixedMismatch) {
      throw new BundleError(
        spec.file,
        `input '${info.name}' has shape [${info.shape.join(', ')}], the manifest says [${want.shape.join(', ')}].`,
      );
    }
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
