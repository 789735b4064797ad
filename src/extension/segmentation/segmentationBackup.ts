/**
 * The tracked objects in a hot-exit backup (their part of the document's backup): JSON with
 * each mask's run lengths as base64, so prompts and masks come back exactly (no label-volume
 * overlap loss, no gzip work).
 */
import type { TrackedObjectState } from '../../protocol/editorMessages';

const BACKUP_FORMAT = 'samocta2-segmentation-backup';
const BACKUP_VERSION = 1;

interface BackupObject extends Omit<TrackedObjectState, 'masks'> {
  readonly masks: string;
}

export function encodeBackup(objects: readonly TrackedObjectState[]): unknown {
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    objects: objects.map((o): BackupObject => ({
      ...o,
      masks: Buffer.from(o.masks).toString('base64'),
    })),
  };
}

/** Throws when the content is not ours; the caller then falls back to the saved file. */
export function decodeBackup(content: unknown): TrackedObjectState[] {
  const raw = (content ?? {}) as { format?: unknown; version?: unknown; objects?: unknown };
  if (raw.format !== BACKUP_FORMAT || raw.version !== BACKUP_VERSION) {
    throw new Error(`not a ${BACKUP_FORMAT} version ${BACKUP_VERSION} file`);
  }
  if (!Array.isArray(raw.objects)) throw new Error('"objects" must be a list');
  return (raw.objects as BackupObject[]).map((o) => {
    const bytes = Buffer.from(o.masks, 'base64');
    const masks = new ArrayBuffer(bytes.length);
    new Uint8Array(masks).set(bytes);
    return { ...o, masks };
  });
}
