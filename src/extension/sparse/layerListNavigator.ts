/**
 * Working through a dataset layer list in the volume editor (docs/sparse-annotation.md §6):
 * `python -m samocta2 sparse sample` writes the to-do list, `sparse review` the review list;
 * these commands open one, go to its next item that is not done (opening that subject's volume
 * on the item's layer) and mark the shown item done. Done is the trainer's rule: the layer is
 * annotated in the subject's regions sidecar, read from the open document when there is one
 * (unsaved changes count) and from `<name>.regions.json` otherwise.
 */
import * as vscode from 'vscode';
import {
  LayerListError,
  nextOpenItem,
  parseLayerList,
  type LayerList,
  type LayerListItem,
} from '../../core/sparse/layerList';
import type { Axis } from '../../core/volume/volume';
import type { SparseListItemMessage } from '../../protocol/editorMessages';
import { showErrorWithLog } from '../notifications';
import { regionFileNames } from '../regions/regionFiles';
import type { RegionsLayer } from '../regions/regionsLayer';

/** An open volume editor, as the navigator needs it (VolumeEditorSession). */
export interface LayerListTarget {
  readonly uri: vscode.Uri;
  regionsReady(): Promise<RegionsLayer>;
  showListItem(message: SparseListItemMessage): void;
}

export interface LayerListHost {
  /** The open editors of a volume. */
  targetsOf(uri: vscode.Uri): LayerListTarget[];
  /** Opens the volume in the volume editor. */
  open(uri: vscode.Uri): Promise<void>;
  readFile(uri: vscode.Uri): Promise<Uint8Array>;
  log: vscode.LogOutputChannel;
}

interface OpenList {
  readonly uri: vscode.Uri;
  readonly list: LayerList;
  readonly dataset: vscode.Uri;
  /** Index of the item shown, -1 before the first. */
  at: number;
}

type Annotated = { readonly axis: Axis | null; readonly layers: ReadonlySet<number> };

const AXES: Record<string, Axis> = { i: 0, j: 1, k: 2 };

export class LayerListNavigator {
  private current: OpenList | undefined;

  constructor(private readonly host: LayerListHost) {}

  /** Reads the list at `uri` and goes to its first item that is not done. */
  async open(uri: vscode.Uri): Promise<void> {
    let list: LayerList;
    try {
      list = parseLayerList(new TextDecoder().decode(await this.host.readFile(uri)));
    } catch (error) {
      const why = error instanceof LayerListError ? error.message : String(error);
      throw new Error(vscode.l10n.t('{0} is not a usable sparse layer list: {1}', uri.fsPath, why));
    }
    const folder = vscode.Uri.joinPath(uri, '..');
    this.current = {
      uri,
      list,
      dataset: vscode.Uri.joinPath(folder, ...list.dataset.split('/')),
      at: -1,
    };
    await this.next();
  }

  /** Goes to the next item after the shown one that is not done. */
  async next(): Promise<void> {
    const current = this.requireList();
    const annotated = await this.annotatedLayers(current);
    const isDone = (item: LayerListItem) => {
      const found = annotated.get(item.volume);
      return found !== undefined && found.axis === item.axis && found.layers.has(item.layer);
    };
    const at = nextOpenItem(current.list, isDone, current.at);
    const done = current.list.items.filter(isDone).length;
    if (at < 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Every layer of {0} is done ({1} of {2}).',
          current.uri.fsPath,
          done,
          current.list.items.length,
        ),
      );
      return;
    }
    current.at = at;
    const item = current.list.items[at]!;
    const volume = this.volumeUri(current, item);
    await this.host.open(volume);
    const targets = this.host.targetsOf(volume);
    if (targets.length === 0) throw new Error(vscode.l10n.t('{0} did not open.', volume.fsPath));
    const what = current.list.kind === 'review' ? vscode.l10n.t('Review') : vscode.l10n.t('To-do');
    const doubt =
      item.doubt !== undefined ? vscode.l10n.t(', doubt {0}', item.doubt.toFixed(2)) : '';
    const text = vscode.l10n.t(
      '{0} list: item {1} of {2} ({3} done): layer {4} along {5}{6}. Alt+D marks it done, Alt+N goes on.',
      what,
      at + 1,
      current.list.items.length,
      done,
      item.layer,
      'ijk'[item.axis]!,
      doubt,
    );
    for (const target of targets)
      target.showListItem({ type: 'sparseListItem', axis: item.axis, layer: item.layer, text });
  }

  /** Marks the shown item's layer annotated in its document (undoable) and goes on. */
  async markDone(): Promise<void> {
    const current = this.requireList();
    const item = current.list.items[current.at];
    if (!item) return this.next();
    const volume = this.volumeUri(current, item);
    const [target] = this.host.targetsOf(volume);
    if (!target)
      throw new Error(vscode.l10n.t('{0} is not open: go to the item first.', volume.fsPath));
    const regions = await target.regionsReady();
    if (regions.annotatedLayers.length > 0 && regions.axis !== item.axis) {
      throw new Error(
        vscode.l10n.t(
          '{0} is annotated along {1}, the list along {2}: the layer cannot be marked.',
          volume.fsPath,
          'ijk'[regions.axis]!,
          'ijk'[item.axis]!,
        ),
      );
    }
    regions.markAnnotated(item.layer, true, item.axis);
    await this.next();
  }

  private requireList(): OpenList {
    if (!this.current) {
      throw new Error(
        vscode.l10n.t('No sparse layer list is open: run "Open Sparse Annotation List…" first.'),
      );
    }
    return this.current;
  }

  private volumeUri(current: OpenList, item: LayerListItem): vscode.Uri {
    return vscode.Uri.joinPath(current.dataset, ...item.volume.split('/'));
  }

  /** Per volume of the list: its annotated layers, from the open editor or the sidecar file. */
  private async annotatedLayers(current: OpenList): Promise<Map<string, Annotated>> {
    const out = new Map<string, Annotated>();
    for (const volume of new Set(current.list.items.map((item) => item.volume))) {
      const uri = vscode.Uri.joinPath(current.dataset, ...volume.split('/'));
      const [target] = this.host.targetsOf(uri);
      if (target) {
        const regions = await target.regionsReady();
        out.set(volume, { axis: regions.axis, layers: new Set(regions.annotatedLayers) });
        continue;
      }
      out.set(volume, await this.sidecarLayers(uri));
    }
    return out;
  }

  private async sidecarLayers(volume: vscode.Uri): Promise<Annotated> {
    const name = volume.path.slice(volume.path.lastIndexOf('/') + 1);
    const sidecar = vscode.Uri.joinPath(volume, '..', regionFileNames(name).sidecar);
    let text: string;
    try {
      text = new TextDecoder().decode(await this.host.readFile(sidecar));
    } catch {
      return { axis: null, layers: new Set() }; // not annotated yet
    }
    try {
      const data = JSON.parse(text) as { axis?: unknown; layers?: unknown };
      const layers = Array.isArray(data.layers)
        ? data.layers.filter((v) => Number.isInteger(v))
        : [];
      const axis = typeof data.axis === 'string' ? (AXES[data.axis] ?? null) : 2;
      return { axis, layers: new Set(layers as number[]) };
    } catch (error) {
      // An unreadable sidecar is the editor's to report when the volume opens; here: not done.
      this.host.log.warn(`${sidecar.fsPath}: ${String(error)}`);
      return { axis: null, layers: new Set() };
    }
  }
}

/** The three commands; `targetsOf` lists the open volume editors of a volume. */
export function registerLayerListNavigator(
  targetsOf: (uri: vscode.Uri) => LayerListTarget[],
  log: vscode.LogOutputChannel,
  viewType: string,
): vscode.Disposable {
  const navigator = new LayerListNavigator({
    targetsOf,
    open: async (uri) => {
      await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
    },
    readFile: (uri) => Promise.resolve(vscode.workspace.fs.readFile(uri)),
    log,
  });
  const guarded = (run: () => Promise<void>) => () =>
    run().catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      log.error(`sparse layer list: ${text}`);
      void showErrorWithLog(vscode.l10n.t('SAM-OCTA2: {0}', text));
    });
  return vscode.Disposable.from(
    vscode.commands.registerCommand(
      'samOcta2.openSparseList',
      guarded(async () => {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          filters: { [vscode.l10n.t('Sparse layer list')]: ['json'] },
          openLabel: vscode.l10n.t('Open list'),
        });
        if (picked?.[0]) await navigator.open(picked[0]);
      }),
    ),
    vscode.commands.registerCommand(
      'samOcta2.sparseListNext',
      guarded(() => navigator.next()),
    ),
    vscode.commands.registerCommand(
      'samOcta2.sparseListMarkDone',
      guarded(() => navigator.markDone()),
    ),
  );
}
