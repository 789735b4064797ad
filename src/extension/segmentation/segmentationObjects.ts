/**
 * The document's tracked objects (TrackedObjectState by id) and how an edit moves them:
 * `before` on undo, `after` on redo, null meaning "absent". Pure bookkeeping, no I/O.
 */
import type { TrackedObjectState, TrackingEdit } from '../../protocol/editorMessages';

export type SegmentationObjects = Map<number, TrackedObjectState>;

export function applyTrackingEdit(
  objects: SegmentationObjects,
  edit: TrackingEdit,
  direction: 'undo' | 'redo',
): void {
  const state = direction === 'undo' ? edit.before : edit.after;
  if (state) objects.set(edit.objectId, state);
  else objects.delete(edit.objectId);
}

/** Objects in id order, which is also their drawing and label order. */
export function sortedObjects(objects: SegmentationObjects): TrackedObjectState[] {
  return [...objects.values()].sort((a, b) => a.id - b.id);
}
