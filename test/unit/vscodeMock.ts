/**
 * A small stand-in for the `vscode` module, enough for the host code under node's test runner:
 * importing this file makes `require('vscode')` return the mock. It records what the extension
 * registers and posts, so tests can assert on it. Import it before any src/extension module.
 */
import Module from 'node:module';
import { basename } from 'node:path';

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
    return new Uri(base.scheme, [base.path, ...parts].join('/').replace(/\/+/g, '/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
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

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
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
  closedTabs: [] as TabMock[],
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
  recorded.closedTabs.length = 0;
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
  showErrorMessage: async (message: string) => {
    recorded.errors.push(message);
    return undefined;
  },
  showOpenDialog: async () => undefined,
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
  getConfiguration: (section: string) => ({
    get: <T>(key: string): T | undefined => recorded.configuration[`${section}.${key}`] as T,
  }),
  onDidChangeConfiguration: (listener: Listener<{ affectsConfiguration(s: string): boolean }>) => {
    const subscription = configurationEmitter.event(listener);
    return tracked(() => subscription.dispose());
  },
  fs: {
    stat: async (uri: Uri) => ({ size: fileBytes(uri).length }),
    readFile: async (uri: Uri) => fileBytes(uri),
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

const vscodeMock = {
  Disposable,
  EventEmitter,
  Uri,
  TabInputText,
  TabInputCustom,
  StatusBarAlignment,
  window,
  workspace,
  commands,
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
