/**
 * The sparse panel's settings as keys of `<name>.regions.json` (the trainer ignores keys it does
 * not know, docs/sparse-annotation.md §1b), so the sample seed, the sampled layers and the
 * screening threshold travel with the annotation. Reading is forgiving: a missing or odd key
 * takes its default, and nothing here can make the sidecar unreadable.
 */
import { DEFAULT_SPARSE_SETTINGS } from '../../core/sparse/sparseConstants';
import type { SparseDevice, SparsePanelSettings } from '../../protocol/editorMessages';

export const SCREENING_MEASURE =
  'fraction of layer pixels whose 3×3 mean exceeds the middle of the 1st–99.5th percentile window';

export const DEFAULT_PANEL_SETTINGS: SparsePanelSettings = DEFAULT_SPARSE_SETTINGS;

export function settingsToExtras(settings: SparsePanelSettings): Record<string, unknown> {
  return {
    screening: { measure: SCREENING_MEASURE, threshold: settings.blankThreshold },
    sampling: {
      seed: settings.sampleSeed,
      count: settings.sampleCount,
      layers: [...settings.sampled],
    },
    training: { steps: settings.trainSteps, device: settings.device },
    finish: { enface: settings.enfacePath },
  };
}

/** null when the sidecar holds none of the panel's keys. */
export function settingsFromExtras(
  extras: Readonly<Record<string, unknown>>,
): SparsePanelSettings | null {
  const section = (key: string): Record<string, unknown> | undefined => {
    const value = extras[key];
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  };
  const screening = section('screening');
  const sampling = section('sampling');
  const training = section('training');
  const finish = section('finish');
  if (!screening && !sampling && !training && !finish) return null;
  const d = DEFAULT_PANEL_SETTINGS;
  const fraction = (v: unknown, fallback: number) =>
    typeof v === 'number' && v >= 0 && v <= 1 ? v : fallback;
  const whole = (v: unknown, min: number, fallback: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fallback;
  const layers = sampling?.layers;
  const device = training?.device;
  return {
    blankThreshold: fraction(screening?.threshold, d.blankThreshold),
    sampleCount: whole(sampling?.count, 1, d.sampleCount),
    sampleSeed: whole(sampling?.seed, 0, d.sampleSeed),
    sampled: Array.isArray(layers)
      ? layers.filter((l): l is number => Number.isInteger(l) && (l as number) >= 0)
      : [],
    trainSteps: whole(training?.steps, 1, d.trainSteps),
    device:
      device === 'cpu' || device === 'cuda' || device === 'auto'
        ? (device as SparseDevice)
        : d.device,
    enfacePath: typeof finish?.enface === 'string' ? finish.enface : '',
  };
}
