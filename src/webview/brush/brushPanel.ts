/**
 * The brush toolbar row: tool (Prompt, Paint, Erase, Fill), radius, Clear layer, and a line about
 * the region on this layer. What it paints is picked in the tracking row (one picker, issue 16). Like the
 * other toolbars it only reports what the user asked for; the controller calls `sync`.
 */
import type { VscodeToolbarButton } from '@vscode-elements/elements';
import { el } from '../dom';
import {
  BRUSH_TOOLS,
  MAX_RADIUS,
  MIN_RADIUS,
  type BrushSettings,
  type BrushTool,
} from './brushTools';

export interface BrushActions {
  tool(tool: BrushTool): void;
  radius(radius: number): void;
  clearLayer(): void;
}

export interface BrushView extends BrushSettings {
  readonly status: string;
}

const TOOL_LOOKS: Readonly<Record<BrushTool, { icon: string; title: string }>> = {
  prompt: {
    icon: 'target',
    title: 'Point prompts: click to track (Shift or right click: negative)',
  },
  paint: { icon: 'edit', title: 'Paint with the round brush ([ and ] change its size)' },
  erase: { icon: 'eraser', title: 'Erase with the round brush ([ and ] change its size)' },
  fill: { icon: 'paintcan', title: 'Fill the clicked area on this layer' },
};

export class BrushPanel {
  readonly element: HTMLElement;
  private readonly tools = new Map<BrushTool, VscodeToolbarButton>();
  private readonly radiusInput: HTMLInputElement;
  private readonly radiusText: HTMLElement;
  private readonly statusText: HTMLElement;

  constructor(actions: BrushActions) {
    for (const tool of BRUSH_TOOLS) {
      const { icon, title } = TOOL_LOOKS[tool];
      const b = el('vscode-toolbar-button', {
        icon,
        title,
        'aria-label': title,
        'data-testid': `tool-${tool}`,
      });
      b.toggleable = true;
      b.addEventListener('click', () => actions.tool(tool));
      this.tools.set(tool, b);
    }
    this.radiusInput = el('input', {
      type: 'range',
      min: String(MIN_RADIUS),
      max: String(MAX_RADIUS),
      class: 'radius',
      title: 'Brush radius in pixels ([ and ])',
      'aria-label': 'Brush radius',
      'data-testid': 'brush-radius',
    });
    this.radiusInput.addEventListener('input', () =>
      actions.radius(Number(this.radiusInput.value)),
    );
    this.radiusText = el('span', { class: 'label', 'data-testid': 'brush-radius-text' });
    const clear = el('vscode-toolbar-button', {
      icon: 'clear-all',
      title: 'Clear the label on this layer',
      'aria-label': 'Clear the label on this layer',
      'data-testid': 'brush-clear-layer',
    });
    clear.addEventListener('click', () => actions.clearLayer());
    this.statusText = el('span', { class: 'label', 'data-testid': 'brush-status' });
    const group = (label: string, children: Node[]): HTMLElement =>
      el('div', { class: 'group' }, [el('span', { class: 'label' }, [label]), ...children]);
    this.element = el(
      'div',
      {
        class: 'toolbar brush',
        role: 'toolbar',
        'aria-label': 'Brush',
        'data-testid': 'brush-toolbar',
      },
      [
        group('Tool', [...this.tools.values()]),
        group('Radius', [this.radiusInput, this.radiusText]),
        clear,
        this.statusText,
      ],
    );
  }

  sync(view: BrushView): void {
    for (const [tool, b] of this.tools) b.checked = tool === view.tool;
    if (this.radiusInput.value !== String(view.radius))
      this.radiusInput.value = String(view.radius);
    this.radiusText.textContent = `${view.radius} px`;
    this.statusText.textContent = view.status;
  }
}
