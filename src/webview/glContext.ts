/**
 * One WebGL2 renderer for all views (one context: a 3D texture of hundreds of MB exists once).
 * Some VS Code builds on Linux cannot create a WebGL2 context; the editor then keeps working
 * with a 2D canvas for layers and projections and explains the workaround for the 3D view.
 */
import { WebGLRenderer } from 'three';
import { el } from './dom';

export type GlResult =
  | { readonly ok: true; readonly renderer: WebGLRenderer; readonly max3dSize: number }
  | { readonly ok: false; readonly reason: string };

export function createRenderer(canvas: HTMLCanvasElement): GlResult {
  let context: WebGL2RenderingContext | null = null;
  try {
    context = canvas.getContext('webgl2', { antialias: false, alpha: false });
  } catch (e) {
    return { ok: false, reason: String(e) };
  }
  if (!context) return { ok: false, reason: 'the browser returned no WebGL2 context' };
  try {
    const renderer = new WebGLRenderer({ canvas, context });
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    const max3dSize = context.getParameter(context.MAX_3D_TEXTURE_SIZE) as number;
    return { ok: true, renderer, max3dSize };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** The explanation shown in place of the 3D view when WebGL2 is missing. */
export function noWebGlMessage(reason: string): { title: string; detail: (Node | string)[] } {
  const code = (t: string): HTMLElement => el('code', {}, [t]);
  return {
    title: 'The 3D view needs WebGL2, which this window could not create',
    detail: [
      `Reason: ${reason}.\n\n`,
      'Layers and projections still work (drawn on a 2D canvas). On some Linux desktops, VS Code ',
      'builds on Chromium 144 and later need software WebGL: run ',
      code('Preferences: Configure Runtime Arguments'),
      ', add ',
      code('"enable-unsafe-swiftshader": true'),
      ' to ',
      code('argv.json'),
      ', and restart VS Code.',
    ],
  };
}
