/**
 * `sam-octa2 measure`: OCTA biomarkers of segmented volumes (src/core/measure, docs/measures.md)
 * to one CSV or JSON: a volume, or every segmented volume of a folder (a cohort in one command).
 */
import { basename } from 'node:path';
import { MeasureError } from '../../core/measure/measureError';
import { formatMeasures, measuresFormatOf, measuresReport } from '../../core/measure/measureExport';
import {
  labelsByKind,
  measureSegmentedVolume,
  type MeasuredVolume,
  type MeasuresReport,
} from '../../core/measure/measureReport';
import type { SegmentationSidecar } from '../../core/tracker/segmentationSidecar';
import { parseIntegerPair, parseOptions } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand, type CliIo } from '../command';
import { writeFileAtomic } from '../files';
import {
  findMeasureInputs,
  readLabels,
  readSidecar,
  readVolumeHeader,
  type MeasureInput,
} from '../measureInputs';

const USAGE = `Usage: sam-octa2 measure VOLUME|FOLDER [--seg SEG] [--faz LABEL] [--vessels LABEL,...] [--range FROM,TO] --out FILE.csv|FILE.json

Measures what was segmented, in mm from the volume's affine (docs/measures.md): the FAZ (area,
perimeter, circularity, acircularity; on the projection, per layer, depth extent), vessel
density (VAD, skeleton density, diameter index, fractal dimension; projection and per layer,
whole field and ETDRS-style sectors centred on the FAZ) and each vessel object in 3D (length,
mean diameter, tortuosity, curvature, depth range).

A FOLDER measures every <name>.nii.gz in it that has <name>.seg.nii.gz beside it.
Labels: without --faz/--vessels, the segmentation's sidecar (<seg>.json) says which object is
the FAZ and which are vessels; with no sidecar every label is a vessel and there is no FAZ.

Options:
  --seg SEG            label volume (default VOLUME's <name>.seg.nii.gz)
  --faz LABEL          label value of the FAZ
  --vessels L1,L2,...  label values of the vessels
  --range FROM,TO      depth range (layers along the depth axis) of the projections and the
                       per-layer rows (default every layer)
  --out FILE           .csv (one row per volume, level, object, layer and sector; units in the
                       column names) or .json (the same with each volume's model and prompts)
  -h, --help           this text
`;

export const measureCommand: CliCommand = {
  name: 'measure',
  summary: 'FAZ, vessel density and vessel shape measures of segmented volumes, to CSV or JSON',
  usage: USAGE,
  run,
};

interface LabelChoice {
  faz?: number;
  vessels?: number[];
  range?: [number, number];
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    {
      seg: { type: 'string' },
      faz: { type: 'string' },
      vessels: { type: 'string' },
      range: { type: 'string' },
      out: { type: 'string' },
    },
    true,
  );
  if (positionals.length !== 1) {
    throw new UsageError(`Give exactly one VOLUME or FOLDER; got ${positionals.length}.`);
  }
  const out = typeof values.out === 'string' ? values.out : '';
  const format = measuresFormatOf(out);
  if (!format) throw new UsageError('--out FILE is required and must end in .csv or .json.');
  const choice: LabelChoice = {
    faz: typeof values.faz === 'string' ? parseLabel(values.faz, 'faz') : undefined,
    vessels:
      typeof values.vessels === 'string'
        ? values.vessels.split(',').map((v) => parseLabel(v, 'vessels'))
        : undefined,
    range: typeof values.range === 'string' ? parseIntegerPair(values.range, 'range') : undefined,
  };
  const seg = typeof values.seg === 'string' ? values.seg : undefined;
  const { inputs, skipped } = findMeasureInputs(positionals[0], seg);
  for (const name of skipped) io.stderr(`Skipping ${name}: no <name>.seg.nii.gz beside it.\n`);

  const measured: MeasuredVolume[] = [];
  const failures: MeasuresReport['failures'] = [];
  for (const input of inputs) {
    const name = basename(input.volume);
    try {
      const volume = await measureInput(input, choice);
      measured.push(volume);
      for (const notice of volume.measures.notices) io.stderr(`${name}: ${notice}\n`);
      io.stdout(summary(volume));
    } catch (error) {
      // A single volume's usage problem (a label it lacks) is the user's to fix: say so as usage.
      if (inputs.length === 1 && error instanceof UsageError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (inputs.length === 1) throw new Error(`${name}: ${message}`);
      failures.push({ volume: name, error: message });
      io.stderr(`${name}: not measured: ${message}\n`);
    }
  }
  const report = measuresReport(measured, failures);
  writeFileAtomic(out, formatMeasures(report, format));
  io.stdout(
    `Measured ${report.volumes.length} volume(s)` +
      (report.failures.length > 0 ? `, ${report.failures.length} failed` : '') +
      `; wrote ${out}.\n`,
  );
  return report.failures.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

async function measureInput(input: MeasureInput, choice: LabelChoice): Promise<MeasuredVolume> {
  const header = await readVolumeHeader(input.volume);
  const { labels, header: segHeader } = await readLabels(input.seg);
  const [a, b] = [labels.dims, header.dims];
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new MeasureError(
      `${basename(input.seg)} has dims ${a.join('×')}, the volume ${b.join('×')}: it belongs to another volume.`,
    );
  }
  const sidecar = input.sidecar ? readSidecar(input.sidecar) : null;
  const notices = [...header.notices];
  if (segHeader.affine.some((v, n) => Math.abs(v - header.affine[n]) > 1e-4 * (1 + Math.abs(v)))) {
    notices.push(
      `${basename(input.seg)}'s affine differs from the volume's; the volume's sizes were used.`,
    );
  }
  const { faz, vessels } = chooseLabels(labels.data, sidecar, choice);
  return measureSegmentedVolume({
    volume: basename(input.volume),
    segmentation: basename(input.seg),
    source: header,
    labels,
    axis: sidecar?.axis ?? 2,
    model: sidecar?.model ?? null,
    objects: sidecar?.objects ?? null,
    faz,
    vessels,
    range: choice.range,
    notices,
  });
}

/** --faz/--vessels, else the sidecar's kinds, else every label present is a vessel. */
function chooseLabels(
  data: Uint16Array,
  sidecar: SegmentationSidecar | null,
  choice: LabelChoice,
): { faz?: number; vessels: number[] } {
  let faz = choice.faz;
  if (faz === undefined && sidecar) {
    try {
      faz = labelsByKind(sidecar.objects).faz;
    } catch (error) {
      if (!(error instanceof MeasureError)) throw error;
      throw new UsageError(`the sidecar: ${error.message} Choose one with --faz LABEL.`);
    }
  }
  let vessels = choice.vessels;
  if (vessels === undefined) {
    vessels = sidecar
      ? sidecar.objects.filter((o) => o.kind === 'vessel').map((o) => o.id)
      : presentLabels(data).filter((label) => label !== faz);
  }
  return { faz, vessels };
}

function presentLabels(data: Uint16Array): number[] {
  const seen = new Uint8Array(65536);
  for (let n = 0; n < data.length; n++) seen[data[n]] = 1;
  const labels: number[] = [];
  for (let label = 1; label < seen.length; label++) if (seen[label]) labels.push(label);
  return labels;
}

function parseLabel(text: string, option: string): number {
  const label = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || label < 1 || label > 65535) {
    throw new UsageError(`--${option} takes label values 1–65535; got '${text}'.`);
  }
  return label;
}

function summary(measured: MeasuredVolume): string {
  const { faz, vessels, trees } = measured.measures;
  const parts = [measured.volume];
  if (faz) parts.push(`FAZ ${faz.projection.areaMm2.toFixed(3)} mm²`);
  const field = vessels?.projection[0];
  if (field?.vadPercent != null) parts.push(`VAD ${field.vadPercent.toFixed(1)} %`);
  if (trees.length > 0) parts.push(`${trees.length} vessel(s)`);
  return `  ${parts.join(', ')}\n`;
}
