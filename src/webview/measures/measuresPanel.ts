/**
 * The Measures panel's DOM (vscode-elements): a "Measures" toggle for the footer, and the panel
 * it shows between the view and the footer (it takes no room while closed): the sector-grid
 * toggle, the plotted measure, "Copy as TSV" and "Export…", then the tables of the current
 * layer, the depth range and the objects in 3D, the plot of a measure against depth, and the
 * notices. It reports what the user asked for (MeasuresActions) and shows what the controller
 * gives it.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type {
  VscodeButton,
  VscodeCheckbox,
  VscodeSingleSelect,
  VscodeToolbarButton,
} from '@vscode-elements/elements';
import type { Cell } from '../../core/measure/measureRows';
import { el } from '../dom';
import { DEPTH_MEASURES, plotLines, type DepthPoint, type PanelTable } from './measureTables';
import { MEASURES_STYLES } from './measuresStyles';

export interface MeasuresActions {
  /** The panel was opened or closed (measures are computed only while it is open). */
  opened(open: boolean): void;
  grid(on: boolean): void;
  plotMeasure(id: string): void;
  copy(): void;
  export(): void;
}

export interface MeasuresView {
  readonly status: string;
  readonly state: 'idle' | 'busy' | 'ready' | 'failed';
  readonly layer: number;
  readonly range: readonly [number, number] | null;
  readonly layerTables: readonly PanelTable[];
  readonly rangeTables: readonly PanelTable[];
  readonly objectTables: readonly PanelTable[];
  readonly series: readonly DepthPoint[];
  readonly notices: readonly string[];
}

const PLOT = { width: 240, height: 90, left: 40, bottom: 16, top: 6, right: 8 };
const SVG = 'http://www.w3.org/2000/svg';

export class MeasuresPanel {
  /** The panel, shown while open. */
  readonly element: HTMLElement;
  /** Opens and closes it (a footer button). */
  readonly toggle: VscodeToolbarButton;
  private readonly description: HTMLElement;
  private readonly gridBox: VscodeCheckbox;
  private readonly measureSelect: VscodeSingleSelect;
  private readonly buttons: Record<'copy' | 'export', VscodeButton>;
  private readonly statusText: HTMLElement;
  private readonly sections: Record<'layer' | 'range' | 'objects' | 'plot', HTMLElement>;
  private readonly noticeList: HTMLElement;

  constructor(actions: MeasuresActions) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(MEASURES_STYLES);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    this.gridBox = el('vscode-checkbox', { 'data-testid': 'measures-grid' }, ['Sector grid']);
    this.gridBox.title = 'Draw the ETDRS-style grid (1, 3, 6 mm) on the layer and projection';
    this.gridBox.addEventListener('change', () => actions.grid(this.gridBox.checked));
    this.measureSelect = el(
      'vscode-single-select',
      { 'data-testid': 'measures-plot-choice', 'aria-label': 'Measure to plot against depth' },
      DEPTH_MEASURES.map((m) => el('vscode-option', { value: m.id }, [m.label])),
    );
    this.measureSelect.addEventListener('change', () =>
      actions.plotMeasure(this.measureSelect.value),
    );
    const button = (testid: string, text: string, title: string, run: () => void) => {
      const b = el('vscode-button', { secondary: true, title, 'data-testid': testid }, [text]);
      b.addEventListener('click', run);
      return b;
    };
    this.buttons = {
      copy: button('measures-copy', 'Copy as TSV', 'Every row, for a spreadsheet', actions.copy),
      export: button(
        'measures-export',
        'Export…',
        'Write the measures as CSV and JSON (with the model and prompts)',
        actions.export,
      ),
    };
    this.statusText = el('span', { class: 'status', 'data-testid': 'measures-status' });
    const section = (testid: string) => el('section', { 'data-testid': testid });
    this.sections = {
      layer: section('measures-layer'),
      range: section('measures-range'),
      objects: section('measures-objects'),
      plot: section('measures-plot'),
    };
    this.noticeList = el('ul', { class: 'notices', 'data-testid': 'measures-notices' });
    this.description = el('span', { class: 'description' });
    this.element = el('div', { class: 'measures-panel', 'data-testid': 'measures-panel' }, [
      el('div', { class: 'bar' }, [
        el('span', { class: 'heading' }, ['Measures']),
        this.description,
        this.gridBox,
        this.measureSelect,
        this.buttons.copy,
        this.buttons.export,
        this.statusText,
      ]),
      el('div', { class: 'body' }, [
        this.sections.layer,
        this.sections.plot,
        this.sections.range,
        this.sections.objects,
        this.noticeList,
      ]),
    ]);
    this.element.hidden = true;
    this.toggle = el(
      'vscode-toolbar-button',
      {
        icon: 'graph',
        toggleable: true,
        title: 'Measures: FAZ, vessel density and vessel shape of the objects (docs/measures.md)',
        'aria-label': 'Measures',
        'data-testid': 'measures',
      },
      ['Measures'],
    );
    this.toggle.addEventListener('change', () => {
      this.element.hidden = !this.toggle.checked;
      actions.opened(this.toggle.checked);
    });
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  sync(view: MeasuresView): void {
    this.statusText.textContent = view.status;
    this.statusText.dataset.state = view.state;
    const ready = view.state === 'ready';
    this.buttons.copy.disabled = !ready;
    this.buttons.export.disabled = !ready;
    const range = view.range ? `layers ${view.range[0]}–${view.range[1]}` : 'all layers';
    this.description.textContent = view.state === 'idle' ? '' : range;
    fillTables(this.sections.layer, `Layer ${view.layer}`, view.layerTables);
    fillTables(this.sections.range, `Projection of ${range}`, view.rangeTables);
    fillTables(this.sections.objects, 'Vessels in 3D', view.objectTables);
    this.drawPlot(view.series, view.layer);
    this.noticeList.replaceChildren(...view.notices.map((n) => el('li', {}, [n])));
  }

  private drawPlot(series: readonly DepthPoint[], layer: number): void {
    const choice = DEPTH_MEASURES.find((m) => m.id === this.measureSelect.value);
    const heading = el('h4', {}, [`${choice?.label ?? ''} by layer`]);
    const w = PLOT.width - PLOT.left - PLOT.right;
    const h = PLOT.height - PLOT.top - PLOT.bottom;
    const lines = plotLines(series, w, h, layer);
    if (!lines) {
      this.sections.plot.replaceChildren(
        heading,
        el('div', { class: 'empty' }, ['Nothing to plot']),
      );
      return;
    }
    const svg = svgNode('svg', {
      width: PLOT.width,
      height: PLOT.height,
      viewBox: `0 0 ${PLOT.width} ${PLOT.height}`,
      role: 'img',
      'aria-label': `${choice?.label ?? 'Measure'} against layer`,
    });
    const g = svgNode('g', { transform: `translate(${PLOT.left} ${PLOT.top})` });
    g.append(
      svgNode('path', { class: 'axis', d: `M0 0 V${h} H${w}` }),
      svgNode('path', { class: 'line', d: lines.path }),
      ...lines.dots.map(([x, y]) => svgNode('circle', { class: 'dot', cx: x, cy: y, r: 1.5 })),
      text(-4, 8, formatValue(lines.yRange[1]), 'end'),
      text(-4, h, formatValue(lines.yRange[0]), 'end'),
      text(0, h + 12, String(lines.xRange[0]), 'start'),
      text(w, h + 12, String(lines.xRange[1]), 'end'),
      text(w / 2, h + 12, 'layer', 'middle'),
    );
    if (lines.markerX !== null) {
      g.append(svgNode('path', { class: 'marker', d: `M${lines.markerX} 0 V${h}` }));
    }
    svg.append(g);
    this.sections.plot.replaceChildren(heading, svg);
  }
}

/** What each level's table is called under its section's heading. */
const CAPTIONS: Record<string, string> = {
  'faz-layer': 'FAZ',
  'vessels-layer': 'Vessel density',
  'faz-projection': 'FAZ',
  'faz-3d': 'FAZ depth extent',
  'vessels-projection': 'Vessel density',
  'vessel-3d': '',
};

function fillTables(section: HTMLElement, title: string, tables: readonly PanelTable[]): void {
  const heading = el('h4', {}, [title]);
  if (tables.length === 0) {
    section.replaceChildren(heading, el('div', { class: 'empty' }, ['No object measured here']));
    return;
  }
  section.replaceChildren(heading, ...tables.map(tableElement));
}

function tableElement(table: PanelTable): HTMLElement {
  const head = el(
    'tr',
    {},
    table.columns.map((c) => el('th', { scope: 'col' }, [c])),
  );
  const body = table.rows.map((row) =>
    el(
      'tr',
      { 'data-level': table.level, 'data-sector': String(row.sector ?? '') },
      table.columns.map((c) => el('td', { 'data-column': c }, [formatValue(row[c])])),
    ),
  );
  const caption = CAPTIONS[table.level] ?? table.level;
  return el('table', { 'data-level': table.level }, [
    ...(caption ? [el('caption', {}, [caption])] : []),
    el('thead', {}, [head]),
    el('tbody', {}, body),
  ]);
}

/** Four significant digits on screen (the export keeps six); null is a dash. */
function formatValue(value: Cell): string {
  if (value === null) return '–';
  if (typeof value === 'number' && !Number.isInteger(value)) {
    return String(Number(value.toPrecision(4)));
  }
  return String(value);
}

function svgNode(tag: string, attributes: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag) as SVGElement;
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  return node;
}

function text(x: number, y: number, content: string, anchor: string): SVGElement {
  const node = svgNode('text', { x, y, 'text-anchor': anchor });
  node.textContent = content;
  return node;
}
