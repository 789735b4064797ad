/**
 * The footer: the layer slider, the status line (layer, depth in mm, axis) and the value readout
 * under the cursor. Cheap to update, since it changes on every layer step.
 */
import { layerPosition } from '../core/volume/layerNumbers';
import { layerPixelToVoxel } from '../core/volume/layers';
import type { ViewKind } from '../protocol/editorMessages';
import type { ImagePoint } from './imageView';
import type { Layout } from './layout';
import { formatValue } from './toolbar';
import type { ProjectionMode } from './viewState';
import type { LoadedVolume } from './loadedVolume';

const AXIS_NAMES = 'ijk';

export class Footer {
  constructor(private readonly layout: Layout) {}

  /** Also mirrors view and layer into data attributes, for end-to-end tests outside the page. */
  sync(session: LoadedVolume | null, layer: number, view: ViewKind): void {
    const { slider, status, root } = this.layout;
    slider.disabled = !session;
    if (session) {
      slider.max = String(session.layerCount - 1);
      slider.value = String(layer);
      slider.setAttribute('aria-valuetext', layerPosition(layer, session.layerCount));
      status.textContent =
        `${layerPosition(layer, session.layerCount)} · ` +
        `depth ${session.depthMm(layer).toFixed(3)} mm · axis ${AXIS_NAMES[session.axis]}`;
    }
    root.dataset.view = view;
    root.dataset.layer = String(layer);
    root.dataset.layerCount = String(session ? session.layerCount : 0);
  }

  /** The value under the cursor: the voxel in the layer view, the projected value otherwise. */
  readout(
    session: LoadedVolume | null,
    view: ViewKind,
    p: ImagePoint | null,
    values: {
      layer: number;
      layerValues?: Float32Array;
      projection?: ProjectionMode;
      projectionValues?: Float32Array;
      projectionRange?: readonly [number, number];
    },
  ): void {
    const out = this.layout.readout;
    out.textContent = '';
    if (!session || !p || view === '3d') return;
    const at = p.x + session.shape.width * p.y;
    if (view === 'layer' && values.layerValues) {
      const ijk = layerPixelToVoxel(session.axis, values.layer, p.x, p.y);
      out.textContent = `(i, j, k) = (${ijk.join(', ')}) · value ${formatValue(values.layerValues[at] ?? NaN)}`;
    } else if (view === 'projection' && values.projectionValues) {
      const v = values.projectionValues[at] ?? NaN;
      // Says over which layers: the projection's value is not the shown layer's (issue 16, item 11).
      const [from, to] = values.projectionRange ?? [0, session.layerCount - 1];
      out.textContent = `(x, y) = (${p.x}, ${p.y}) · ${values.projection} of layers ${from}–${to}: ${formatValue(v)}`;
    }
  }
}
