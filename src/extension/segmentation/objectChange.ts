/**
 * The tracked objects (TrackedObjectState by id) and their undo records. The webview sends an
 * edit as the object's whole state before and after; the undo stack keeps only what changed:
 * the fields before and after and the voxels whose inside/outside flips (XOR of the two masks'
 * runs), so a propagation over 640 layers costs the layers it changed, not two whole masks.
 * Pure bookkeeping, no I/O.
 */
import { xorRuns } from '../../core/labels/maskRuns';
import type {
  TrackedObjectState,
  TrackingEdit,
  TrackingEditKind,
} from '../../protocol/editorMessages';
import type { Direction } from '../document/annotationLayer';

export type TrackedObjects = Map<number, TrackedObjectState>;

/** An object without its mask. */
export type ObjectFields = Omit<TrackedObjectState, 'masks'>;

export interface ObjectChange {
  readonly kind: TrackingEditKind;
  readonly label: string;
  readonly objectId: number;
  /** null: the object did not exist before (addObject). */
  readonly before: ObjectFields | null;
  /** null: the object no longer exists (deleteObject). */
  readonly after: ObjectFields | null;
  /** Runs over the volume of the voxels that change; XOR turns either mask into the other. */
  readonly flip: Uint32Array;
}

/** The record of `edit`; throws (RangeError) when its two masks are of different volumes. */
export function objectChange(edit: TrackingEdit): ObjectChange {
  const before = edit.before && runsOf(edit.before);
  const after = edit.after && runsOf(edit.after);
  const count = total(before ?? after ?? new Uint32Array([0]));
  const flip = xorRuns(before ?? outside(count), after ?? outside(count), count);
  return {
    kind: edit.kind,
    label: edit.label,
    objectId: edit.objectId,
    before: edit.before && withoutMask(edit.before),
    after: edit.after && withoutMask(edit.after),
    flip,
  };
}

/** Moves `objects` to the change's state after (redo) or before (undo) it. */
export function applyObjectChange(
  objects: TrackedObjects,
  change: ObjectChange,
  direction: Direction,
): void {
  const fields = direction === 'undo' ? change.before : change.after;
  if (!fields) {
    objects.delete(change.objectId);
    return;
  }
  objects.set(change.objectId, { ...fields, masks: flipped(objects.get(change.objectId), change) });
}

/**
 * The edit as the webview sends and applies it (both whole states), rebuilt from the object's
 * state `now`, just after the change moved it in `direction`.
 */
export function trackingEditOf(
  change: ObjectChange,
  direction: Direction,
  now: TrackedObjectState | undefined,
): TrackingEdit {
  const otherFields = direction === 'undo' ? change.after : change.before;
  const other = otherFields && { ...otherFields, masks: flipped(now, change) };
  const current = now ?? null;
  return {
    kind: change.kind,
    label: change.label,
    objectId: change.objectId,
    before: direction === 'undo' ? current : other,
    after: direction === 'undo' ? other : current,
  };
}

/** Objects in id order, which is also their drawing and label order. */
export function sortedObjects(objects: TrackedObjects): TrackedObjectState[] {
  return [...objects.values()].sort((a, b) => a.id - b.id);
}

function flipped(state: TrackedObjectState | undefined, change: ObjectChange): ArrayBuffer {
  const count = total(change.flip);
  const runs = xorRuns(state ? runsOf(state) : outside(count), change.flip, count);
  return runs.buffer as ArrayBuffer;
}

function withoutMask(state: TrackedObjectState): ObjectFields {
  const fields: { -readonly [K in keyof TrackedObjectState]?: TrackedObjectState[K] } = {
    ...state,
  };
  delete fields.masks;
  return fields as ObjectFields;
}

function runsOf(state: TrackedObjectState): Uint32Array {
  if (state.masks.byteLength % 4 !== 0) {
    throw new RangeError(`Object ${state.id}'s mask is not a list of 32-bit run lengths.`);
  }
  return new Uint32Array(state.masks);
}

function outside(count: number): Uint32Array {
  return Uint32Array.of(count);
}

function total(runs: Uint32Array): number {
  return runs.reduce((sum, n) => sum + n, 0);
}
