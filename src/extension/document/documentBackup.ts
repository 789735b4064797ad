/**
 * The one hot-exit backup of a VolumeDocument: a JSON file holding every annotation layer's
 * content under its key. Backups written before this format (one file per layer: the
 * segmentation's at the backup id, the others beside it with a suffix) are still read.
 */
import * as vscode from 'vscode';
import type { BackupContent } from './annotationLayer';

const FORMAT = 'samocta2-document-backup';
const VERSION = 1;

/** What a backup layer is known by: its key now, its file suffix before. */
export interface BackedUpLayer {
  readonly key: string;
  readonly legacyBackupSuffix: string;
  backupContent(): BackupContent;
}

export function encodeDocumentBackup(layers: readonly BackedUpLayer[]): Uint8Array {
  const content: Record<string, BackupContent> = {};
  for (const layer of layers) content[layer.key] = layer.backupContent();
  return new TextEncoder().encode(
    JSON.stringify({ format: FORMAT, version: VERSION, layers: content }),
  );
}

/**
 * Each layer's content, by key, from the backup at `uri`; a layer whose content cannot be read
 * is left out (it then loads its saved files), and so is every layer when nothing can be read.
 */
export async function readDocumentBackup(
  fs: vscode.FileSystem,
  uri: vscode.Uri,
  layers: readonly BackedUpLayer[],
): Promise<Map<string, BackupContent>> {
  const contents = new Map<string, BackupContent>();
  const raw = await readJson(fs, uri);
  if (isRecord(raw) && raw.format === FORMAT) {
    if (raw.version !== VERSION || !isRecord(raw.layers)) return contents;
    for (const { key } of layers) {
      if (raw.layers[key] !== undefined) contents.set(key, raw.layers[key]);
    }
    return contents;
  }
  for (const { key, legacyBackupSuffix } of layers) {
    const content =
      legacyBackupSuffix === '' ? raw : await readJson(fs, legacyUri(uri, legacyBackupSuffix));
    if (content !== undefined) contents.set(key, content);
  }
  return contents;
}

/** Deletes the backup and the files an older version wrote beside it; never throws. */
export function deleteDocumentBackup(
  fs: vscode.FileSystem,
  uri: vscode.Uri,
  layers: readonly BackedUpLayer[],
): void {
  const uris = [
    uri,
    ...layers.filter((l) => l.legacyBackupSuffix).map((l) => legacyUri(uri, l.legacyBackupSuffix)),
  ];
  for (const each of uris) void fs.delete(each).then(undefined, () => undefined);
}

function legacyUri(backup: vscode.Uri, suffix: string): vscode.Uri {
  const name = backup.path.slice(backup.path.lastIndexOf('/') + 1);
  return vscode.Uri.joinPath(backup, '..', `${name}${suffix}`);
}

/** The parsed file, or undefined when it is missing or not JSON. */
async function readJson(fs: vscode.FileSystem, uri: vscode.Uri): Promise<unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(await fs.readFile(uri))) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
