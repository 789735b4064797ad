/**
 * Hot-exit and crash backups of a document's objects: JSON with each mask's run lengths as
 * base64, so prompts and masks come back exactly (no label-volume overlap loss, no gzip work).
 */
import type { TrackedObjectState } from '../../protocol/editorMessages';

const BACKUP_FORMAT = 'samocta2-segmentation-backup';
const BACKUP_VERSION = 1;

interface BackupObject extends Omit<TrackedObjectState, 'masks'> {
  readonly masks: string;
}

export function encodeBackup(objects: readonly TrackedObjectState[]): Uint8Array {
  const content = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    objects: objects.map((o): BackupObject => ({
      ...o,
      masks: Buffer.from(o.masks).toString('base64'),
    })),
  };
  return new TextEncoder().encode(JSON.stringify(content));
}

/** Throws when the backup is not one of ours; the caller then falls back to the saved file. */
export function decodeBackup(bytes: Uint8Array): TrackedObjectState[] {
  const raw = JSON.parse(new TextDecoder().decode(bytes)) as {
    format?: unknown;
    version?: unknown;
    objects?: unknown;
  };
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
