/**
 * Layer keys: ↑/PageUp one layer up (towards index 0), ↓/PageDown one layer down, Home/End the
 * first/last layer. Keys typed into the toolbar's fields are left alone.
 */
const STEPS: Readonly<Record<string, number>> = {
  ArrowUp: -1,
  PageUp: -1,
  ArrowDown: 1,
  PageDown: 1,
};

export type LayerKeyAction = { readonly step: number } | { readonly to: 'first' | 'last' };

export function layerKeyAction(e: KeyboardEvent): LayerKeyAction | null {
  if (e.altKey || e.ctrlKey || e.metaKey || isTextEntry(e)) return null;
  const step = STEPS[e.key];
  if (step !== undefined) return { step };
  if (e.key === 'Home') return { to: 'first' };
  if (e.key === 'End') return { to: 'last' };
  return null;
}

function isTextEntry(e: KeyboardEvent): boolean {
  for (const target of e.composedPath()) {
    if (!(target instanceof HTMLElement)) continue;
    const tag = target.tagName;
    if (tag === 'VSCODE-TEXTFIELD' || tag === 'VSCODE-SINGLE-SELECT' || tag === 'TEXTAREA')
      return true;
    if (tag === 'INPUT' && (target as HTMLInputElement).type !== 'range') return true;
  }
  return false;
}

/** `[` makes the brush smaller (-1), `]` larger (+1); null for other keys. */
export function brushKeyAction(e: KeyboardEvent): -1 | 1 | null {
  if (e.altKey || e.ctrlKey || e.metaKey || isTextEntry(e)) return null;
  return e.key === '[' ? -1 : e.key === ']' ? 1 : null;
}
