/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { ViewMessage } from '../protocol';

/**
 * The app's host: the extension's webview (through `acquireVsCodeApi`), or none on the standalone page.
 * The webview keeps the app's UI state while it is hidden (`setState`), not its model: the host sends a
 * snapshot when the app says it is `ready`.
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export interface Host {
  /** Whether the app runs in the editor's webview (live, can open files); the standalone page is a snapshot. */
  readonly inEditor: boolean;
  post(message: ViewMessage): void;
  state(): unknown;
  saveState(state: unknown): void;
}

export function connectHost(): Host {
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  if (!api) return { inEditor: false, post: () => undefined, state: () => undefined, saveState: () => undefined };
  return {
    inEditor: true,
    post: (message) => api.postMessage(message),
    state: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
