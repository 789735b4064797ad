/**
 * The two kinds of step the guided setup is made of: a text box checked as the user types, and
 * a pick list. Each shows "step x of N" and a Back button, and settles as a value, "back" or
 * "cancel" (Escape, or the input closed): the flow decides what those mean.
 */
import * as vscode from 'vscode';
import type { Parsed } from './fieldValidation';

export type StepOutcome<T> =
  | { readonly kind: 'value'; readonly value: T }
  | { readonly kind: 'back' }
  | { readonly kind: 'cancel' };

export interface StepFrame {
  readonly title: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly canGoBack: boolean;
}

/** A button beside the text (e.g. Browse…) that may put a new text in the box. */
export interface TextButton {
  readonly button: vscode.QuickInputButton;
  run(current: string): Promise<string | undefined>;
}

export interface TextStep<T> extends StepFrame {
  readonly value: string;
  readonly prompt: string;
  readonly placeholder?: string;
  /** Runs as the user types and again on Enter; only an ok result lets the flow go on. */
  validate(text: string): Parsed<T> | Promise<Parsed<T>>;
  readonly buttons?: readonly TextButton[];
}

export interface PickItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

export interface PickStep<T> extends StepFrame {
  readonly items: readonly PickItem<T>[];
  readonly placeholder: string;
  /** The item selected when the list opens (the remembered choice). */
  readonly activeIndex?: number;
  /** Why an item cannot be taken (shown instead of going on), or undefined. */
  refuse?(value: T): string | undefined;
}

function validationMessage<T>(
  result: Parsed<T>,
): string | vscode.InputBoxValidationMessage | undefined {
  if (!result.ok) {
    return { message: result.error, severity: vscode.InputBoxValidationSeverity.Error };
  }
  if (result.note === undefined) return undefined;
  const severity =
    result.note.severity === 'warning'
      ? vscode.InputBoxValidationSeverity.Warning
      : vscode.InputBoxValidationSeverity.Info;
  return { message: result.note.message, severity };
}

function frame(input: vscode.QuickInput, step: StepFrame): void {
  input.title = step.title;
  input.step = step.step;
  input.totalSteps = step.totalSteps;
  // Browsing for a file must not close the step; Escape still does.
  input.ignoreFocusOut = true;
}

/** Settles once; disposes the input and its listeners when it does. */
function settleOnce<T>(
  input: vscode.QuickInput,
  listeners: vscode.Disposable[],
  resolve: (outcome: StepOutcome<T>) => void,
): (outcome: StepOutcome<T>) => void {
  let settled = false;
  return (outcome) => {
    if (settled) return;
    settled = true;
    resolve(outcome);
    for (const listener of listeners) listener.dispose();
    input.dispose();
  };
}

export function askText<T>(step: TextStep<T>): Promise<StepOutcome<T>> {
  const box = vscode.window.createInputBox();
  frame(box, step);
  box.value = step.value;
  box.prompt = step.prompt;
  if (step.placeholder !== undefined) box.placeholder = step.placeholder;
  const extra = step.buttons ?? [];
  box.buttons = [
    ...(step.canGoBack ? [vscode.QuickInputButtons.Back] : []),
    ...extra.map((b) => b.button),
  ];
  // Checks can be slow (a dataset folder): only the newest one may set the message.
  let latest = 0;
  const check = async (text: string): Promise<Parsed<T>> => {
    const mine = ++latest;
    box.busy = true;
    const result = await step.validate(text);
    if (mine === latest) {
      box.validationMessage = validationMessage(result);
      box.busy = false;
    }
    return result;
  };
  return new Promise((resolve) => {
    const listeners: vscode.Disposable[] = [];
    const finish = settleOnce(box, listeners, resolve);
    listeners.push(
      box.onDidChangeValue((text) => void check(text)),
      box.onDidAccept(async () => {
        const text = box.value;
        const result = await check(text);
        // Typed on while the check ran: the newer text gets its own Enter.
        if (result.ok && box.value === text) finish({ kind: 'value', value: result.value });
      }),
      box.onDidTriggerButton(async (button) => {
        if (button === vscode.QuickInputButtons.Back) return finish({ kind: 'back' });
        const text = await extra.find((b) => b.button === button)?.run(box.value);
        if (text !== undefined) {
          box.value = text;
          await check(text);
        }
      }),
      box.onDidHide(() => finish({ kind: 'cancel' })),
    );
    box.show();
    // An empty box is checked on the first keystroke or Enter: no red error before any typing.
    if (box.value.trim() !== '') void check(box.value);
  });
}

export function askPick<T>(step: PickStep<T>): Promise<StepOutcome<T>> {
  const pick = vscode.window.createQuickPick<PickItem<T>>();
  frame(pick, step);
  pick.placeholder = step.placeholder;
  pick.items = step.items;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const active = step.items[step.activeIndex ?? 0];
  if (active !== undefined) pick.activeItems = [active];
  pick.buttons = step.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    const listeners: vscode.Disposable[] = [];
    const finish = settleOnce(pick, listeners, resolve);
    listeners.push(
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        if (item === undefined) return;
        const refusal = step.refuse?.(item.value);
        if (refusal !== undefined) {
          pick.placeholder = `Cannot use "${item.label}": ${refusal}`;
          return;
        }
        finish({ kind: 'value', value: item.value });
      }),
      pick.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish({ kind: 'back' });
      }),
      pick.onDidHide(() => finish({ kind: 'cancel' })),
    );
    pick.show();
  });
}
