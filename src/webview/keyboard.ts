/**
 * Layer keys: ↑/PageUp one layer up (shallower: towards layer 0), ↓/PageDown one layer down
 * (deeper), Home/End the first/last layer. The prompt cursor's keys (P, and while it shows the
 * arrows, Enter, Shift+Enter, Delete, Esc) come first. Keys typed into a field or a dropdown are
 * left alone. In VS Code the layer keys are keybindings of commands (issue 16) that arrive as
 * `editorKey`; this table serves the webview on its own (tests, a host that binds none).
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
  if (
    tag === 'VSCODE-TEXTFIELD' ||
    tag === 'VSCODE-SINGLE-SELECT' ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT'
  )
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

export type PromptKeyAction =
  | { readonly toggle: true }
  | { readonly move: readonly [number, number] }
  | { readonly place: 'positive' | 'negative' }
  | { readonly remove: true }
  | { readonly hide: true }
  | { readonly hold: CursorShapeKind };

/** What the cursor draws while its hold key is down (issue 20): S, N (negative) or B. */
export type CursorShapeKind = 'scribble' | 'negative-scribble' | 'box';

const HOLD_KEYS: Readonly<Record<string, CursorShapeKind>> = {
  s: 'scribble',
  n: 'negative-scribble',
  b: 'box',
};

/** The hold key released (keyup), or null for any other key. */
export function promptKeyRelease(e: KeyboardEvent): CursorShapeKind | null {
  return HOLD_KEYS[e.key.toLowerCase()] ?? null;
}

const CURSOR_STEPS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/**
 * The keyboard's point prompts (issue 16, item 7): P shows or hides the cursor; while it shows,
 * the arrows move it (Shift: 10 px), Enter places a positive point, Shift+Enter a negative one,
 * Delete or Backspace removes the nearest point, Esc hides it. Holding S (a scribble), N (a
 * negative scribble) or B (a box) while moving draws that shape along the cursor's path; the
 * release of the key places it.
 */
export function promptKeyAction(e: KeyboardEvent, cursorShown: boolean): PromptKeyAction | null {
  if (e.altKey || e.ctrlKey || e.metaKey || isTextEntry(e)) return null;
  if (e.key === 'p' || e.key === 'P') return { toggle: true };
  if (!cursorShown) return null;
  const step = CURSOR_STEPS[e.key];
  if (step) return { move: e.shiftKey ? [step[0] * 10, step[1] * 10] : step };
  if (e.key === 'Enter') return { place: e.shiftKey ? 'negative' : 'positive' };
  if (e.key === 'Delete' || e.key === 'Backspace') return { remove: true };
  if (e.key === 'Escape') return { hide: true };
  const hold = HOLD_KEYS[e.key.toLowerCase()];
  if (hold) return { hold };
  return null;
}
