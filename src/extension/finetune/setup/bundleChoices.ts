/**
 * The model bundles a new run can continue from: those whose manifest describes LoRA weights
 * (`training.lora`, written by `samocta2 export` beside the graphs; docs/model-bundle.md) and
 * whose weights file (and base copy `base.file`, when it names one) is there. The entry also says which base model the weights adapt, so the
 * setup can fill in the size, rank and base checkpoint the run must keep.
 */
import * as vscode from 'vscode';
import { MODEL_SIZES, type ModelSize } from '../run/taskDefinition';

export interface ContinuableBundle {
  /** The bundle folder (a file-system path, what the trainer's --init-lora takes). */
  readonly dir: string;
  readonly name: string;
  readonly size: ModelSize;
  /** The base weights the LoRA adapts; absent for nano's random weights. */
  readonly baseCheckpoint?: string;
  /** The bundle carries its own copy of the base weights (`base.file`): nothing to ask for. */
  readonly baseInBundle?: true;
  readonly loraRank?: number;
  /** The object kind it was trained for (rv / faz), when recorded. */
  readonly target?: string;
}

/** A bundle the model catalog found (models/modelCatalog.ts ModelEntry, the part used here). */
export interface CatalogBundle {
  readonly name: string;
  readonly uri: vscode.Uri;
}

type Fields = Record<string, unknown>;
const asFields = (v: unknown): Fields | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;

/** What the manifest's `training.lora` says, the parts the setup uses. */
export interface BundleLora {
  readonly file: string;
  readonly size: ModelSize;
  readonly checkpoint?: string;
  /** The bundle's copy of the base weights (`base.file`), relative to the bundle. */
  readonly baseFile?: string;
  readonly rank?: number;
  readonly target?: string;
}

/** The manifest's LoRA description, or undefined when the bundle carries no LoRA weights. */
export function bundleLora(manifest: unknown): BundleLora | undefined {
  const lora = asFields(asFields(asFields(manifest)?.training)?.lora);
  const base = asFields(lora?.base);
  const size = base?.size;
  if (
    lora === undefined ||
    typeof size !== 'string' ||
    !(MODEL_SIZES as readonly string[]).includes(size)
  ) {
    return undefined;
  }
  const rank = asFields(lora.lora)?.r;
  return {
    file: typeof lora.file === 'string' ? lora.file : 'lora.pt',
    size: size as ModelSize,
    ...(typeof base?.checkpoint === 'string' ? { checkpoint: base.checkpoint } : {}),
    ...(typeof base?.file === 'string' ? { baseFile: base.file } : {}),
    ...(typeof rank === 'number' && Number.isInteger(rank) ? { rank } : {}),
    ...(typeof lora.target === 'string' ? { target: lora.target } : {}),
  };
}

export async function continuableBundles(
  fs: Pick<vscode.FileSystem, 'readFile' | 'stat'>,
  bundles: readonly CatalogBundle[],
): Promise<ContinuableBundle[]> {
  const found: ContinuableBundle[] = [];
  for (const bundle of bundles) {
    let lora: BundleLora | undefined;
    try {
      const text = new TextDecoder().decode(
        await fs.readFile(vscode.Uri.joinPath(bundle.uri, 'manifest.json')),
      );
      lora = bundleLora(JSON.parse(text));
      if (lora === undefined) continue;
      await fs.stat(vscode.Uri.joinPath(bundle.uri, lora.file));
      if (lora.baseFile !== undefined)
        await fs.stat(vscode.Uri.joinPath(bundle.uri, lora.baseFile));
    } catch {
      continue; // no manifest, unreadable, or the weights file is gone: not continuable
    }
    found.push({
      dir: bundle.uri.fsPath,
      name: bundle.name,
      size: lora.size,
      ...(lora.checkpoint === undefined ? {} : { baseCheckpoint: lora.checkpoint }),
      ...(lora.baseFile === undefined ? {} : { baseInBundle: true as const }),
      ...(lora.rank === undefined ? {} : { loraRank: lora.rank }),
      ...(lora.target === undefined ? {} : { target: lora.target }),
    });
  }
  return found;
}
