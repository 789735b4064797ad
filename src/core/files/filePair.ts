/**
 * An image file and its JSON sidecar (SEG.nii.gz + SEG.json, regions + json) written and read as
 * one: the sidecar records the sha256 of the image's bytes, both are written to temporary files
 * and made durable before either is renamed into place, image first. A crash at any point leaves
 * either the old pair, or the new image beside a complete temporary sidecar, which the next read
 * or write renames into place (roll forward). A sidecar whose hash does not match its image is a
 * clear error and nothing is deleted. The file operations are injected (Node in the CLI,
 * vscode.workspace.fs in the editor), so the rule lives here once.
 */
import type { Sha256 } from '../tracker/modelBundle';

// Every host of src/core (Node, browsers, workers) has these; core's lib (ES2022) does not type them.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };

/** The file operations of one folder, by file name. */
export interface FolderFs {
  /** Creates or replaces `name` with `bytes`, durably where the platform can (fsync). */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** Replaces `to` with `from` in one step (both in this folder). */
  rename(from: string, to: string): Promise<void>;
  /** The file's bytes, or undefined when it does not exist. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Removes the file; a missing file is not an error. */
  remove(name: string): Promise<void>;
  /** The names in the folder. */
  list(): Promise<string[]>;
  /** Makes the folder's renames durable (fsync of the folder); a no-op where unsupported. */
  syncFolder(): Promise<void>;
  /** Whether the writer that used `tag` in a temporary name may still be writing (a live pid). */
  isLiveTag(tag: string): boolean;
}

export interface PairNames {
  image: string;
  sidecar: string;
}

/** The sidecar key that holds the image's sha256 (lowercase hex of the file's bytes). */
export const IMAGE_SHA256_KEY = 'image_sha256';

export class PairMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PairMismatchError';
  }
}

/** `.NAME.TAG.tmp`: hidden, beside its target (same file system, so the rename is atomic). */
export function tempName(name: string, tag: string): string {
  return `.${name}.${tag}.tmp`;
}

/** The tag of a temporary name made by tempName for `name`, or undefined. */
export function tempTag(candidate: string, name: string): string | undefined {
  const prefix = `.${name}.`;
  if (!candidate.startsWith(prefix) || !candidate.endsWith('.tmp')) return undefined;
  const tag = candidate.slice(prefix.length, -'.tmp'.length);
  return tag.length > 0 && !tag.includes('.') ? tag : undefined;
}

export interface PairWriteOptions {
  sha256: Sha256;
  /** Unique to this writer while it runs (the CLI: its pid), used in the temporary names. */
  tag: string;
}

/**
 * Writes `image` and `sidecar` (a JSON object, or its UTF-8 bytes) as a pair; the sidecar is
 * written with IMAGE_SHA256_KEY set. Settles any earlier interrupted write first. Returns the
 * notices of that settling (e.g. a rolled-forward sidecar).
 */
export async function writePair(
  fs: FolderFs,
  names: PairNames,
  image: Uint8Array,
  sidecar: Record<string, unknown> | Uint8Array,
  options: PairWriteOptions,
): Promise<string[]> {
  const notices = await settlePair(fs, names, options.sha256);
  const object = sidecar instanceof Uint8Array ? parseJsonObject(sidecar, names.sidecar) : sidecar;
  const digest = await options.sha256(image);
  const sidecarBytes = new TextEncoder().encode(
    JSON.stringify({ ...object, [IMAGE_SHA256_KEY]: digest }, null, 2) + '\n',
  );
  const imageTemp = tempName(names.image, options.tag);
  const sidecarTemp = tempName(names.sidecar, options.tag);
  try {
    await fs.write(imageTemp, image);
    await fs.write(sidecarTemp, sidecarBytes);
    // Both temporary files exist durably before anything under a final name changes.
    await fs.syncFolder();
  } catch (error) {
    await fs.remove(imageTemp).catch(() => undefined);
    await fs.remove(sidecarTemp).catch(() => undefined);
    throw error;
  }
  await fs.rename(imageTemp, names.image);
  await fs.rename(sidecarTemp, names.sidecar);
  await fs.syncFolder();
  return notices;
}

export interface ReadPairResult {
  /** Undefined when the image file does not exist. */
  image: Uint8Array | undefined;
  /** The sidecar's bytes; undefined when it does not exist. */
  sidecar: Uint8Array | undefined;
  /** What settling did, and a sidecar without a hash (written before hashes) left unchecked. */
  notices: string[];
}

/**
 * Reads a pair after settling an interrupted write. Throws PairMismatchError when the sidecar's
 * hash names other image bytes (the files were changed apart); nothing is modified then.
 */
export async function readPair(
  fs: FolderFs,
  names: PairNames,
  sha256: Sha256,
): Promise<ReadPairResult> {
  const notices = await settlePair(fs, names, sha256);
  const image = await fs.read(names.image);
  const sidecar = await fs.read(names.sidecar);
  if (image && sidecar) {
    const recorded = recordedHash(sidecar);
    if (recorded === undefined) {
      notices.push(
        `${names.sidecar} records no ${IMAGE_SHA256_KEY} (written before pairs were checked): ` +
          `it was not checked against ${names.image}.`,
      );
    } else {
      const actual = await sha256(image);
      if (actual !== recorded) {
        throw new PairMismatchError(
          `${names.sidecar} was written for other contents of ${names.image} (sha256 ` +
            `${recorded.slice(0, 12)}…, the file has ${actual.slice(0, 12)}…): one of them was ` +
            `replaced or edited on its own. Both were left as they are; restore the matching ` +
            `file, or delete ${names.sidecar} to open the labels without names and prompts.`,
        );
      }
    }
  }
  return { image, sidecar, notices };
}

/**
 * Finishes or discards what an interrupted writer left: when the image is new and a complete
 * temporary sidecar records its hash, that sidecar is renamed into place; then every temporary
 * file of the pair whose writer is gone is removed. Returns what it did, as notices.
 */
export async function settlePair(
  fs: FolderFs,
  names: PairNames,
  sha256: Sha256,
): Promise<string[]> {
  const notices: string[] = [];
  const entries = await fs.list();
  const abandoned = (name: string): string[] =>
    entries.filter((entry) => {
      const tag = tempTag(entry, name);
      return tag !== undefined && !fs.isLiveTag(tag);
    });
  const sidecarTemps = abandoned(names.sidecar);
  if (sidecarTemps.length > 0) {
    const image = await fs.read(names.image);
    const sidecar = await fs.read(names.sidecar);
    const current = sidecar ? recordedHash(sidecar) : undefined;
    const actual = image ? await sha256(image) : undefined;
    if (actual !== undefined && current !== actual) {
      for (const temp of sidecarTemps) {
        const bytes = await fs.read(temp);
        if (bytes && recordedHash(bytes) === actual) {
          await fs.rename(temp, names.sidecar);
          await fs.syncFolder();
          notices.push(
            `The last save of ${names.image} was interrupted after the image was written; ` +
              `${names.sidecar} was completed from its saved copy.`,
          );
          break;
        }
      }
    }
  }
  await removeAbandonedTemps(fs, [names.image, names.sidecar]);
  return notices;
}

/**
 * Removes the temporary files of `names` whose writer is gone (a crash, a kill, an older
 * version's random tags); a live writer's are left alone. Returns how many were removed.
 */
export async function removeAbandonedTemps(
  fs: FolderFs,
  names: readonly string[],
): Promise<number> {
  let removed = 0;
  for (const entry of await fs.list()) {
    const tag = names.map((name) => tempTag(entry, name)).find((t) => t !== undefined);
    if (tag === undefined || fs.isLiveTag(tag)) continue;
    await fs.remove(entry);
    removed++;
  }
  if (removed > 0) await fs.syncFolder();
  return removed;
}

/**
 * Writes one file that has no partner (an en-face plane, a hot-exit backup) by the same rule:
 * to a temporary name, then renamed over `name`; readers see the old bytes or the new. Earlier
 * abandoned temporary files of `name` are removed first; this write's own is removed when the
 * write fails.
 */
export async function writeFileAtomic(
  fs: FolderFs,
  name: string,
  bytes: Uint8Array,
  tag: string,
): Promise<void> {
  await removeAbandonedTemps(fs, [name]);
  const temp = tempName(name, tag);
  try {
    await fs.write(temp, bytes);
    await fs.rename(temp, name);
  } catch (error) {
    await fs.remove(temp).catch(() => undefined);
    throw error;
  }
  await fs.syncFolder();
}

/** The sidecar's IMAGE_SHA256_KEY, or undefined when it has none or is not a JSON object. */
function recordedHash(bytes: Uint8Array): string | undefined {
  try {
    const value = (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>)[
      IMAGE_SHA256_KEY
    ];
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

function parseJsonObject(bytes: Uint8Array, name: string): Record<string, unknown> {
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${name}: a sidecar must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}
