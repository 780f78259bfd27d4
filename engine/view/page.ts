/**
 * The job graph's HTML, one renderer for both hosts:
 *
 * - the standalone page (`fastasyncio graph --format html`): `renderPage(model, { nonce: newNonce() })`.
 *   Everything is inline (style sheet, app, model); its Content Security Policy lets no request leave:
 *   `default-src 'none'; script-src 'nonce-…'; style-src 'unsafe-inline'; img-src data:`.
 * - the extension's webview panel: `webview.html = renderPage(model, { nonce: newNonce(), cspSource:
 *   webview.cspSource })`, with `enableScripts: true` and no `localResourceRoots` needed (the app is
 *   inline). Then post the app `HostMessage`s (protocol.ts): each run event as `{ type: 'event', event }`
 *   (or a burst as `events`), which it folds without laying the graph out again, and `{ type: 'model',
 *   model }` when it says `{ type: 'ready' }` (it does on every start, so a panel that was hidden without
 *   `retainContextWhenHidden` gets the current picture back). It posts `open-module` (`path`) and
 *   `open-config` (`file`, 0-based `position`). Build the model with `jobViewModel(job, configFile, {
 *   configText })` (from-job.ts) and fold a run's events into it with `applyEvents` (fold.ts), or read a
 *   recorded run with `foldRecordedRun` (from-record.ts).
 *
 * Each task's node carries `data-task="<id>"` and `data-status="<status>"` (`pending` without a run).
 * Once the first picture is painted, the root element has `data-drawn-ms` (ms since navigation start);
 * a large graph's nodes then keep coming in batches (those in view first, so not in the config's
 * order), and `data-complete` says they are all in.
 */
import { appScript } from './app-script';
import type { ViewModel } from './model';
import { MODEL_ID, ROOT_ID } from './protocol';
import { VIEW_CSS } from './styles';

export interface PageOptions {
  /** A fresh random value for each page (`newNonce()`): only scripts that carry it run. */
  nonce: string;
  /** The webview's `cspSource`: styles, images and fonts from the extension are then allowed too. */
  cspSource?: string;
  /**
   * The app as a file the webview can load (`webview.asWebviewUri(…)`), instead of inline: the file must
   * then ship with the extension. Without it, the app is inline (about 100 KB) and nothing else is needed.
   */
  scriptUri?: string;
  /** The page's title (default: the job's name). */
  title?: string;
}

/** A nonce for one page: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** The page's Content Security Policy. */
export function contentSecurityPolicy(options: Pick<PageOptions, 'nonce' | 'cspSource'>): string {
  const source = options.cspSource ? `${options.cspSource} ` : '';
  return [
    "default-src 'none'",
    `script-src 'nonce-${options.nonce}'`,
    `style-src ${source}'unsafe-inline'`,
    `img-src ${source}data:`,
    ...(options.cspSource ? [`font-src ${options.cspSource}`] : []),
  ].join('; ');
}

/** The whole page for a model (the app draws it; a model can also come later, posted by the host). */
export function renderPage(model: ViewModel | undefined, options: PageOptions): string {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(options.nonce)) throw new Error(`Expected \`nonce\` to be base64 characters, got ${JSON.stringify(options.nonce)}`);
  const title = options.title ?? (model ? `${model.job} · FastAsyncio job graph` : 'FastAsyncio job graph');
  const data = model === undefined ? '' : `<script type="application/json" id="${MODEL_ID}">${scriptText(JSON.stringify(model))}</script>\n`;
  const app =
    options.scriptUri !== undefined
      ? `<script nonce="${options.nonce}" src="${escapeAttribute(options.scriptUri)}"></script>`
      : `<script nonce="${options.nonce}">${scriptText(appScript())}</script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(options))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fastasyncio">
<title>${escapeText(title)}</title>
<style>${VIEW_CSS}</style>
</head>
<body>
<div id="${ROOT_ID}"><noscript>This page draws a FastAsyncio job graph with JavaScript.</noscript></div>
${data}${app}
</body>
</html>
`;
}

/** Text inside a `<script>`: `</script`, `<!--` and `<script` would end or confuse it; `<` escaped is the same to JS and JSON. */
function scriptText(text: string): string {
  return text.replace(/<(\/?script|!--)/gi, '\\u003c$1');
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
