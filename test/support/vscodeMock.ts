/**
 * A small stand-in for the `vscode` module, enough for the host code under node's test runner:
 * importing this file makes `require('vscode')` return the mock. It records what the extension
 * registers and posts, so tests can assert on it. Import it before any src/extension module.
 */
import Module from 'node:module';
import { basename, posix } from 'node:path';

type Listener<T> = (value: T) => unknown;

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const item of items) item.dispose();
    });
  }
  private done = false;
  constructor(private readonly onDispose: () => unknown) {}
  dispose(): void {
    if (this.done) return;
    this.done = true;
    this.onDispose();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, posix.normalize([base.path, ...parts].join('/')));
  }
  /** The inverse of toString(). */
  static parse(value: string): Uri {
    const at = value.indexOf('://');
    return at < 0 ? new Uri('file', value) : new Uri(value.slice(0, at), value.slice(at + 3));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}
/** Only text replacements, which is all the host code makes. */
export class WorkspaceEdit {
  readonly replacements: { uri: Uri; range: Range; text: string }[] = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.replacements.push({ uri, range, text });
  }
}

/** An open text document: its text differs from the file on disk until it is saved. */
export class TextDocumentMock {
  constructor(
    readonly uri: Uri,
    public text: string,
    public isDirty = false,
  ) {}
  getText(): string {
    return this.text;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before.at(-1)!.length);
  }
  offsetAt(position: Position): number {
    const lines = this.text.split('\n').slice(0, position.line);
    return lines.reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  }
  async save(): Promise<boolean> {
    recorded.fileOps.push(`write ${this.uri.path}`);
    recorded.files.set(this.uri.path, new TextEncoder().encode(this.text));
    this.isDirty = false;
    return true;
  }
}

export class TabInputText {
  constructor(readonly uri: Uri) {}
}
export class TabInputCustom {
  constructor(
    readonly uri: Uri,
    readonly viewType: string,
  ) {}
}

export enum FileType {
  File = 1,
  Directory = 2,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum TaskScope {
  Global = 1,
  Workspace = 2,
}

export class ProcessExecution {
  constructor(
    readonly process: string,
    readonly args: string[],
    readonly options?: { cwd?: string; env?: Record<string, string> },
  ) {}
}

export class CustomExecution {
  constructor(readonly callback: (definition: unknown) => Promise<unknown>) {}
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

/** One window.withProgress call: what it reported, and a way to press its Cancel button. */
export interface ProgressMock {
  options: { title?: string; cancellable?: boolean; location: ProgressLocation };
  reports: { message?: string; increment?: number }[];
  cancel(): void;
  done: Promise<unknown>;
}

export class Task {
  detail?: string;
  constructor(
    readonly definition: { type: string; [key: string]: unknown },
    readonly scope: unknown,
    readonly name: string,
    readonly source: string,
    readonly execution?: unknown,
    readonly problemMatchers?: string | string[],
  ) {}
}

/** What `vscode.extensions.getExtension` returns for an installed extension. */
export interface ExtensionMock {
  isActive: boolean;
  exports: unknown;
  activate(): Promise<unknown>;
}

export class ThemeIcon {
  constructor(readonly id: string) {}
}

export const QuickInputButtons = {
  Back: { iconPath: new ThemeIcon('arrow-left'), tooltip: 'Back' },
};

export enum InputBoxValidationSeverity {
  Info = 1,
  Warning = 2,
  Error = 3,
}

export enum ViewColumn {
  Active = -1,
  One = 1,
}

/**
 * What createQuickPick/createInputBox return: the properties the extension sets, plus the
 * user's gestures (accept, escape, press a button) for tests to drive a multi-step input.
 */
export class QuickInputMock {
  title: string | undefined;
  step: number | undefined;
  totalSteps: number | undefined;
  placeholder: string | undefined;
  buttons: readonly { tooltip?: string }[] = [];
  busy = false;
  enabled = true;
  ignoreFocusOut = false;
  visible = false;
  disposed = false;
  private readonly accepted = new EventEmitter<void>();
  private readonly hidden = new EventEmitter<void>();
  private readonly triggered = new EventEmitter<{ tooltip?: string }>();
  readonly onDidAccept = this.accepted.event;
  readonly onDidHide = this.hidden.event;
  readonly onDidTriggerButton = this.triggered.event;
  show(): void {
    if (this.visible) return;
    this.visible = true;
    recorded.quickInputs.push(this);
    recorded.onQuickInput(this);
  }
  hide(): void {
    if (!this.visible) return;
    this.visible = false;
    this.hidden.fire();
  }
  dispose(): void {
    this.hide();
    this.disposed = true;
  }
  /** The user pressed Enter. */
  accept(): void {
    this.accepted.fire();
  }
  /** The user pressed Escape (VS Code hides the input). */
  escape(): void {
    this.hide();
  }
  pressButton(button: { tooltip?: string }): void {
    this.triggered.fire(button);
  }
  back(): void {
    this.pressButton(QuickInputButtons.Back);
  }
}

export class InputBoxMock extends QuickInputMock {
  value = '';
  prompt: string | undefined;
  validationMessage: string | { message: string; severity: InputBoxValidationSeverity } | undefined;
  private readonly changed = new EventEmitter<string>();
  readonly onDidChangeValue = this.changed.event;
  /** The user typed: the whole value is replaced. */
  type(value: string): void {
    this.value = value;
    this.changed.fire(value);
  }
}

export class QuickPickMock<T extends { label: string }> extends QuickInputMock {
  items: readonly T[] = [];
  activeItems: readonly T[] = [];
  selectedItems: readonly T[] = [];
  value = '';
  matchOnDescription = false;
  matchOnDetail = false;
  private readonly selectionChanged = new EventEmitter<readonly T[]>();
  readonly onDidChangeSelection = this.selectionChanged.event;
  readonly onDidChangeActive = new EventEmitter<readonly T[]>().event;
  readonly onDidChangeValue = new EventEmitter<string>().event;
  /** The user chose the item labelled `label` (else the first containing it) and pressed Enter. */
  pick(label: string): void {
    const item =
      this.items.find((i) => i.label === label) ?? this.items.find((i) => i.label.includes(label));
    if (item === undefined) {
      throw new Error(`no item "${label}" in ${this.items.map((i) => i.label).join(' | ')}`);
    }
    this.activeItems = [item];
    this.selectedItems = [item];
    this.selectionChanged.fire([item]);
    this.accept();
  }
}

/** A webview panel made by window.createWebviewPanel. */
export interface CreatedPanelMock {
  readonly viewType: string;
  title: string;
  readonly options: unknown;
  readonly webview: { html: string; cspSource: string; options: unknown };
  revealed: number;
  reveal(): void;
  onDidDispose: EventEmitter<void>['event'];
  dispose(): void;
}

/** Everything the extension created or did, for assertions. Reset with `resetMock()`. */
export const recorded = {
  createdDisposables: 0,
  disposedDisposables: 0,
  customEditors: [] as { viewType: string; provider: unknown; options: unknown }[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as unknown[][],
  errors: [] as string[],
  statusBarItems: [] as StatusBarItemMock[],
  outputChannels: [] as string[],
  configuration: {} as Record<string, unknown>,
  files: new Map<string, Uint8Array>(),
  /** workspace.fs writes, renames and deletes in order: "write PATH", "rename A -> B", … */
  fileOps: [] as string[],
  warnings: [] as { message: string; modal: boolean }[],
  /** Picks the button `showWarningMessage` returns; undefined = dismissed. */
  warningAnswer: (_items: string[]): string | undefined => undefined,
  closedTabs: [] as TabMock[],
  infos: [] as string[],
  progress: [] as ProgressMock[],
  taskProviders: [] as { type: string; provider: unknown }[],
  /** What `tasks.fetchTasks` finds (tasks.json entries, as VS Code would resolve them). */
  tasks: [] as Task[],
  executedTasks: [] as Task[],
  extensions: new Map<string, ExtensionMock>(),
  /** The button a message returns when it offers it (else undefined, as when dismissed). */
  messageAnswer: undefined as string | undefined,
  terminals: [] as { name: string; shown: boolean; sent: string[] }[],
  /** Picks the item `showQuickPick` returns; undefined = the user dismissed it. */
  quickPick: (items: unknown[]): unknown => items[0],
  /** Every quick pick and input box shown, in order. */
  quickInputs: [] as QuickInputMock[],
  /** Called when one is shown: a test plays the user here. */
  onQuickInput: (_input: QuickInputMock): void => undefined,
  /** What `showOpenDialog` returns; undefined = cancelled. */
  openDialog: (_options: unknown): Uri[] | undefined => undefined,
  /** What `showSaveDialog` returns; undefined = cancelled. */
  saveDialog: (_options: unknown): Uri | undefined => undefined,
  clipboard: '',
  webviewPanels: [] as CreatedPanelMock[],
  /** Settings by scope for `inspect` (`section.key` -> value); `update` writes here too. */
  configurationScopes: { global: {}, workspace: {} } as {
    global: Record<string, unknown>;
    workspace: Record<string, unknown>;
  },
  /** `getConfiguration(...).update` calls in order. */
  configUpdates: [] as { key: string; value: unknown; target: unknown }[],
  /** Documents shown with `window.showTextDocument`. */
  shownDocuments: [] as string[],
  /** Every button list a message offered, in order (information, warning, error). */
  messageButtons: [] as string[][],
  /** Open text documents (workspace.textDocuments); a test opens one with unsaved text here. */
  textDocuments: [] as TextDocumentMock[],
  /** workspace.applyEdit calls, and whether it applies them. */
  appliedEdits: [] as WorkspaceEdit[],
  applyEdits: true,
};

export interface TabMock {
  input: unknown;
  isPreview: boolean;
  isActive: boolean;
}
export interface TabGroupMock {
  viewColumn: number;
  tabs: TabMock[];
}

export const configurationEmitter = new EventEmitter<{
  affectsConfiguration(section: string): boolean;
}>();

export function resetMock(): void {
  recorded.createdDisposables = 0;
  recorded.disposedDisposables = 0;
  recorded.customEditors.length = 0;
  recorded.commands.clear();
  recorded.executed.length = 0;
  recorded.errors.length = 0;
  recorded.statusBarItems.length = 0;
  recorded.outputChannels.length = 0;
  recorded.configuration = {};
  recorded.files.clear();
  recorded.fileOps.length = 0;
  recorded.warnings.length = 0;
  recorded.warningAnswer = () => undefined;
  recorded.closedTabs.length = 0;
  recorded.infos.length = 0;
  recorded.progress.length = 0;
  recorded.taskProviders.length = 0;
  recorded.tasks.length = 0;
  recorded.executedTasks.length = 0;
  recorded.extensions.clear();
  recorded.quickPick = (items) => items[0];
  recorded.messageAnswer = undefined;
  recorded.terminals.length = 0;
  recorded.quickInputs.length = 0;
  recorded.onQuickInput = () => undefined;
  recorded.openDialog = () => undefined;
  recorded.saveDialog = () => undefined;
  recorded.clipboard = '';
  recorded.webviewPanels.length = 0;
  recorded.configurationScopes = { global: {}, workspace: {} };
  recorded.configUpdates.length = 0;
  recorded.shownDocuments.length = 0;
  recorded.messageButtons.length = 0;
  recorded.textDocuments.length = 0;
  recorded.appliedEdits.length = 0;
  recorded.applyEdits = true;
  workspace.workspaceFolders = undefined;
  workspace.isTrusted = true;
  window.tabGroups.all = [];
}

/** A disposable that counts its creation and disposal, to check nothing leaks. */
function tracked(onDispose: () => unknown = () => undefined): Disposable {
  recorded.createdDisposables++;
  return new Disposable(() => {
    recorded.disposedDisposables++;
    onDispose();
  });
}

export class StatusBarItemMock {
  text = '';
  name = '';
  tooltip = '';
  command: string | undefined;
  visible = false;
  private readonly disposable = tracked();
  constructor(readonly id: string) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
    this.disposable.dispose();
  }
}

function logChannel(name: string): Record<string, unknown> {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  recorded.outputChannels.push(name);
  const disposable = tracked();
  return {
    name,
    lines,
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    debug: log('debug'),
    trace: log('trace'),
    appendLine: log('line'),
    dispose: () => disposable.dispose(),
  };
}

export const window = {
  createOutputChannel: (name: string) => logChannel(name),
  createStatusBarItem: (id: string) => {
    const item = new StatusBarItemMock(id);
    recorded.statusBarItems.push(item);
    return item;
  },
  registerCustomEditorProvider: (viewType: string, provider: unknown, options: unknown) => {
    recorded.customEditors.push({ viewType, provider, options });
    return tracked();
  },
  showErrorMessage: async (message: string, ...items: string[]) => {
    recorded.errors.push(message);
    recorded.messageButtons.push(items);
    return items.find((item) => item === recorded.messageAnswer);
  },
  withProgress: <R>(
    options: ProgressMock['options'],
    task: (
      progress: { report(value: { message?: string; increment?: number }): void },
      token: { onCancellationRequested(listener: () => unknown): Disposable },
    ) => Promise<R>,
  ): Promise<R> => {
    const cancelled = new EventEmitter<void>();
    const reports: ProgressMock['reports'] = [];
    const done = task(
      { report: (value) => reports.push(value) },
      { onCancellationRequested: (listener) => cancelled.event(listener) },
    );
    recorded.progress.push({ options, reports, cancel: () => cancelled.fire(), done });
    return done;
  },
  createTerminal: (name: string) => {
    const terminal = { name, shown: false, sent: [] as string[] };
    recorded.terminals.push(terminal);
    return {
      show: () => (terminal.shown = true),
      sendText: (text: string) => terminal.sent.push(text),
    };
  },
  showWarningMessage: async (message: string, ...rest: unknown[]) => {
    const modal =
      typeof rest[0] === 'object' && rest[0] !== null && (rest[0] as { modal?: boolean }).modal;
    recorded.warnings.push({ message, modal: modal === true });
    return recorded.warningAnswer(rest.filter((r): r is string => typeof r === 'string'));
  },
  showInformationMessage: async (message: string, ...items: unknown[]) => {
    recorded.infos.push(message);
    const buttons = items.filter((i): i is string => typeof i === 'string');
    recorded.messageButtons.push(buttons);
    return buttons.find((item) => item === recorded.messageAnswer);
  },
  showTextDocument: async (uri: Uri) => {
    recorded.shownDocuments.push(uri.path);
    return undefined;
  },
  showQuickPick: async (items: unknown[]) => recorded.quickPick(items),
  showOpenDialog: async (options?: unknown) => recorded.openDialog(options),
  showSaveDialog: async (options?: unknown) => recorded.saveDialog(options),
  createQuickPick: <T extends { label: string }>() => new QuickPickMock<T>(),
  createInputBox: () => new InputBoxMock(),
  createWebviewPanel: (viewType: string, title: string, _column: unknown, options: unknown) => {
    const disposed = new EventEmitter<void>();
    const panel: CreatedPanelMock = {
      viewType,
      title,
      options,
      webview: { html: '', cspSource: 'https://webview.test', options },
      revealed: 0,
      reveal: () => panel.revealed++,
      onDidDispose: disposed.event,
      dispose: () => disposed.fire(),
    };
    recorded.webviewPanels.push(panel);
    return panel;
  },
  tabGroups: {
    activeTabGroup: { activeTab: undefined as { input: unknown } | undefined },
    all: [] as TabGroupMock[],
    close: async (tab: TabMock) => {
      recorded.closedTabs.push(tab);
      return true;
    },
  },
};

export const workspace = {
  isTrusted: true,
  get textDocuments(): readonly TextDocumentMock[] {
    return recorded.textDocuments;
  },
  /** The open document, else the file's text opened (not shown) as VS Code does. */
  openTextDocument: async (uri: Uri): Promise<TextDocumentMock> => {
    const open = recorded.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open;
    const document = new TextDocumentMock(uri, new TextDecoder().decode(fileBytes(uri)));
    recorded.textDocuments.push(document);
    return document;
  },
  /** Applies each replacement to its open document (which becomes dirty), last first. */
  applyEdit: async (edit: WorkspaceEdit): Promise<boolean> => {
    recorded.appliedEdits.push(edit);
    if (!recorded.applyEdits) return false;
    const spans = await Promise.all(
      edit.replacements.map(async (r) => {
        const document = await workspace.openTextDocument(r.uri);
        return {
          document,
          from: document.offsetAt(r.range.start),
          to: document.offsetAt(r.range.end),
          text: r.text,
        };
      }),
    );
    for (const { document, from, to, text } of spans.sort((a, b) => b.from - a.from)) {
      document.text = document.text.slice(0, from) + text + document.text.slice(to);
      document.isDirty = true;
    }
    return true;
  },
  workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  getConfiguration: (section: string) => ({
    get: <T>(key: string): T | undefined => recorded.configuration[`${section}.${key}`] as T,
    inspect: <T>(key: string) => ({
      key: `${section}.${key}`,
      globalValue: recorded.configurationScopes.global[`${section}.${key}`] as T | undefined,
      workspaceValue: recorded.configurationScopes.workspace[`${section}.${key}`] as T | undefined,
    }),
    /** Writes the scope's value; the effective value is the workspace's, else the user's. */
    update: async (key: string, value: unknown, target?: ConfigurationTarget) => {
      const id = `${section}.${key}`;
      recorded.configUpdates.push({ key: id, value, target });
      const scope = target === ConfigurationTarget.Global ? 'global' : 'workspace';
      recorded.configurationScopes[scope][id] = value;
      recorded.configuration[id] =
        recorded.configurationScopes.workspace[id] ?? recorded.configurationScopes.global[id];
    },
  }),
  onDidChangeConfiguration: (listener: Listener<{ affectsConfiguration(s: string): boolean }>) => {
    const subscription = configurationEmitter.event(listener);
    return tracked(() => subscription.dispose());
  },
  fs: {
    stat: async (uri: Uri) => ({ size: fileBytes(uri).length }),
    readFile: async (uri: Uri) => fileBytes(uri),
    writeFile: async (uri: Uri, bytes: Uint8Array) => {
      recorded.fileOps.push(`write ${uri.path}`);
      recorded.files.set(uri.path, bytes.slice());
    },
    rename: async (from: Uri, to: Uri, options?: { overwrite?: boolean }) => {
      const bytes = fileBytes(from);
      if (recorded.files.has(to.path) && !options?.overwrite) {
        throw new Error(`EEXIST: ${basename(to.path)}`);
      }
      recorded.fileOps.push(`rename ${from.path} -> ${to.path}`);
      recorded.files.delete(from.path);
      recorded.files.set(to.path, bytes);
    },
    copy: async (from: Uri, to: Uri, options?: { overwrite?: boolean }) => {
      const bytes = fileBytes(from);
      if (recorded.files.has(to.path) && !options?.overwrite) {
        throw new Error(`EEXIST: ${basename(to.path)}`);
      }
      recorded.fileOps.push(`copy ${from.path} -> ${to.path}`);
      recorded.files.set(to.path, bytes.slice());
    },
    delete: async (uri: Uri) => {
      fileBytes(uri);
      recorded.fileOps.push(`delete ${uri.path}`);
      recorded.files.delete(uri.path);
    },
    /** Children of a folder, folders inferred from the paths of the files below them. */
    readDirectory: async (uri: Uri) => {
      const prefix = uri.path.endsWith('/') ? uri.path : `${uri.path}/`;
      const children = new Map<string, FileType>();
      for (const path of recorded.files.keys()) {
        if (!path.startsWith(prefix)) continue;
        const [name, ...below] = path.slice(prefix.length).split('/');
        children.set(name, below.length > 0 ? FileType.Directory : FileType.File);
      }
      if (children.size === 0) throw new Error(`ENOENT: ${basename(uri.path)}`);
      return [...children];
    },
  },
};

function fileBytes(uri: Uri): Uint8Array {
  const bytes = recorded.files.get(uri.path);
  if (!bytes) throw new Error(`ENOENT: ${basename(uri.path)}`);
  return bytes;
}

export const commands = {
  registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
    recorded.commands.set(id, handler);
    return tracked(() => recorded.commands.delete(id));
  },
  executeCommand: async (...args: unknown[]) => {
    recorded.executed.push(args);
    return undefined;
  },
};

export const tasks = {
  registerTaskProvider: (type: string, provider: unknown) => {
    const entry = { type, provider };
    recorded.taskProviders.push(entry);
    return tracked(() => recorded.taskProviders.splice(recorded.taskProviders.indexOf(entry), 1));
  },
  fetchTasks: async (filter?: { type?: string }) =>
    recorded.tasks.filter((t) => filter?.type === undefined || t.definition.type === filter.type),
  executeTask: async (task: Task) => {
    recorded.executedTasks.push(task);
    return { task, terminate: () => undefined };
  },
};

export const extensions = {
  getExtension: (id: string) => recorded.extensions.get(id),
};

/** vscode.l10n without a bundle: the English message with {0}, {1}… or {name} filled in. */
export const l10n = {
  t: (message: string, ...args: unknown[]): string => {
    const named =
      args.length === 1 && typeof args[0] === 'object' && args[0] !== null
        ? (args[0] as Record<string, unknown>)
        : undefined;
    return message.replace(/\{([^}]+)\}/g, (whole, key: string) => {
      const value = named ? named[key] : args[Number(key)];
      return value === undefined ? whole : String(value);
    });
  },
};

export const env = {
  clipboard: {
    writeText: async (text: string) => {
      recorded.clipboard = text;
    },
    readText: async () => recorded.clipboard,
  },
};

const vscodeMock = {
  Disposable,
  Position,
  Range,
  WorkspaceEdit,
  EventEmitter,
  Uri,
  TabInputText,
  TabInputCustom,
  StatusBarAlignment,
  FileType,
  TaskScope,
  ProcessExecution,
  CustomExecution,
  ProgressLocation,
  ConfigurationTarget,
  Task,
  window,
  workspace,
  commands,
  tasks,
  extensions,
  env,
  l10n,
  ThemeIcon,
  QuickInputButtons,
  InputBoxValidationSeverity,
  ViewColumn,
};

// Route `require('vscode')` (what tsx compiles `import * as vscode from 'vscode'` to) here.
interface ModuleInternals {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
}
const internals = Module as unknown as ModuleInternals;
const originalLoad = internals._load;
internals._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  if (request === 'vscode') return vscodeMock;
  return originalLoad.call(this, request, parent, isMain);
};

/** A webview panel as VS Code hands it to resolveCustomEditor, with what was posted to it. */
export interface PanelMock {
  readonly posted: unknown[];
  active: boolean;
  readonly webview: {
    options: unknown;
    html: string;
    readonly cspSource: string;
    asWebviewUri(uri: Uri): Uri;
    postMessage(message: unknown): Promise<boolean>;
    onDidReceiveMessage: EventEmitter<unknown>['event'];
  };
  onDidChangeViewState: EventEmitter<void>['event'];
  onDidDispose: EventEmitter<void>['event'];
  /** Simulates the webview posting `message` to the host. */
  receive(message: unknown): void;
  /** Simulates the user switching tabs. */
  setActive(active: boolean): void;
  dispose(): void;
}

/** ExtensionContext.workspaceState / globalState: values stored as JSON, as VS Code does. */
export class Memento {
  readonly values = new Map<string, unknown>();
  get(key: string): unknown {
    return this.values.get(key);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

export function createPanel(): PanelMock {
  const received = new EventEmitter<unknown>();
  const viewState = new EventEmitter<void>();
  const disposed = new EventEmitter<void>();
  const posted: unknown[] = [];
  const panel: PanelMock = {
    posted,
    active: true,
    webview: {
      options: {},
      html: '',
      cspSource: 'https://webview.test',
      asWebviewUri: (uri) => Uri.file(`/webview${uri.path}`),
      postMessage: async (message) => {
        posted.push(message);
        return true;
      },
      onDidReceiveMessage: received.event,
    },
    onDidChangeViewState: viewState.event,
    onDidDispose: disposed.event,
    receive: (message) => received.fire(message),
    setActive: (active) => {
      panel.active = active;
      viewState.fire();
    },
    dispose: () => disposed.fire(),
  };
  return panel;
}
