/**
 * The sparse-annotation panel's DOM: five steps in a row of groups (Screen, Sample, Train and
 * predict, Review, Finish), built from vscode-elements like the toolbars (buttons, number and
 * text fields, the device dropdown, a checkbox, a progress bar) with test ids. The blank-layer
 * threshold stays a native range input, as the brush radius and mask opacity do (the elements
 * have no slider). It only reports what the user asked for (SparseActions) and shows what the
 * controller gives it (sync); it decides nothing.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type {
  VscodeButton,
  VscodeCheckbox,
  VscodeProgressBar,
  VscodeSingleSelect,
  VscodeTextfield,
} from '@vscode-elements/elements';
import { ENFACE_DRAWN } from '../../core/sparse/sparseConstants';
import type { SparseDevice } from '../../protocol/editorMessages';
import { el } from '../dom';
import { ranges, sliderToThreshold, thresholdToSlider } from './sparseScales';
import { SPARSE_STYLES } from './sparseStyles';

export interface SparseActions {
  threshold(value: number): void;
  sample(count: number, seed: number): void;
  stepSampled(step: 1 | -1): void;
  toggleAnnotated(): void;
  train(steps: number, device: SparseDevice): void;
  predict(device: SparseDevice): void;
  stop(): void;
  stepReview(step: 1 | -1): void;
  accept(): void;
  showPrediction(on: boolean): void;
  finish(enfacePath: string): void;
  browse(): void;
  settingsEdited(): void;
}

export interface SparseView {
  readonly measure: string;
  readonly threshold: number;
  readonly nonBlank: readonly number[];
  readonly layerCount: number;
  readonly sampled: readonly number[];
  readonly annotated: readonly number[];
  readonly layer: number;
  readonly busy: boolean;
  readonly hasModel: boolean;
  readonly reviewText: string;
  readonly canAccept: boolean;
  readonly predicted: number;
  readonly status: { task: string; phase: string; text: string; fraction: number } | null;
  readonly folder: string;
}

const DEVICES: readonly [SparseDevice, string][] = [
  ['auto', 'auto'],
  ['cpu', 'CPU'],
  ['cuda', 'GPU (CUDA)'],
];

export class SparsePanel {
  readonly element: HTMLDetailsElement;
  private readonly thresholdInput: HTMLInputElement;
  private readonly thresholdText: HTMLElement;
  private readonly nonBlankText: HTMLElement;
  readonly count: VscodeTextfield;
  readonly seed: VscodeTextfield;
  private readonly sampledText: HTMLElement;
  private readonly markButton: VscodeButton;
  readonly steps: VscodeTextfield;
  readonly device: VscodeSingleSelect;
  private readonly buttons: Record<
    | 'sample'
    | 'prev'
    | 'next'
    | 'train'
    | 'predict'
    | 'stop'
    | 'reviewPrev'
    | 'reviewNext'
    | 'accept'
    | 'finish'
    | 'browse'
    | 'drawn',
    VscodeButton
  >;
  private readonly reviewText: HTMLElement;
  private readonly showPrediction: VscodeCheckbox;
  readonly enface: VscodeTextfield;
  private readonly statusText: HTMLElement;
  private readonly progress: VscodeProgressBar;

  constructor(actions: SparseActions) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(SPARSE_STYLES);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    const number = (testid: string, title: string, value: string, min = '0'): VscodeTextfield => {
      const field = el('vscode-textfield', {
        type: 'number',
        class: 'number',
        min,
        value,
        title,
        'aria-label': title,
        'data-testid': testid,
      });
      field.addEventListener('change', () => actions.settingsEdited());
      return field;
    };
    const button = (testid: string, text: string, title: string, onClick: () => void) => {
      const b = el('vscode-button', { secondary: true, title, 'data-testid': testid }, [text]);
      b.addEventListener('click', onClick);
      return b;
    };
    this.thresholdInput = el('input', {
      type: 'range',
      min: '0',
      max: '100',
      step: '1',
      title: 'Blank-layer threshold',
      'aria-label': 'Blank-layer threshold',
      'data-testid': 'sparse-threshold',
    });
    this.thresholdInput.addEventListener('input', () =>
      actions.threshold(sliderToThreshold(Number(this.thresholdInput.value))),
    );
    this.thresholdText = el('span', { class: 'value', 'data-testid': 'sparse-threshold-value' });
    this.nonBlankText = el('span', { class: 'value', 'data-testid': 'sparse-nonblank' });
    this.count = number('sparse-count', 'How many layers to sample', '10', '1');
    this.seed = number(
      'sparse-seed',
      'Random seed of the sample (the same seed gives the same layers)',
      '1',
    );
    this.sampledText = el('span', { class: 'value', 'data-testid': 'sparse-sampled' });
    this.markButton = button(
      'sparse-mark',
      'Mark annotated',
      'Add this layer to the training set (its region, even empty, is the answer)',
      () => actions.toggleAnnotated(),
    );
    this.steps = number('sparse-steps', 'Training steps', '300', '1');
    this.device = el(
      'vscode-single-select',
      {
        class: 'device',
        'data-testid': 'sparse-device',
        title: 'Where the trainer runs',
        'aria-label': 'Device the trainer runs on',
      },
      DEVICES.map(([value, label]) => el('vscode-option', { value }, [label])),
    );
    this.device.addEventListener('change', () => actions.settingsEdited());
    this.buttons = {
      sample: button(
        'sparse-sample',
        'Sample',
        'Draw layers at random from the non-blank ones',
        () => actions.sample(Number(this.count.value), Number(this.seed.value)),
      ),
      prev: button('sparse-prev', '◀', 'Previous sampled layer', () => actions.stepSampled(-1)),
      next: button('sparse-next', '▶', 'Next sampled layer', () => actions.stepSampled(1)),
      train: button(
        'sparse-train',
        'Train',
        'Train the region model on the annotated layers of this folder (a VS Code task)',
        () => actions.train(Number(this.steps.value), this.deviceValue()),
      ),
      predict: button(
        'sparse-predict',
        'Predict',
        'Predict the region on every non-blank layer',
        () => actions.predict(this.deviceValue()),
      ),
      stop: button('sparse-stop', 'Stop', 'Stop the running task (the trainer saves first)', () =>
        actions.stop(),
      ),
      reviewPrev: button('sparse-review-prev', '◀', 'Previous layer in review order', () =>
        actions.stepReview(-1),
      ),
      reviewNext: button(
        'sparse-review-next',
        'Most doubtful ▶',
        'Next layer in review order (most doubtful first)',
        () => actions.stepReview(1),
      ),
      accept: button(
        'sparse-accept',
        'Accept',
        'Take the predicted region of this layer into the annotation (then correct it with the brush)',
        () => actions.accept(),
      ),
      browse: button('sparse-browse', 'Browse…', 'Pick the en-face RV annotation', () =>
        actions.browse(),
      ),
      drawn: button(
        'sparse-enface-drawn',
        'Drawn',
        'Use the en-face RV drawn with the brush on the projection view (depth axis k), saved ' +
          'as <name>.rv2d.nii.gz',
        () => {
          this.enface.value = ENFACE_DRAWN;
          actions.settingsEdited();
        },
      ),
      finish: button(
        'sparse-finish',
        'Write vessels',
        'Write <name>.vessels.nii.gz: en-face RV ∩ region on every layer',
        () => actions.finish(this.enface.value),
      ),
    };
    this.reviewText = el('span', { class: 'value', 'data-testid': 'sparse-review' });
    this.showPrediction = el(
      'vscode-checkbox',
      {
        checked: true,
        title: "Outline the predicted region on the layer (the brush's region is painted over it)",
        'data-testid': 'sparse-show-prediction',
      },
      ['show'],
    );
    this.showPrediction.addEventListener('change', () =>
      actions.showPrediction(this.showPrediction.checked),
    );
    const enfaceTitle =
      "En-face RV annotation: a file, absolute or relative to the volume's folder, or " +
      `"${ENFACE_DRAWN}" (the Drawn button) for the one painted with the brush there.`;
    this.enface = el('vscode-textfield', {
      class: 'path',
      placeholder: 'en-face vessel map',
      title: enfaceTitle,
      'aria-label': enfaceTitle,
      'data-testid': 'sparse-enface',
    });
    this.enface.addEventListener('change', () => actions.settingsEdited());
    this.statusText = el('span', {
      class: 'status',
      'data-testid': 'sparse-status',
      role: 'status',
    });
    this.progress = el('vscode-progress-bar', {
      'aria-label': 'Task progress',
      'data-testid': 'sparse-progress',
    });
    this.progress.hidden = true;
    const group = (title: string, children: (Node | string)[]) =>
      el('div', { class: 'group' }, [el('span', { class: 'step' }, [title]), ...children]);
    const label = (text: string, input: HTMLElement) => el('label', {}, [text, ' ', input]);
    this.element = el('details', { class: 'sparse-panel', 'data-testid': 'sparse-panel' }, [
      el('summary', {}, [
        'Sparse annotation: paint the vessel region on a few layers, train, let it fill the rest',
      ]),
      el('div', { class: 'rows' }, [
        group('1 Skip blank layers', [
          label('a layer is blank when under', this.thresholdInput),
          this.thresholdText,
          this.nonBlankText,
        ]),
        group('2 Pick layers to paint', [
          label('how many', this.count),
          label('seed', this.seed),
          this.buttons.sample,
          this.buttons.prev,
          this.sampledText,
          this.buttons.next,
          this.markButton,
        ]),
        group('3 Train', [
          label('steps', this.steps),
          this.device,
          this.buttons.train,
          this.buttons.predict,
          this.buttons.stop,
        ]),
        group('4 Review the predictions', [
          this.buttons.reviewPrev,
          this.reviewText,
          this.buttons.reviewNext,
          this.buttons.accept,
          this.showPrediction,
        ]),
        group('5 Write 3D vessel labels', [
          this.enface,
          this.buttons.browse,
          this.buttons.drawn,
          this.buttons.finish,
        ]),
        el('div', { class: 'group' }, [this.progress, this.statusText]),
      ]),
    ]);
  }

  deviceValue(): SparseDevice {
    const v = this.device.value;
    return v === 'cpu' || v === 'cuda' ? v : 'auto';
  }

  sync(view: SparseView): void {
    this.thresholdInput.value = String(thresholdToSlider(view.threshold));
    this.thresholdText.textContent = `${(100 * view.threshold).toFixed(2)} % bright pixels`;
    this.thresholdInput.title = `Blank-layer measure: ${view.measure}. A layer below the threshold is blank.`;
    this.nonBlankText.textContent = `${view.nonBlank.length} of ${view.layerCount} layers non-blank${
      view.nonBlank.length > 0 ? ` (${ranges(view.nonBlank)})` : ''
    }`;
    this.nonBlankText.title = ranges(view.nonBlank);
    const at = view.sampled.indexOf(view.layer);
    const done = view.sampled.filter((l) => view.annotated.includes(l)).length;
    this.sampledText.textContent =
      view.sampled.length === 0
        ? 'no sample'
        : `${at >= 0 ? `${at + 1}/${view.sampled.length}` : `–/${view.sampled.length}`} · ${done} annotated`;
    this.sampledText.title = `Sampled layers (draw order): ${view.sampled.join(', ')}`;
    const annotated = view.annotated.includes(view.layer);
    this.markButton.textContent = annotated ? `Layer ${view.layer} annotated ✓` : 'Mark annotated';
    this.markButton.dataset.annotated = String(annotated);
    for (const key of ['prev', 'next'] as const)
      this.buttons[key].disabled = view.sampled.length === 0;
    this.buttons.train.disabled = view.busy;
    this.buttons.predict.disabled = view.busy || !view.hasModel;
    this.buttons.stop.disabled = !view.busy;
    this.buttons.finish.disabled = view.busy;
    for (const key of ['reviewPrev', 'reviewNext'] as const)
      this.buttons[key].disabled = view.predicted === 0;
    this.buttons.accept.disabled = !view.canAccept;
    this.reviewText.textContent = view.reviewText;
    const s = view.status;
    this.statusText.textContent = s
      ? s.text
      : `Trains on the annotated volumes in ${view.folder || 'this folder'}.`;
    this.statusText.dataset.task = s?.task ?? '';
    this.statusText.dataset.phase = s?.phase ?? '';
    this.progress.hidden = !(s && s.phase === 'running');
    // A fraction below 0 is a task that cannot say how far it is: the bar runs indeterminate.
    this.progress.indeterminate = !(s && s.fraction >= 0);
    this.progress.max = 100;
    this.progress.value = s && s.fraction >= 0 ? Math.round(100 * s.fraction) : 0;
    this.element.dataset.predicted = String(view.predicted);
    this.element.dataset.annotated = view.annotated.join(',');
    this.element.dataset.model = String(view.hasModel);
  }

  setSettings(
    count: number,
    seed: number,
    steps: number,
    device: SparseDevice,
    enface: string,
  ): void {
    this.count.value = String(count);
    this.seed.value = String(seed);
    this.steps.value = String(steps);
    this.device.value = device;
    this.enface.value = enface;
  }
}
