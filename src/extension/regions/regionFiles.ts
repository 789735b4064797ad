/**
 * A region annotation on disk (docs/sparse-annotation.md, section 1b): `<name>.regions.nii.gz`
 * (uint8, the volume's dims and affine, 1 = inside) beside `<name>.regions.json`
 * ({format, version, axis, layers}, plus any keys other tools stored, kept as they were).
 * Encodes a RegionAnnotation to those bytes and decodes them back, refusing files that do not
 * belong to the volume with a message that says what is wrong and what is expected.
 */
import { IMAGE_SHA256_KEY } from '../../core/files/filePair';
import { labelVolumeFromVolume } from '../../core/labels/labelVolume';
import { readNifti } from '../../core/nifti/readNifti';
import { writeNifti } from '../../core/nifti/writeNifti';
import { resolveDepthAxis } from '../../core/volume/layers';
import type { Axis, Volume, VolumeGeometry } from '../../core/volume/volume';
import { REGION_LABEL } from '../../core/sparse/sparseConstants';
import { RegionAnnotation, RegionError, normalizeLayers } from './regionAnnotation';

export const REGIONS_FORMAT = 'samocta2.sparse-regions';
export const REGIONS_VERSION = 1;
const AXIS_NAMES = ['i', 'j', 'k'] as const;

/** Keys of the sidecar this editor does not interpret, written back unchanged. */
export type RegionExtras = Readonly<Record<string, unknown>>;

export interface RegionFileNames {
  /** `scan.regions.nii.gz` */
  readonly nifti: string;
  /** `scan.regions.json` */
  readonly sidecar: string;
}

/** `scan.nii.gz` (or `scan.nii`) -> `scan.regions.nii.gz` + `scan.regions.json`. */
export function regionFileNames(volumeFileName: string): RegionFileNames {
  const stem = volumeFileName.replace(/\.nii(\.gz)?$/i, '');
  return { nifti: `${stem}.regions.nii.gz`, sidecar: `${stem}.regions.json` };
}

export interface EncodedRegions {
  readonly nifti: Uint8Array;
  readonly sidecar: Uint8Array;
}

export function encodeRegions(
  regions: RegionAnnotation,
  geometry: VolumeGeometry,
  extras: RegionExtras = {},
): EncodedRegions {
  const [nx, ny, nz] = geometry.dims;
  const labels = regions.labelVolume;
  const data = new Uint8Array(nx * ny * nz);
  if (labels) for (let n = 0; n < data.length; n++) data[n] = labels.data[n] !== 0 ? 1 : 0;
  const volume: Volume = {
    dims: [nx, ny, nz],
    spacingMm: [geometry.spacingMm[0], geometry.spacingMm[1], geometry.spacingMm[2]],
    affine: [...geometry.affine],
    type: 'uint8',
    data,
  };
  const sidecar = {
    ...extras,
    format: REGIONS_FORMAT,
    version: REGIONS_VERSION,
    axis: AXIS_NAMES[regions.axis],
    layers: [...regions.annotatedLayers],
  };
  return {
    nifti: writeNifti(volume, { gzip: true, intent: 'label', description: 'sam-octa2 regions' }),
    sidecar: new TextEncoder().encode(JSON.stringify(sidecar, null, 2) + '\n'),
  };
}

export interface DecodedRegions {
  readonly regions: RegionAnnotation;
  readonly extras: RegionExtras;
}

/**
 * The annotation in a pair of files (either may be missing: no region volume = no region voxels,
 * no sidecar = no annotated layers along the default axis). Throws RegionError when a file does
 * not fit the volume.
 */
export function decodeRegions(
  nifti: Uint8Array | undefined,
  sidecarBytes: Uint8Array | undefined,
  geometry: VolumeGeometry,
  names: RegionFileNames,
): DecodedRegions {
  const dims = geometry.dims;
  const sidecar = sidecarBytes ? parseSidecar(sidecarBytes, names.sidecar, dims) : null;
  const axis = sidecar?.axis ?? defaultRegionAxis(dims);
  if (!nifti) {
    return {
      regions: new RegionAnnotation(dims, axis, sidecar?.layers),
      extras: sidecar?.extras ?? {},
    };
  }
  let volume: Volume;
  try {
    volume = readNifti(nifti).volume;
  } catch (error) {
    throw new RegionError(
      `${names.nifti} is not a readable NIfTI file (${(error as Error).message}).`,
    );
  }
  const d = volume.dims;
  if (d[0] !== dims[0] || d[1] !== dims[1] || d[2] !== dims[2]) {
    throw new RegionError(
      `${names.nifti} has dims ${d.join('×')}, the volume ${dims.join('×')}: it belongs to ` +
        `another volume. A region volume must have the volume's dims.`,
    );
  }
  let labels;
  try {
    labels = labelVolumeFromVolume(volume);
  } catch (error) {
    throw new RegionError(`${names.nifti} is not a label volume: ${(error as Error).message}`);
  }
  // Any non-zero value is inside (docs); edits work with one label, so normalize a copy.
  const data = new Uint16Array(labels.data.length);
  let any = false;
  for (let n = 0; n < data.length; n++) {
    if (labels.data[n] !== 0) {
      data[n] = REGION_LABEL;
      any = true;
    }
  }
  const regionLabels = any ? { dims: labels.dims, data } : null;
  return {
    regions: new RegionAnnotation(dims, axis, sidecar?.layers, regionLabels),
    extras: sidecar?.extras ?? {},
  };
}

/** A new annotation's axis: the editor's default depth axis (the first edit may change it). */
export function defaultRegionAxis(dims: readonly [number, number, number]): Axis {
  return resolveDepthAxis(dims, 'auto');
}

interface ParsedSidecar {
  readonly axis: Axis;
  readonly layers: number[];
  readonly extras: RegionExtras;
}

function parseSidecar(
  bytes: Uint8Array,
  name: string,
  dims: readonly [number, number, number],
): ParsedSidecar {
  const expected =
    `Expected {"format": "${REGIONS_FORMAT}", "version": ${REGIONS_VERSION}, ` +
    `"axis": "i" | "j" | "k" | "auto", "layers": [annotated layer indices]}.`;
  const fail = (why: string): never => {
    throw new RegionError(`${name}: ${why}. ${expected}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('not a JSON object');
  }
  const { format, version, axis, layers, ...extras } = raw as Record<string, unknown>;
  // The pair's hash is each save's to write (writePair), never carried over as a kept key.
  delete extras[IMAGE_SHA256_KEY];
  if (format !== undefined && format !== REGIONS_FORMAT) {
    return fail(`format is ${JSON.stringify(format)}`);
  }
  if (version !== undefined && !(Number.isInteger(version) && (version as number) >= 1)) {
    return fail(`version is ${JSON.stringify(version)}`);
  }
  if (typeof version === 'number' && version > REGIONS_VERSION) {
    return fail(`version ${version} is newer than this editor reads (${REGIONS_VERSION})`);
  }
  let resolved: Axis = 2; // the trainer's default when the sidecar names no axis
  if (axis === 'auto') resolved = resolveDepthAxis(dims, 'auto');
  else if (axis !== undefined) {
    const index = AXIS_NAMES.indexOf(axis as 'i');
    if (index < 0) return fail(`axis is ${JSON.stringify(axis)}`);
    resolved = index as Axis;
  }
  if (!Array.isArray(layers)) return fail('"layers" must be a list of layer indices');
  let list: number[];
  try {
    list = normalizeLayers(layers as number[], dims, resolved);
  } catch (error) {
    return fail((error as Error).message.replace(/\.$/, ''));
  }
  return { axis: resolved, layers: list, extras };
}
