/**
 * Layer keys: ↑/PageUp one layer up (towards index 0), ↓/PageDown one layer down, Home/End the
 * first/last layer. Keys typed into the toolbar's fields are left alone. In VS Code these keys
 * are keybindings of commands (issue 16) that arrive as `editorKey`; this table serves the
 * webview on its own (tests, a host that binds none).
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

function isTextEntryElement(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  if (tag === 'VSCODE-TEXTFIELD' || tag === 'VSCODE-SINGLE-SELECT' || tag === 'TEXTAREA')
    return true;
  return tag === 'INPUT' && (target as HTMLInputElement).type !== 'range';
}

function isTextEntry(e: KeyboardEvent): boolean {
  return e.composedPath().some(isTextEntryElement);
}

/**
 * Whether the focus is in a text field (through open shadow roots): a key command from the host
 * (`editorKey`, bound to keys the user may be typing) is then left alone.
 */
export function focusedTextEntry(): boolean {
  for (let at = document.activeElement; at !== null; at = at.shadowRoot?.activeElement ?? null) {
    if (isTextEntryElement(at)) return true;
  }
  return false;
}

/** `[` makes the brush smaller (-1), `]` larger (+1); null for other keys. */
export function brushKeyAction(e: KeyboardEvent): -1 | 1 | null {
  if (e.altKey || e.ctrlKey || e.metaKey || isTextEntry(e)) return null;
  return e.key === '[' ? -1 : e.key === ']' ? 1 : null;
}
