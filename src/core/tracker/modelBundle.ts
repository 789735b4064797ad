/**
 * The model bundle's manifest (docs/model-bundle.md, format version 1): its types, parsing and
 * the checks a reader owes the user before running anything — format and version, every graph
 * file present with the manifest's sha256. A bad bundle is a BundleError naming the file, so
 * the caller can report it and keep viewing.
 */

import { CLASSICAL_SIGMA_PX } from './eval/classicalBaseline';
import { DENSE_PRIOR_KIND, DENSE_PRIOR_VERSIONS } from './promptPrior';

export const BUNDLE_FORMAT = 'samocta2-model-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

export const GRAPH_NAMES = [
  'image_encoder',
  'mask_decoder',
  'memory_encoder',
  'memory_attention',
] as const;
export type GraphName = (typeof GRAPH_NAMES)[number];

export interface TensorSpec {
  name: string;
  dtype: string;
  /** A number for a fixed axis, a name for a dynamic one. */
  shape: (number | string)[];
}

export interface GraphSpec {
  file: string;
  bytes: number;
  sha256: string;
  precision: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface ModelSpec {
  family: string;
  size: string;
  image_size: number;
  backbone_stride: number;
  feature_size: number;
  low_res_mask_size: number;
  hidden_dim: number;
  mem_dim: number;
  parameters?: number;
}

export interface MemorySpec {
  num_maskmem: number;
  max_obj_ptrs_in_encoder: number;
  max_cond_frames_in_attn: number;
  memory_temporal_stride: number;
  storage_dtype: string;
  only_obj_ptrs_in_the_past: boolean;
  signed_obj_ptr_tpos: boolean;
  multimask_max_points?: number;
}

/**
 * A bundle trained with a dense prompt on its prompted layers (promptPrior.ts): the classical
 * region grown from the layer's points, given to the mask decoder with them.
 */
export interface DensePriorSpec {
  kind: typeof DENSE_PRIOR_KIND;
  version: (typeof DENSE_PRIOR_VERSIONS)[number];
  sigma_px: number;
  /** Tracked layers get it too, from the nearest prompted layer's points (ties: the earlier). */
  carry?: boolean;
  /** Version 2: the region is cut at the negative points inside it (promptPrior.carveRegion). */
  carve?: boolean;
}

export interface BundleManifest {
  format: string;
  format_version: number;
  name: string;
  /** What it was trained on (docs/model-bundle.md 2); absent = 'sequence'. */
  task?: 'sequence' | 'enface';
  created: string;
  opset: number;
  model: ModelSpec;
  preprocessing: {
    intensity_window: { lower_percentile: number; upper_percentile: number };
    mean: number[];
    std: number[];
  };
  postprocessing: { threshold: number; no_object_logit: number };
  /** Absent in bundles made before dense prompts: points only. */
  prompts?: { dense_prior?: DensePriorSpec };
  memory: MemorySpec;
  graphs: Record<GraphName, GraphSpec>;
  ops: string[];
  files: Record<string, string>;
  provenance?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
}

/** A bundle folder's files by name; both reject when the file is missing. */
export interface BundleSource {
  readBytes(file: string): Promise<Uint8Array>;
  readText(file: string): Promise<string>;
}

/** Lowercase hex sha256 of some bytes (node:crypto in the CLI, crypto.subtle in the webview). */
export type Sha256 = (bytes: Uint8Array) => Promise<string>;

export class BundleError extends Error {
  constructor(
    /** The bundle file at fault ('manifest.json', 'mask_decoder.onnx', ...). */
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'BundleError';
  }
}

const MANIFEST = 'manifest.json';

/** Parses and checks the manifest's structure; throws BundleError('manifest.json', ...). */
export function parseManifest(text: string): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BundleError(MANIFEST, `not valid JSON (${(error as Error).message}).`);
  }
  const m = record(raw, 'the manifest');
  if (m.format !== BUNDLE_FORMAT) {
    throw new BundleError(
      MANIFEST,
      `format is ${JSON.stringify(m.format)}; a model bundle says "${BUNDLE_FORMAT}".`,
    );
  }
  if (m.format_version !== BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      MANIFEST,
      `bundle format ${JSON.stringify(m.format_version)}, this tracker reads ${BUNDLE_FORMAT_VERSION}.`,
    );
  }
  const model = record(m.model, 'model');
  for (const key of ['image_size', 'feature_size', 'low_res_mask_size', 'hidden_dim', 'mem_dim']) {
    positiveInteger(model[key], `model.${key}`);
  }
  const memory = record(m.memory, 'memory');
  positiveInteger(memory.num_maskmem, 'memory.num_maskmem');
  positiveInteger(memory.max_obj_ptrs_in_encoder, 'memory.max_obj_ptrs_in_encoder');
  const pre = record(m.preprocessing, 'preprocessing');
  for (const key of ['mean', 'std']) {
    const v = pre[key];
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number')) {
      throw new BundleError(MANIFEST, `preprocessing.${key} must be 3 numbers.`);
    }
  }
  const graphs = record(m.graphs, 'graphs');
  for (const name of GRAPH_NAMES) {
    const g = record(graphs[name], `graphs.${name}`);
    if (typeof g.file !== 'string' || typeof g.sha256 !== 'string') {
      throw new BundleError(MANIFEST, `graphs.${name} needs "file" and "sha256" strings.`);
    }
    insideBundle(g.file, `graphs.${name}.file`);
    if (!Array.isArray(g.inputs) || !Array.isArray(g.outputs)) {
      throw new BundleError(MANIFEST, `graphs.${name} needs "inputs" and "outputs" lists.`);
    }
  }
  for (const file of Object.keys(record(m.files, 'files'))) insideBundle(file, `files key`);
  checkDensePrior(m.prompts);
  return raw as BundleManifest;
}

/**
 * A bundle names its files relative to its folder: no absolute path, no `..`, no backslash or
 * drive letter, so a manifest cannot make the reader open a file outside the bundle.
 */
function insideBundle(file: string, what: string): void {
  const segments = file.split('/');
  if (
    file.length === 0 ||
    file.startsWith('/') ||
    /[\\:\0]/.test(file) ||
    segments.some((segment) => segment === '..' || segment === '.' || segment === '')
  ) {
    throw new BundleError(
      MANIFEST,
      `${what} ${JSON.stringify(file)} is not a file name inside the bundle folder.`,
    );
  }
}

/**
 * Reads every graph file and checks it against the manifest's sha256 (and `files`). Returns the
 * graph bytes, so the caller creates sessions from exactly what was checked.
 */
export async function readVerifiedGraphs(
  manifest: BundleManifest,
  source: BundleSource,
  sha256: Sha256,
): Promise<Record<GraphName, Uint8Array>> {
  const out = {} as Record<GraphName, Uint8Array>;
  for (const name of GRAPH_NAMES) {
    const spec = manifest.graphs[name];
    let bytes: Uint8Array;
    try {
      bytes = await source.readBytes(spec.file);
    } catch (error) {
      throw new BundleError(spec.file, `missing or unreadable (${(error as Error).message}).`);
    }
    const digest = (await sha256(bytes)).toLowerCase();
    const listed = manifest.files[spec.file];
    // Name the record that disagrees: graphs.X.sha256 and files[X] may differ from each other.
    const records: [string, string | undefined][] = [
      [`graphs.${name}.sha256`, spec.sha256],
      [`files["${spec.file}"]`, listed],
    ];
    for (const [where, expected] of records) {
      if (expected !== undefined && digest !== expected.toLowerCase()) {
        throw new BundleError(
          spec.file,
          `sha256 ${digest} differs from the manifest's ${where} ${expected}: the file is damaged or from another export.`,
        );
      }
    }
    out[name] = bytes;
  }
  return out;
}

/** A dense prompt this tracker cannot compute would give wrong masks silently: refuse it. */
function checkDensePrior(prompts: unknown): void {
  if (prompts === undefined) return;
  const prior = record(prompts, 'prompts').dense_prior;
  if (prior === undefined || prior === null) return;
  const p = record(prior, 'prompts.dense_prior');
  if (
    p.kind !== DENSE_PRIOR_KIND ||
    !DENSE_PRIOR_VERSIONS.some((v) => v === p.version) ||
    p.sigma_px !== CLASSICAL_SIGMA_PX ||
    (p.carry !== undefined && typeof p.carry !== 'boolean') ||
    (p.carve !== undefined && (typeof p.carve !== 'boolean' || p.version === 1))
  ) {
    throw new BundleError(
      MANIFEST,
      `prompts.dense_prior ${JSON.stringify(prior)} is not one this tracker computes ` +
        `({"kind":"${DENSE_PRIOR_KIND}","version":1 or 2 (with "carve"),"sigma_px":${CLASSICAL_SIGMA_PX}}); ` +
        'a newer extension may read it.',
    );
  }
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BundleError(MANIFEST, `${what} is missing or not an object.`);
  }
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new BundleError(
      MANIFEST,
      `${what} must be a positive whole number; got ${JSON.stringify(value)}.`,
    );
  }
}
