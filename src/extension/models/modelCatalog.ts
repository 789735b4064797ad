/**
 * Finds model bundles: the ones shipped in the extension's `models/` folder and those in the
 * folders of `samOcta2.modelPaths` (each a bundle, or a folder of bundles). Reads files through
 * vscode.workspace.fs, so remote and virtual workspaces work, and sends a bundle's files to the
 * webview, which validates and runs them.
 */
import * as vscode from 'vscode';
import { bundleQuality } from '../../core/tracker/bundleQuality';
import {
  BundleError,
  GRAPH_NAMES,
  parseManifest,
  type BundleSource,
} from '../../core/tracker/modelBundle';
import type {
  ModelErrorMessage,
  ModelFilesMessage,
  ModelInfo,
} from '../../protocol/editorMessages';

const MANIFEST = 'manifest.json';

export interface ModelEntry extends ModelInfo {
  readonly uri: vscode.Uri;
}

/** Folder paths from the setting; anything but a list of strings counts as none. */
export function readModelPaths(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
}

/**
 * The bundles found, shipped ones first. A folder that is missing or holds no bundle is logged
 * through `warn` and skipped: one bad path must not hide the others.
 */
export async function listModels(
  fs: vscode.FileSystem,
  extensionModels: vscode.Uri,
  userFolders: readonly string[],
  warn: (message: string) => void,
): Promise<ModelEntry[]> {
  const found: ModelEntry[] = [];
  const seen = new Set<string>();
  const add = (entries: ModelEntry[]): void => {
    for (const e of entries) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      found.push(e);
    }
  };
  add(await bundlesIn(fs, extensionModels, 'extension', () => undefined));
  for (const folder of userFolders) {
    const entries = await bundlesIn(fs, vscode.Uri.file(folder), folder, warn);
    if (entries.length === 0) {
      warn(`samOcta2.modelPaths: ${folder} holds no model bundle (a folder with ${MANIFEST}).`);
    }
    add(entries);
  }
  return found;
}

async function bundlesIn(
  fs: vscode.FileSystem,
  folder: vscode.Uri,
  source: string,
  warn: (message: string) => void,
): Promise<ModelEntry[]> {
  const own = await bundleAt(fs, folder, source, warn);
  if (own) return [own];
  let children: [string, vscode.FileType][];
  try {
    children = await fs.readDirectory(folder);
  } catch {
    return [];
  }
  const entries: ModelEntry[] = [];
  for (const [name, type] of children.sort((a, b) => a[0].localeCompare(b[0]))) {
    if (type !== vscode.FileType.Directory) continue;
    const entry = await bundleAt(fs, vscode.Uri.joinPath(folder, name), source, warn);
    if (entry) entries.push(entry);
  }
  return entries;
}

async function bundleAt(
  fs: vscode.FileSystem,
  folder: vscode.Uri,
  source: string,
  warn: (message: string) => void,
): Promise<ModelEntry | undefined> {
  let text: string;
  try {
    text = new TextDecoder().decode(await fs.readFile(vscode.Uri.joinPath(folder, MANIFEST)));
  } catch {
    return undefined;
  }
  try {
    const manifest = parseManifest(text);
    const size = String(manifest.model.size);
    const { summary, demo } = bundleQuality(size, manifest.metrics);
    return { id: folder.toString(), name: manifest.name, size, source, quality: summary, demo, uri: folder };
  } catch (error) {
    warn(`${folder.fsPath}: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * The bundle's manifest and graph files for the webview, or an error naming the file at fault.
 * The webview checks sha256 and shapes; here only presence and the manifest's structure.
 */
export async function readModelFiles(
  fs: vscode.FileSystem,
  model: ModelEntry,
): Promise<ModelFilesMessage | ModelErrorMessage> {
  // A copy that owns exactly these bytes, so the message transfers no neighbouring memory.
  const read = async (file: string): Promise<ArrayBuffer> =>
    (await readBundleFile(fs, model, file)).slice().buffer;
  try {
    const manifestBuffer = await read(MANIFEST);
    const manifest = parseManifest(new TextDecoder().decode(manifestBuffer));
    const files: Record<string, ArrayBuffer> = { [MANIFEST]: manifestBuffer };
    for (const graph of GRAPH_NAMES) {
      const file = manifest.graphs[graph].file;
      files[file] = await read(file);
    }
    return { type: 'modelFiles', id: model.id, name: model.name, files };
  } catch (error) {
    const message =
      error instanceof BundleError ? error.message : `${MANIFEST}: ${(error as Error).message}`;
    return { type: 'modelError', id: model.id, message };
  }
}

/** The bundle's files as the core tracker reads them (the host engine opens bundles so). */
export function modelSource(fs: vscode.FileSystem, model: ModelEntry): BundleSource {
  return {
    readBytes: (file) => readBundleFile(fs, model, file),
    readText: async (file) => new TextDecoder().decode(await readBundleFile(fs, model, file)),
  };
}

async function readBundleFile(
  fs: vscode.FileSystem,
  model: ModelEntry,
  file: string,
): Promise<Uint8Array> {
  try {
    return await fs.readFile(vscode.Uri.joinPath(model.uri, file));
  } catch {
    throw new BundleError(file, `missing from ${model.uri.fsPath}.`);
  }
}
