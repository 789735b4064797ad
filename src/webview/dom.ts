/** Tiny helpers to build DOM in code (the host page is only a container and a script tag). */
/**
 * vscode-elements fields and dropdowns put the focus on a control in their shadow root, which is
 * named by their `label` property: an aria-label on the host alone names nothing a screen reader
 * lands on. el() gives such an element's aria-label to its `label` too.
 */
const NAMED_BY_LABEL = new Set(['vscode-single-select', 'vscode-multi-select', 'vscode-textfield']);

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | boolean>> = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(key, value === true ? '' : value);
  }
  const name = props['aria-label'];
  // A property, not an attribute: vscode-textfield's `label` has none.
  if (typeof name === 'string' && NAMED_BY_LABEL.has(tag)) Object.assign(node, { label: name });
  node.append(...children);
  return node;
}

export function codicon(name: string): HTMLSpanElement {
  return el('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}
