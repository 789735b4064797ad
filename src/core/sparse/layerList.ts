/**
 * The layer lists of dataset-wide sparse annotation (docs/sparse-annotation.md §6): the to-do
 * list `python -m samocta2 sparse sample` writes and the review list of `sparse review`. An item
 * names a volume (relative to the dataset folder), a depth axis and a layer. Done is not stored:
 * an item is done when its subject's regions sidecar lists the layer, so callers pass `isDone`.
 */
import type { Axis } from '../volume/volume';

export const LAYER_LIST_FORMAT = 'samocta2.sparse-layer-list';
export const LAYER_LIST_VERSION = 1;

export type LayerListKind = 'annotate' | 'review';

export interface LayerListItem {
  /** The volume's path relative to the dataset folder, '/'-separated. */
  readonly volume: string;
  readonly axis: Axis;
  readonly layer: number;
  /** Review lists: the doubt score (0..1). */
  readonly doubt?: number;
}

export interface LayerList {
  readonly kind: LayerListKind;
  /** The dataset folder relative to the list's folder ('/'-separated). */
  readonly dataset: string;
  readonly items: readonly LayerListItem[];
}

export class LayerListError extends Error {}

const AXES: Record<string, Axis> = { i: 0, j: 1, k: 2 };

/** Parses and checks a list file's text; a LayerListError says what is wrong. */
export function parseLayerList(text: string): LayerList {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LayerListError(`not JSON: ${(error as Error).message}`);
  }
  const record = (data ?? {}) as Record<string, unknown>;
  if (typeof data !== 'object' || data === null || record.format !== LAYER_LIST_FORMAT) {
    throw new LayerListError(`not a sparse layer list (format "${LAYER_LIST_FORMAT}")`);
  }
  if (typeof record.version === 'number' && record.version > LAYER_LIST_VERSION) {
    throw new LayerListError(
      `version ${record.version}; this extension reads up to ${LAYER_LIST_VERSION}`,
    );
  }
  if ((record.kind !== 'annotate' && record.kind !== 'review') || !Array.isArray(record.items)) {
    throw new LayerListError('needs "kind" (annotate or review) and "items": [...]');
  }
  const items = record.items.map((value: unknown, n): LayerListItem => {
    const item = (value ?? {}) as Record<string, unknown>;
    const axis = typeof item.axis === 'string' ? AXES[item.axis] : undefined;
    const layer = item.layer;
    const volume = item.volume;
    if (
      typeof volume !== 'string' ||
      volume === '' ||
      volume.split('/').includes('..') ||
      axis === undefined ||
      typeof layer !== 'number' ||
      !Number.isInteger(layer) ||
      layer < 0
    ) {
      throw new LayerListError(
        `item ${n} must be {"volume": "<path in the dataset>", "axis": "i|j|k", "layer": N}`,
      );
    }
    const doubt = typeof item.doubt === 'number' ? { doubt: item.doubt } : {};
    return { volume, axis, layer, ...doubt };
  });
  const dataset = typeof record.dataset === 'string' ? record.dataset : '.';
  return { kind: record.kind, dataset, items };
}

/**
 * The first item after `from` (or from the start with -1), wrapping around, that is not done;
 * -1 when every item is done.
 */
export function nextOpenItem(
  list: LayerList,
  isDone: (item: LayerListItem) => boolean,
  from = -1,
): number {
  const count = list.items.length;
  for (let step = 1; step <= count; step++) {
    const at = (((from + step) % count) + count) % count;
    if (!isDone(list.items[at]!)) return at;
  }
  return -1;
}
