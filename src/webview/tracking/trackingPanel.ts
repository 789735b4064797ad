/**
 * The tracking toolbar row: model and backend status, the one picker of what the user is
 * editing (the vessel region or a tracked object: clicks, the brush and propagation all follow
 * it; issue 16, item 5) with add, rename, delete and the object's kind, propagation range and direction, propagate / cancel / clear, mask opacity, and a
 * progress bar with layers/s and ETA. Like the main toolbar it only reports what the user asked
 * for; the controller decides and calls `sync`.
 */
import type {
  VscodeProgressBar,
  VscodeSingleSelect,
  VscodeTextfield,
  VscodeToolbarButton,
} from '@vscode-elements/elements';
import type { ObjectKind } from '../../core/tracker/trackTypes';
import type { TrackDirectionChoice } from '../../protocol/workerMessages';
import { layerNumberRange, parseLayerNumber } from '../../core/volume/layerNumbers';
import { el } from '../dom';
import { TRACKING_STYLES } from './trackingStyles';

function adoptStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(TRACKING_STYLES);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

export interface TrackingActions {
  addObject(): void;
  selectObject(id: number): void;
  /** The vessel region picked: the brush paints it, and no object is selected. */
  selectRegion(): void;
  renameObject(name: string): void;
  deleteObject(): void;
  setKind(kind: ObjectKind): void;
  propagate(range: [number, number] | null, direction: TrackDirectionChoice): void;
  cancel(): void;
  clear(): void;
  opacity(value: number): void;
}

export interface TrackingView {
  readonly objects: readonly { id: number; name: string; color: string }[];
  readonly selected: { id: number; name: string; kind: ObjectKind } | null;
  readonly status: string;
  readonly busy: boolean;
  readonly canTrack: boolean;
  readonly layerCount: number;
}

export class TrackingPanel {
  readonly element: HTMLElement;
  private readonly objectSelect: VscodeSingleSelect;
  private readonly editingHint: HTMLElement;
  private readonly nameField: VscodeTextfield;
  private readonly kindSelect: VscodeSingleSelect;
  private readonly from: VscodeTextfield;
  private readonly to: VscodeTextfield;
  private layerCount = 0;
  private readonly direction: VscodeSingleSelect;
  private readonly buttons: Record<
    'add' | 'remove' | 'run' | 'stop' | 'clear',
    VscodeToolbarButton
  >;
  private readonly bar: VscodeProgressBar;
  private readonly progressText: HTMLElement;
  private readonly statusText: HTMLElement;

  constructor(actions: TrackingActions) {
    adoptStyles();
    this.objectSelect = el('vscode-single-select', {
      'data-testid': 'object-select',
      'aria-label': 'What you are editing: the vessel region or a tracked object',
    });
    this.objectSelect.addEventListener('change', () => {
      const v = this.objectSelect.value;
      if (v === REGION) actions.selectRegion();
      else actions.selectObject(Number(v));
    });
    // Said on the row, not only in a tooltip (issue 16, item 5): a newcomer does not know it.
    this.editingHint = el('span', { class: 'label hint', 'data-testid': 'editing-hint' }, [
      'where vessels lie on each layer: paint it for sparse annotation, or click to start an object',
    ]);
    this.nameField = el('vscode-textfield', {
      class: 'object-name',
      title: 'Name of the selected object',
      'aria-label': 'Object name',
      'data-testid': 'object-name',
    });
    this.nameField.addEventListener('change', () => actions.renameObject(this.nameField.value));
    this.kindSelect = el(
      'vscode-single-select',
      { 'data-testid': 'object-kind', 'aria-label': 'Object kind' },
      [
        el('vscode-option', { value: 'vessel' }, ['Vessel']),
        el('vscode-option', { value: 'faz' }, ['FAZ']),
      ],
    );
    this.kindSelect.addEventListener('change', () =>
      actions.setKind(this.kindSelect.value === 'faz' ? 'faz' : 'vessel'),
    );
    this.from = layerField('track-from', 'First layer to track (empty: the first)');
    this.to = layerField('track-to', 'Last layer to track (empty: the last layer)');
    this.direction = el(
      'vscode-single-select',
      {
        'data-testid': 'track-direction',
        'aria-label': 'Propagation direction',
      },
      [
        el('vscode-option', { value: 'both' }, ['Both ways']),
        el('vscode-option', { value: 'forward' }, ['Forward']),
        el('vscode-option', { value: 'backward' }, ['Backward']),
      ],
    );
    this.buttons = {
      add: button('add', 'New object (then click it on a layer)', 'object-add', actions.addObject),
      remove: button('trash', 'Delete the selected object', 'object-delete', actions.deleteObject),
      run: button('play', 'Propagate the selected object through the layers', 'propagate', () => {
        const range = this.range();
        if (range !== undefined) actions.propagate(range, this.directionValue());
      }),
      stop: button('debug-stop', 'Cancel the propagation', 'cancel', actions.cancel),
      clear: button(
        'clear-all',
        "Clear the selected object's prompts and masks",
        'clear',
        actions.clear,
      ),
    };
    const opacity = el('input', {
      type: 'range',
      min: '0',
      max: '100',
      value: '50',
      class: 'opacity',
      title: 'Mask opacity',
      'aria-label': 'Mask opacity',
      'data-testid': 'mask-opacity',
    });
    opacity.addEventListener('input', () => actions.opacity(Number(opacity.value) / 100));
    this.bar = el('vscode-progress-bar', { 'aria-label': 'Propagation progress' });
    this.bar.hidden = true;
    this.progressText = el('span', { class: 'label', 'data-testid': 'track-progress' });
    this.statusText = el('span', { class: 'label', 'data-testid': 'tracking-status' });
    const group = (label: string, children: Node[]): HTMLElement =>
      el('div', { class: 'group' }, [el('span', { class: 'label' }, [label]), ...children]);
    this.element = el(
      'div',
      {
        class: 'toolbar tracking',
        role: 'toolbar',
        'aria-label': 'Tracking',
        'data-testid': 'tracking-toolbar',
      },
      [
        group('Editing', [
          this.objectSelect,
          this.editingHint,
          this.buttons.add,
          this.nameField,
          this.kindSelect,
          this.buttons.remove,
        ]),
        group('Track', [this.from, el('span', { class: 'label' }, ['–']), this.to, this.direction]),
        this.buttons.run,
        this.buttons.stop,
        this.buttons.clear,
        group('Opacity', [opacity]),
        el('div', { class: 'group progress' }, [this.bar, this.progressText]),
        el('div', { class: 'spacer' }),
        this.statusText,
      ],
    );
  }

  sync(view: TrackingView): void {
    const choices: [string, string][] = [
      [REGION, '▨ Vessel region'],
      ...view.objects.map((o): [string, string] => [String(o.id), `● ${o.name}`]),
    ];
    const options = choices.map(([value, label]) => el('vscode-option', { value }, [label]));
    const labels = choices.map(([value, label]) => `${value}:${label}`).join('|');
    if (this.objectSelect.dataset.labels !== labels) {
      this.objectSelect.replaceChildren(...options);
      this.objectSelect.dataset.labels = labels;
    }
    const selected = view.selected;
    const editing = selected ? String(selected.id) : REGION;
    if (this.objectSelect.value !== editing) this.objectSelect.value = editing;
    this.editingHint.hidden = selected !== null;
    if (selected && !this.nameField.matches(':focus-within')) this.nameField.value = selected.name;
    if (selected) this.kindSelect.value = selected.kind;
    this.nameField.disabled = this.kindSelect.disabled = !selected;
    enable(this.buttons.remove, !!selected && !view.busy);
    enable(this.buttons.clear, !!selected && !view.busy);
    enable(this.buttons.run, !!selected && view.canTrack && !view.busy);
    enable(this.buttons.stop, view.busy);
    this.layerCount = view.layerCount;
    for (const f of [this.from, this.to]) f.max = Math.max(0, view.layerCount - 1);
    const span = layerNumberRange(view.layerCount);
    setTitle(this.from, `First layer to track, ${span} (empty: the first)`);
    setTitle(this.to, `Last layer to track, ${span} (empty: the last)`);
    this.statusText.textContent = view.status;
    this.statusText.title = view.status;
  }

  /** fraction < 0 hides the bar. */
  progress(fraction: number, text: string): void {
    this.bar.hidden = fraction < 0;
    this.bar.max = 100;
    this.bar.value = Math.round(Math.max(0, fraction) * 100);
    this.progressText.textContent = text;
  }

  /** The Track range typed; null: all layers; undefined: a field holds no layer number (said). */
  private range(): [number, number] | null | undefined {
    const read = (field: VscodeTextfield, empty: number): number | undefined => {
      const text = field.value.trim();
      const layer = text === '' ? empty : parseLayerNumber(text, this.layerCount);
      field.invalid = layer instanceof Error;
      if (!(layer instanceof Error)) return layer;
      this.statusText.textContent = layer.message;
      return undefined;
    };
    const from = read(this.from, 0);
    const to = read(this.to, Infinity);
    if (from === undefined || to === undefined) return undefined;
    return this.from.value.trim() === '' && this.to.value.trim() === '' ? null : [from, to];
  }

  private directionValue(): TrackDirectionChoice {
    const v = this.direction.value;
    return v === 'forward' || v === 'backward' ? v : 'both';
  }
}

/** The picker's value for the vessel region (object ids are numbers). */
const REGION = 'region';

/** vscode-toolbar-button has no `disabled`; TRACKING_STYLES grey out and block [disabled]. */
function enable(b: VscodeToolbarButton, on: boolean): void {
  b.toggleAttribute('disabled', !on);
  b.setAttribute('aria-disabled', String(!on));
}

function button(
  icon: string,
  title: string,
  testid: string,
  onClick: () => void,
): VscodeToolbarButton {
  const b = el('vscode-toolbar-button', {
    icon,
    title,
    'aria-label': title,
    'data-testid': testid,
  });
  b.addEventListener('click', () => onClick());
  return b;
}

function setTitle(field: VscodeTextfield, title: string): void {
  // `label` names the input in its shadow root (see el()).
  if (field.title !== title) field.title = field.ariaLabel = field.label = title;
}

function layerField(testid: string, title: string): VscodeTextfield {
  return el('vscode-textfield', {
    type: 'number',
    class: 'layer-number',
    title,
    'aria-label': title,
    'data-testid': testid,
    placeholder: testid === 'track-from' ? 'first' : 'last',
  });
}
