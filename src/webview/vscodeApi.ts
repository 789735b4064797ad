/**
 * The one door to the extension host: a typed wrapper over `acquireVsCodeApi()`, which VS Code
 * injects into the webview and which may be called only once per page.
 */
import type { FromWebviewMessage, ToWebviewMessage } from '../protocol/editorMessages';

interface VsCodeApi<S> {
  postMessage(message: FromWebviewMessage): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface HostClient<S> {
  post(message: FromWebviewMessage): void;
  onMessage(handler: (message: ToWebviewMessage) => void): void;
  loadState(): S | undefined;
  saveState(state: S): void;
}

const TO_WEBVIEW_TYPES: ReadonlySet<string> = new Set<ToWebviewMessage['type']>([
  'init',
  'loadProgress',
  'volumeHeader',
  'volumePreview',
  'volumeData',
  'loadError',
  'settingsChanged',
  'editorKey',
  'models',
  'modelFiles',
  'modelError',
  'segmentation',
  'applyEdit',
  'regions',
  'applyRegionEdit',
  'enfaceRv',
  'applyEnfaceRvEdit',
  'sparseState',
  'sparseStatus',
  'sparsePrediction',
  'sparseBrowsed',
  'sparseListItem',
  'requestMeasuresExport',
  'engineReply',
]);

export function connectToHost<S>(): HostClient<S> {
  const api = acquireVsCodeApi<S>();
  return {
    post: (message) => api.postMessage(message),
    onMessage(handler) {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Other frames (and VS Code itself) also post to this window; take only ours.
        if (isToWebviewMessage(event.data)) handler(event.data);
      });
    },
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}

function isToWebviewMessage(data: unknown): data is ToWebviewMessage {
  if (typeof data !== 'object' || data === null) return false;
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' && TO_WEBVIEW_TYPES.has(type);
}
