/**
 * The en-face RV annotation as the webview holds it (issue 6): one W×H mask in the volume's
 * (x, y) plane (1 = vessel), painted on the projection view while the depth axis is k. Takes
 * `enfaceRv` and `applyEnfaceRvEdit` from the host (keeping an `enfaceRv` that arrives before
 * the volume) and posts each finished stroke as `enfaceRvEdit`.
 */
import type { LabelEdit } from '../../core/labels/labelEdit';
import { decodeLabelEdit, encodeLabelEdit } from '../../core/labels/labelEditCodec';
import { forEachInsideRun } from '../../core/labels/maskRuns';
import type {
  EnfaceRvMessage,
  FromWebviewMessage,
  ToWebviewMessage,
} from '../../protocol/editorMessages';

export class EnfaceRvMirror {
  private plane: { width: number; height: number; mask: Uint8Array } | null = null;
  private pending: EnfaceRvMessage | null = null;
  /** False until the host sent `enfaceRv`. */
  loaded = false;
  /** Strokes posted so far. */
  posted = 0;

  constructor(private readonly post: (message: FromWebviewMessage) => void) {}

  /** The plane (rows × cols, 1 inside), once a volume is open. */
  get mask(): Uint8Array | null {
    return this.plane?.mask ?? null;
  }

  get width(): number {
    return this.plane?.width ?? 0;
  }

  get height(): number {
    return this.plane?.height ?? 0;
  }

  /** Takes the en-face RV messages; false for any other message. */
  handle(message: ToWebviewMessage): boolean {
    if (message.type !== 'enfaceRv' && message.type !== 'applyEnfaceRvEdit') return false;
    const plane = this.plane;
    if (!plane) {
      if (message.type === 'enfaceRv') this.pending = message;
      return true;
    }
    if (message.type === 'enfaceRv') {
      plane.mask.fill(0);
      const runs = new Uint32Array(message.mask);
      forEachInsideRun(runs, plane.mask.length, (start, end) => plane.mask.fill(1, start, end));
      this.loaded = true;
    } else if (message.edit) {
      const { indices, before, after } = decodeLabelEdit(message.edit);
      for (let n = 0; n < indices.length; n++) {
        const value =
          message.direction === 'undo' ? before[n] : typeof after === 'number' ? after : after[n];
        plane.mask[indices[n] ?? 0] = value ? 1 : 0;
      }
    }
    return true;
  }

  volumeOpened(dims: readonly [number, number, number]): void {
    const [width, height] = dims;
    this.plane = { width, height, mask: new Uint8Array(width * height) };
    this.loaded = false;
    const pending = this.pending;
    this.pending = null;
    if (pending) this.handle(pending);
  }

  /** A finished stroke (plane pixel indices), already shown: tell the host. */
  commit(edit: LabelEdit | null, label: string): void {
    const plane = this.plane;
    if (!plane || !edit) return;
    const planeEdit: LabelEdit = { ...edit, dims: [plane.width, plane.height, 1], layer: null };
    this.post({ type: 'enfaceRvEdit', label, edit: encodeLabelEdit(planeEdit) });
    this.posted++;
  }

  /** Vessel pixels (indices, ascending). */
  pixels(): number[] {
    const out: number[] = [];
    this.plane?.mask.forEach((v, p) => {
      if (v) out.push(p);
    });
    return out;
  }
}
