/**
 * The editor's DOM skeleton: toolbar, notices, the viewport (one WebGL canvas shared by all
 * views, a 2D canvas used only without WebGL2, and overlays for loading, errors and messages),
 * and the footer with the layer slider, status and value readout.
 */
import { el } from './dom';

export interface Layout {
  readonly root: HTMLElement;
  readonly toolbar: HTMLElement;
  readonly notices: HTMLElement;
  readonly viewport: HTMLElement;
  readonly glCanvas: HTMLCanvasElement;
  readonly canvas2d: HTMLCanvasElement;
  /** Covers the viewport with a message (e.g. the 3D view without WebGL2). */
  readonly message: HTMLElement;
  readonly loading: HTMLElement;
  readonly errorPanel: HTMLElement;
  readonly slider: HTMLInputElement;
  readonly status: HTMLElement;
  readonly readout: HTMLElement;
}

export function buildLayout(parent: HTMLElement): Layout {
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Volume view' });
  const notices = el('div', { class: 'notices', role: 'status' });
  const glCanvas = el('canvas', { class: 'gl', 'data-testid': 'gl-canvas' });
  const canvas2d = el('canvas', { class: 'canvas2d', hidden: true, 'data-testid': 'canvas-2d' });
  const message = el('div', { class: 'overlay message', hidden: true });
  const loading = el('div', { class: 'overlay loading', 'data-testid': 'loading' });
  const errorPanel = el('div', { class: 'overlay error', hidden: true, role: 'alert' });
  const viewport = el('div', { class: 'viewport', tabindex: '0', 'aria-label': 'Volume view' }, [
    glCanvas,
    canvas2d,
    message,
    loading,
    errorPanel,
  ]);
  const slider = el('input', {
    class: 'layer-slider',
    type: 'range',
    min: '0',
    max: '0',
    value: '0',
    disabled: true,
    'aria-label': 'Layer',
    title: 'Layer: ↑ or PageUp goes shallower (towards layer 0), ↓ or PageDown deeper',
  });
  const status = el('span', { class: 'status', 'data-testid': 'status' });
  const readout = el('span', { class: 'readout', 'data-testid': 'readout' });
  const footer = el('div', { class: 'footer' }, [slider, status, readout]);
  const root = el('div', { class: 'app' }, [toolbar, notices, viewport, footer]);
  parent.append(root);
  return {
    root,
    toolbar,
    notices,
    viewport,
    glCanvas,
    canvas2d,
    message,
    loading,
    errorPanel,
    slider,
    status,
    readout,
  };
}
