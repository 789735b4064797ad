/**
 * The JSON sidecar beside a saved label volume (SEG.nii.gz -> SEG.json): which label value is
 * which object, its kind and the prompts that made it, so a segmentation can be reopened,
 * re-tracked, or checked against the model that produced it.
 */
import type { Axis } from '../volume/volume';
import { shapeProblem } from './promptShapes';
import type { LayerPrompt, ObjectKind } from './trackTypes';

export const SIDECAR_FORMAT = 'samocta2-segmentation';
/**
 * 2 added drawn prompts (`shapes` on a layer prompt: scribble, box, lasso; issue 20). Version 1
 * files (clicks only) are still read: they are version 2 files without shapes. The version went
 * up so that a reader of version 1 refuses a file whose shapes it would silently drop.
 */
export const SIDECAR_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, 2];

export interface SidecarObject {
  /** Label value in the volume. */
  id: number;
  name: string;
  kind: ObjectKind;
  color?: string;
  /** Depth axis of this object's prompts where it differs from the sidecar's `axis`. */
  axis?: Axis;
  prompts: LayerPrompt[];
}

export interface SegmentationSidecar {
  format: typeof SIDECAR_FORMAT;
  format_version: typeof SIDECAR_VERSION;
  /** File name of the labelled volume. */
  volume: string;
  /** Model bundle name (manifest `name`), or null for hand-made labels. */
  model: string | null;
  /** Depth axis the prompts' layers run along (0 = i, 1 = j, 2 = k). */
  axis: Axis;
  objects: SidecarObject[];
  /** sha256 of the label volume file's bytes, set when the pair is written (core/files/filePair). */
  image_sha256?: string;
}

export function segmentationSidecar(
  content: Omit<SegmentationSidecar, 'format' | 'format_version'>,
): SegmentationSidecar {
  return { format: SIDECAR_FORMAT, format_version: SIDECAR_VERSION, ...content };
}

export class SidecarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SidecarError';
  }
}

/**
 * A sidecar's JSON text, checked: format, version, axis, and every object's id, name, kind and
 * prompts. `name` (the file's) leads every error message.
 */
export function parseSegmentationSidecar(text: string, name: string): SegmentationSidecar {
  const fail = (why: string): never => {
    throw new SidecarError(
      `${name}: ${why}. Expected a "${SIDECAR_FORMAT}" sidecar, version ${READABLE_VERSIONS.join(' or ')}.`,
    );
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  const s = raw as Partial<SegmentationSidecar> | null;
  if (typeof s !== 'object' || s === null) return fail('not a JSON object');
  if (s.format !== SIDECAR_FORMAT) return fail(`format is ${JSON.stringify(s.format)}`);
  if (!READABLE_VERSIONS.includes(s.format_version as number)) {
    return fail(`format_version is ${JSON.stringify(s.format_version)}`);
  }
  if (s.axis !== 0 && s.axis !== 1 && s.axis !== 2) return fail('axis must be 0, 1 or 2');
  if (!Array.isArray(s.objects)) return fail('"objects" must be a list');
  const ids = new Set<number>();
  for (const o of s.objects as unknown[]) {
    if (!validObject(o)) {
      const id = (o as { id?: unknown } | null)?.id;
      return fail(`object ${JSON.stringify(id)} lacks a valid id, name, kind or prompts`);
    }
    for (const prompt of o.prompts) {
      if (prompt.shapes === undefined) continue;
      if (!Array.isArray(prompt.shapes)) {
        return fail(`object ${o.id}, layer ${prompt.layer}: "shapes" must be a list`);
      }
      for (const shape of prompt.shapes) {
        const problem = shapeProblem(shape);
        if (problem) return fail(`object ${o.id}, layer ${prompt.layer}: ${problem}`);
      }
    }
    if (ids.has(o.id)) return fail(`object id ${o.id} appears twice`);
    ids.add(o.id);
  }
  // A version 1 file reads as version 2 without shapes.
  return { ...(s as SegmentationSidecar), format_version: SIDECAR_VERSION };
}

function validObject(value: unknown): value is SidecarObject {
  const o = value as SidecarObject | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    Number.isInteger(o.id) &&
    o.id >= 1 &&
    o.id <= 65535 &&
    typeof o.name === 'string' &&
    (o.kind === 'vessel' || o.kind === 'faz') &&
    Array.isArray(o.prompts) &&
    o.prompts.every(
      (p) =>
        Number.isInteger(p.layer) &&
        Array.isArray(p.points) &&
        p.points.every(
          (q) =>
            typeof q.x === 'number' && typeof q.y === 'number' && typeof q.positive === 'boolean',
        ),
    )
  );
}
