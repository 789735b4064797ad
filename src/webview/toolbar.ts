/**
 * The toolbar: view switcher, depth axis, window, depth range and the per-view modes, built from
 * @vscode-elements components. It only reports what the user asked for; the app decides and
 * then calls `sync` with the resulting state.
 */
import type {
  VscodeSingleSelect,
  VscodeTextfield,
  VscodeToolbarButton,
} from '@vscode-elements/elements';
import type { Axis } from '../core/volume/volume';
import type { ViewKind } from '../protocol/editorMessages';
import { layerNumberRange } from '../core/volume/layerNumbers';
import { el } from './dom';
import { DEPTH_SCALES, type ProjectionMode, type RenderMode, type ViewState } from './viewState';

export interface ToolbarActions {
  view(kind: ViewKind): void;
  depthAxis(choice: 'auto' | Axis): void;
  window(min: number, max: number): void;
  autoWindow(): void;
  range(from: number, to: number): void;
  projection(mode: ProjectionMode): void;
  render3d(mode: RenderMode): void;
  depthScale(factor: number): void;
  resetCamera(): void;
  fit(): void;
}

/** What the toolbar shows besides the state: facts about the loaded volume. */
export interface ToolbarInfo {
  readonly dims: readonly [number, number, number] | null;
  /** The axis `auto` resolves to for this volume (the longest). */
  readonly autoAxis: Axis | null;
  /** The depth-axis choice in effect: the user's, else the setting's. */
  readonly axisChoice: 'auto' | Axis;
  /** The window in effect (auto or manual), for the min/max fields. */
  readonly window: { readonly min: number; readonly max: number } | null;
  readonly layerCount: number;
  readonly has3d: boolean;
}

const AXIS_NAMES = ['i', 'j', 'k'] as const;
const VIEWS: readonly { kind: ViewKind; icon: string; label: string }[] = [
  { kind: 'layer', icon: 'layers', label: 'Layer' },
  { kind: '3d', icon: 'package', label: '3D' },
  { kind: 'projection', icon: 'map', label: 'Projection' },
];

export class Toolbar {
  private readonly viewButtons = new Map<ViewKind, VscodeToolbarButton>();
  private readonly axisSelect: VscodeSingleSelect;
  private readonly windowMin: VscodeTextfield;
  private readonly windowMax: VscodeTextfield;
  private readonly rangeFrom: VscodeTextfield;
  private readonly rangeTo: VscodeTextfield;
  private readonly projectionSelect: VscodeSingleSelect;
  private readonly renderSelect: VscodeSingleSelect;
  private readonly rangeGroup: HTMLElement;
  private readonly projectionGroup: HTMLElement;
  private readonly renderGroup: HTMLElement;
  private readonly depthScaleSelect: VscodeSingleSelect;
  private readonly fitButton: VscodeToolbarButton;
  private readonly autoButton: VscodeToolbarButton;

  constructor(host: HTMLElement, actions: ToolbarActions) {
    const views = el('div', { class: 'group views', role: 'group', 'aria-label': 'View' });
    for (const v of VIEWS) {
      const b = button(v.icon, v.label, `${v.label} view`);
      b.dataset.view = v.kind;
      b.toggleable = true;
      b.addEventListener('click', () => actions.view(v.kind));
      this.viewButtons.set(v.kind, b);
      views.append(b);
    }

    this.axisSelect = select('depth-axis', 'Depth axis', [
      ['auto', 'Auto'],
      ...AXIS_NAMES.map((n) => [n, n] as const),
    ]);
    this.axisSelect.addEventListener('change', () => {
      const v = this.axisSelect.value;
      actions.depthAxis(v === 'auto' ? 'auto' : (AXIS_NAMES.indexOf(v as 'i') as Axis));
    });

    this.windowMin = numberField('window-min', 'Window minimum', 'number');
    this.windowMax = numberField('window-max', 'Window maximum', 'number');
    const onWindow = (): void => {
      const min = Number(this.windowMin.value);
      const max = Number(this.windowMax.value);
      if (Number.isFinite(min) && Number.isFinite(max) && max > min) actions.window(min, max);
      else this.windowMin.invalid = this.windowMax.invalid = true;
    };
    this.windowMin.addEventListener('change', onWindow);
    this.windowMax.addEventListener('change', onWindow);
    const auto = button('wand', undefined, 'Automatic window (percentiles from the settings)');
    auto.dataset.testid = 'window-auto';
    auto.toggleable = true;
    this.autoButton = auto;
    auto.addEventListener('click', () => actions.autoWindow());

    this.rangeFrom = numberField('range-from', 'First layer of the depth range', 'layer-number');
    this.rangeTo = numberField('range-to', 'Last layer of the depth range', 'layer-number');
    const onRange = (): void => {
      const from = Math.round(Number(this.rangeFrom.value));
      const to = Math.round(Number(this.rangeTo.value));
      if (Number.isFinite(from) && Number.isFinite(to)) actions.range(from, to);
    };
    this.rangeFrom.addEventListener('change', onRange);
    this.rangeTo.addEventListener('change', onRange);
    this.rangeGroup = group(
      'Layers',
      [this.rangeFrom, text('–'), this.rangeTo],
      "Depth range: layers projected, and the 3D view's clip",
    );

    this.projectionSelect = select('projection-mode', 'Projection over the depth range', [
      ['max', 'Max projection'],
      ['mean', 'Mean projection'],
    ]);
    this.projectionSelect.addEventListener('change', () =>
      actions.projection(this.projectionSelect.value === 'mean' ? 'mean' : 'max'),
    );
    this.projectionGroup = group('', [this.projectionSelect]);

    this.renderSelect = select('render-mode', '3D rendering', [
      ['mip', 'MIP'],
      ['alpha', 'Compositing'],
    ]);
    this.renderSelect.addEventListener('change', () =>
      actions.render3d(this.renderSelect.value === 'alpha' ? 'alpha' : 'mip'),
    );
    this.depthScaleSelect = select(
      'depth-scale',
      'Depth exaggeration of the 3D view (thin stacks are flat at ×1)',
      DEPTH_SCALES.map((s) => [String(s), `Depth ×${s}`] as const),
    );
    this.depthScaleSelect.addEventListener('change', () =>
      actions.depthScale(Number(this.depthScaleSelect.value) || 1),
    );
    const reset = button('discard', undefined, 'Reset the 3D camera');
    reset.addEventListener('click', () => actions.resetCamera());
    this.renderGroup = group('', [this.renderSelect, this.depthScaleSelect, reset]);

    this.fitButton = button('screen-full', undefined, 'Fit the image to the view');
    this.fitButton.addEventListener('click', () => actions.fit());

    host.append(
      views,
      separator(),
      group('Depth axis', [this.axisSelect], 'Array axis along depth; layers are slices across it'),
      group('Window', [this.windowMin, text('–'), this.windowMax, auto]),
      this.rangeGroup,
      this.projectionGroup,
      this.renderGroup,
      el('div', { class: 'spacer' }),
      this.fitButton,
    );
  }

  sync(state: ViewState, info: ToolbarInfo): void {
    for (const [kind, b] of this.viewButtons) {
      b.checked = kind === state.view;
      // Left enabled without WebGL2: the 3D view then explains how to get it.
      if (kind === '3d') b.title = info.has3d ? '3D view' : '3D view (unavailable: no WebGL2)';
    }
    // Labels first, and only when they change: the select re-reads its options on mutation.
    this.axisSelect.querySelectorAll('vscode-option').forEach((option, n) => {
      const dims = info.dims;
      const label =
        n === 0
          ? info.autoAxis === null
            ? 'Auto'
            : `Auto (${AXIS_NAMES[info.autoAxis]})`
          : dims
            ? `${AXIS_NAMES[n - 1]} (${dims[n - 1]})`
            : AXIS_NAMES[n - 1];
      if (option.textContent !== label) option.textContent = label;
    });
    const choice = info.axisChoice === 'auto' ? 'auto' : AXIS_NAMES[info.axisChoice];
    if (this.axisSelect.value !== choice) this.axisSelect.value = choice;
    this.autoButton.checked = state.window.auto;
    if (info.window) {
      setField(this.windowMin, formatValue(info.window.min));
      setField(this.windowMax, formatValue(info.window.max));
      this.windowMin.invalid = this.windowMax.invalid = false;
    }
    const last = Math.max(0, info.layerCount - 1);
    const range = state.range ?? [0, last];
    setField(this.rangeFrom, String(range[0]));
    setField(this.rangeTo, String(range[1]));
    for (const f of [this.rangeFrom, this.rangeTo]) f.max = last;
    const span = layerNumberRange(info.layerCount);
    // `label` names the input in the field's shadow root (see el()).
    this.rangeFrom.title =
      this.rangeFrom.ariaLabel =
      this.rangeFrom.label =
        `First layer of the depth range, ${span}`;
    this.rangeTo.title =
      this.rangeTo.ariaLabel =
      this.rangeTo.label =
        `Last layer of the depth range, ${span}`;
    this.rangeGroup.hidden = state.view === 'layer';
    this.projectionGroup.hidden = state.view !== 'projection';
    this.renderGroup.hidden = state.view !== '3d';
    this.fitButton.hidden = state.view === '3d';
    this.projectionSelect.value = state.projection;
    this.renderSelect.value = state.render3d;
    this.depthScaleSelect.value = String(state.depthScale);
  }
}

/** Short, exact enough for a window bound (integers stay integers). */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toPrecision(4) : String(+v.toFixed(3));
}

function setField(field: VscodeTextfield, value: string): void {
  // Do not overwrite what the user is typing.
  if (!field.matches(':focus-within') && field.value !== value) field.value = value;
}

function button(icon: string, label: string | undefined, title: string): VscodeToolbarButton {
  const b = el('vscode-toolbar-button', { icon, title, 'aria-label': title });
  if (label) b.append(label);
  return b;
}

/** `name`: what a screen reader says for the dropdown (its visible label may be apart or none). */
function select(
  testid: string,
  name: string,
  options: readonly (readonly [string, string])[],
): VscodeSingleSelect {
  const s = el('vscode-single-select', { 'data-testid': testid, 'aria-label': name, title: name });
  for (const [value, label] of options) s.append(el('vscode-option', { value }, [label]));
  return s;
}

/**
 * Window bounds are real numbers: a text field, since a number field flags values off its step
 * (and vscode-textfield's numeric `step` cannot be 'any'). Layer numbers are integers.
 */
function numberField(testid: string, title: string, cls: string): VscodeTextfield {
  return el('vscode-textfield', {
    type: cls === 'layer-number' ? 'number' : 'text',
    inputmode: 'decimal',
    class: cls,
    title,
    'aria-label': title,
    'data-testid': testid,
  });
}

function group(label: string, children: readonly Node[], title?: string): HTMLElement {
  const head = label ? [el('span', { class: 'label', title: title ?? label }, [label])] : [];
  return el('div', { class: 'group' }, [...head, ...children]);
}

function text(t: string): HTMLElement {
  return el('span', { class: 'label' }, [t]);
}

function separator(): HTMLElement {
  return el('div', { class: 'separator', role: 'separator' });
}
