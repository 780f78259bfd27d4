/** One icon per status (and attempt outcome), in a 16 × 16 box: CSS masks, painted in the status's colour. */
const ICONS: Record<string, string> = {
  pending: "<circle cx='8' cy='8' r='5.5' fill='none' stroke='#000' stroke-width='1.6' stroke-dasharray='2.4 1.8'/>",
  running:
    "<circle cx='8' cy='8' r='5.5' fill='none' stroke='#000' stroke-opacity='.3' stroke-width='2'/><path d='M8 2.5a5.5 5.5 0 0 1 5.5 5.5' fill='none' stroke='#000' stroke-width='2' stroke-linecap='round'/>",
  succeeded:
    "<mask id='m'><rect width='16' height='16' fill='#fff'/><path d='M4.6 8.2l2.3 2.3 4.5-4.6' fill='none' stroke='#000' stroke-width='1.8'/></mask><circle cx='8' cy='8' r='7' mask='url(#m)'/>",
  failed:
    "<mask id='m'><rect width='16' height='16' fill='#fff'/><path d='M5.3 5.3l5.4 5.4M10.7 5.3l-5.4 5.4' stroke='#000' stroke-width='1.8'/></mask><circle cx='8' cy='8' r='7' mask='url(#m)'/>",
  timedOut:
    "<circle cx='8' cy='8' r='6.2' fill='none' stroke='#000' stroke-width='1.6'/><path d='M8 4.4V8l2.6 1.6' fill='none' stroke='#000' stroke-width='1.6' stroke-linecap='round'/>",
  skipped: "<path d='M2.5 3.5l5 4.5-5 4.5zM8 3.5l5 4.5-5 4.5z'/>",
  cancelled: "<rect x='3' y='3' width='10' height='10' rx='1.5'/>",
};

const iconUrl = (status: string) =>
  `url("data:image/svg+xml,${encodeURIComponent(`<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>${ICONS[status]}</svg>`)}")`;

/**
 * The graph app's style sheet. Colours come from VS Code's theme variables (`--vscode-*`, set in the
 * webview and changed with the theme: light, dark, high contrast), with fallbacks for the standalone
 * page that follow the system's light or dark scheme. Every status has a colour and an icon of its own.
 */
export const VIEW_CSS = `
:root {
  color-scheme: light dark;
  --fa-bg: var(--vscode-editor-background, #ffffff);
  --fa-fg: var(--vscode-editor-foreground, var(--vscode-foreground, #1f2328));
  --fa-muted: var(--vscode-descriptionForeground, #59636e);
  --fa-border: var(--vscode-contrastBorder, var(--vscode-panel-border, var(--vscode-widget-border, #d1d9e0)));
  --fa-node-bg: var(--vscode-editorWidget-background, #f6f8fa);
  --fa-panel-bg: var(--vscode-sideBar-background, #f6f8fa);
  --fa-code-bg: var(--vscode-textCodeBlock-background, #eff2f5);
  --fa-focus: var(--vscode-focusBorder, #0969da);
  --fa-selected: var(--vscode-contrastActiveBorder, var(--vscode-focusBorder, #0969da));
  --fa-button-bg: var(--vscode-button-secondaryBackground, #e8ecf0);
  --fa-button-fg: var(--vscode-button-secondaryForeground, #1f2328);
  --fa-input-bg: var(--vscode-input-background, #ffffff);
  --fa-input-fg: var(--vscode-input-foreground, #1f2328);
  --fa-edge: var(--vscode-editorLineNumber-foreground, #9198a1);
  --fa-critical: var(--vscode-charts-orange, #bc4c00);
  --fa-pending: var(--vscode-disabledForeground, #8c959f);
  --fa-running: var(--vscode-charts-blue, #0969da);
  --fa-succeeded: var(--vscode-testing-iconPassed, #1a7f37);
  --fa-failed: var(--vscode-testing-iconFailed, #cf222e);
  --fa-timedOut: var(--vscode-editorWarning-foreground, #9a6700);
  --fa-skipped: var(--vscode-testing-iconSkipped, #6e7781);
  --fa-cancelled: var(--vscode-charts-purple, #8250df);
  --fa-font: var(--vscode-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
  --fa-mono: var(--vscode-editor-font-family, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
  --fa-size: var(--vscode-font-size, 13px);
}
@media (prefers-color-scheme: dark) {
  :root {
    --fa-bg: var(--vscode-editor-background, #0d1117);
    --fa-fg: var(--vscode-editor-foreground, var(--vscode-foreground, #e6edf3));
    --fa-muted: var(--vscode-descriptionForeground, #9198a1);
    --fa-border: var(--vscode-contrastBorder, var(--vscode-panel-border, var(--vscode-widget-border, #3d444d)));
    --fa-node-bg: var(--vscode-editorWidget-background, #151b23);
    --fa-panel-bg: var(--vscode-sideBar-background, #010409);
    --fa-code-bg: var(--vscode-textCodeBlock-background, #1f2428);
    --fa-focus: var(--vscode-focusBorder, #4493f8);
    --fa-selected: var(--vscode-contrastActiveBorder, var(--vscode-focusBorder, #4493f8));
    --fa-button-bg: var(--vscode-button-secondaryBackground, #2a313c);
    --fa-button-fg: var(--vscode-button-secondaryForeground, #e6edf3);
    --fa-input-bg: var(--vscode-input-background, #0d1117);
    --fa-input-fg: var(--vscode-input-foreground, #e6edf3);
    --fa-edge: var(--vscode-editorLineNumber-foreground, #656c76);
    --fa-critical: var(--vscode-charts-orange, #f0883e);
    --fa-pending: var(--vscode-disabledForeground, #656c76);
    --fa-running: var(--vscode-charts-blue, #4493f8);
    --fa-succeeded: var(--vscode-testing-iconPassed, #3fb950);
    --fa-failed: var(--vscode-testing-iconFailed, #f85149);
    --fa-timedOut: var(--vscode-editorWarning-foreground, #d29922);
    --fa-skipped: var(--vscode-testing-iconSkipped, #9198a1);
    --fa-cancelled: var(--vscode-charts-purple, #ab7df8);
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { background: var(--fa-bg); color: var(--fa-fg); font: var(--fa-size) / 1.4 var(--fa-font); overflow: hidden; }
button, input { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--fa-focus); outline-offset: 1px; }
#fastasyncio-graph { display: flex; flex-direction: column; height: 100%; }

[data-status='pending'], [data-outcome='pending'] { --fa-c: var(--fa-pending); --fa-i: ${iconUrl('pending')}; }
[data-status='running'], [data-outcome='running'] { --fa-c: var(--fa-running); --fa-i: ${iconUrl('running')}; }
[data-status='succeeded'], [data-outcome='succeeded'] { --fa-c: var(--fa-succeeded); --fa-i: ${iconUrl('succeeded')}; }
[data-status='failed'], [data-outcome='failed'], [data-outcome='interrupted'] { --fa-c: var(--fa-failed); --fa-i: ${iconUrl('failed')}; }
[data-status='timedOut'], [data-outcome='timedOut'] { --fa-c: var(--fa-timedOut); --fa-i: ${iconUrl('timedOut')}; }
[data-status='skipped'], [data-outcome='skipped'] { --fa-c: var(--fa-skipped); --fa-i: ${iconUrl('skipped')}; }
[data-status='cancelled'], [data-outcome='cancelled'] { --fa-c: var(--fa-cancelled); --fa-i: ${iconUrl('cancelled')}; }

.fa-icon { display: inline-block; width: 16px; height: 16px; flex: none; vertical-align: -3px; margin-right: 4px; background: var(--fa-c, var(--fa-muted));
  -webkit-mask: var(--fa-i) center / contain no-repeat; mask: var(--fa-i) center / contain no-repeat; }
[data-outcome='running'] > .fa-icon, .fa-icon[data-outcome='running'] { animation: fa-spin 1s linear infinite; }
@keyframes fa-spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .fa-icon, .fa-node::before { animation: none !important; } }

.fa-bar { display: flex; align-items: center; gap: 12px; padding: 6px 12px; border-bottom: 1px solid var(--fa-border); flex-wrap: wrap; }
.fa-bar h1 { font-size: 1.15em; margin: 0; font-weight: 600; }
.fa-run-badge { color: var(--fa-c, var(--fa-muted)); font-weight: 600; }
.fa-tabs { display: flex; gap: 2px; }
.fa-tab, .fa-tool, .fa-link, .fa-chip, .fa-close { background: var(--fa-button-bg); color: var(--fa-button-fg); border: 1px solid var(--fa-border); border-radius: 3px; padding: 2px 8px; cursor: pointer; }
.fa-tab[aria-selected='true'] { background: var(--vscode-button-background, var(--fa-focus)); color: var(--vscode-button-foreground, #fff); }
.fa-tools { display: flex; gap: 4px; align-items: center; margin-left: auto; }
.fa-zoom-text { min-width: 3.5em; text-align: center; color: var(--fa-muted); }
.fa-find { background: var(--fa-input-bg); color: var(--fa-input-fg); border: 1px solid var(--vscode-input-border, var(--fa-border)); border-radius: 3px; padding: 2px 6px; width: 14em; }

.fa-main { flex: 1; display: flex; min-height: 0; }
.fa-views { flex: 1; min-width: 0; position: relative; }
.fa-graph-pane, .fa-timeline { position: absolute; inset: 0; }
.fa-graph-pane { overflow: auto; }
[hidden] { display: none !important; }
.fa-sizer { position: relative; }
.fa-canvas { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
.fa-edges { position: absolute; left: 0; top: 0; overflow: visible; }
.fa-edge { fill: none; stroke: var(--fa-edge); stroke-width: 1.2; }
.fa-edge.fa-critical { stroke: var(--fa-critical); stroke-width: 2.5; }
.fa-edge.fa-near { stroke: var(--fa-selected); stroke-width: 2; }
.fa-stage-label { position: absolute; top: 8px; color: var(--fa-muted); font-size: 0.9em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.fa-count { color: var(--fa-c); font-weight: 600; }
.fa-count::before { content: '●'; margin-right: 2px; }
.fa-counts .fa-count::before { content: none; }

.fa-node { position: absolute; padding: 3px 8px 3px 28px; overflow: hidden; line-height: 18px;
  background: var(--fa-node-bg); border: 1px solid var(--fa-border); border-left: 4px solid var(--fa-c); border-radius: 4px; cursor: pointer;
  /* Off-screen nodes of a large graph are laid out as boxes only, until they scroll into view. */
  content-visibility: auto; contain-intrinsic-size: auto 184px auto 44px; }
.fa-node::before { content: ''; position: absolute; left: 6px; top: 13px; width: 16px; height: 16px; background: var(--fa-c);
  -webkit-mask: var(--fa-i) center / contain no-repeat; mask: var(--fa-i) center / contain no-repeat; }
.fa-node[data-status='running']::before { animation: fa-spin 1s linear infinite; }
.fa-name, .fa-meta { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.fa-name { font-weight: 600; }
.fa-meta { color: var(--fa-muted); font-size: 0.85em; }
.fa-node.fa-on-path { box-shadow: 0 0 0 2px var(--fa-critical); }
.fa-node.fa-near { border-color: var(--fa-selected); border-left-color: var(--fa-c); }
.fa-node.fa-selected { outline: 2px solid var(--fa-selected); outline-offset: 2px; }
.fa-node:focus-visible { outline: 2px dashed var(--fa-focus); outline-offset: 3px; }
.fa-node[data-status='skipped'], .fa-node[data-status='cancelled'] { opacity: 0.75; }

.fa-details { width: clamp(260px, 32%, 460px); border-left: 1px solid var(--fa-border); background: var(--fa-panel-bg); overflow: auto; padding: 8px 12px 24px; }
.fa-details-header { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.fa-details-header h2 { font-size: 1.1em; margin: 4px 0; word-break: break-all; }
.fa-status-text { color: var(--fa-c, var(--fa-muted)); font-weight: 600; }
.fa-close { margin-left: auto; padding: 0 6px; }
.fa-details h3 { font-size: 0.95em; margin: 14px 0 4px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--fa-muted); }
.fa-facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; }
.fa-facts dt { color: var(--fa-muted); }
.fa-facts dd { margin: 0; word-break: break-all; }
.fa-links { display: flex; gap: 6px; flex-wrap: wrap; margin: 6px 0; }
.fa-path code { word-break: break-all; }
.fa-chips { display: flex; flex-wrap: wrap; gap: 4px; }
.fa-chip { display: inline-flex; align-items: center; padding: 1px 6px; }
.fa-counts { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
pre, code { font-family: var(--fa-mono); font-size: 0.92em; }
pre { background: var(--fa-code-bg); padding: 6px 8px; border-radius: 3px; overflow: auto; max-height: 24em; margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
.fa-error-message { color: var(--fa-failed); font-weight: 600; margin: 4px 0; white-space: pre-wrap; }
.fa-muted, .fa-hint { color: var(--fa-muted); margin: 4px 0; }
.fa-input summary { cursor: pointer; }
.fa-attempts { border-collapse: collapse; width: 100%; }
.fa-attempts th, .fa-attempts td { text-align: left; padding: 2px 6px 2px 0; vertical-align: top; }
.fa-attempts th { color: var(--fa-muted); font-weight: normal; }
.fa-notes { color: var(--fa-muted); word-break: break-word; }

.fa-timeline { display: flex; flex-direction: column; }
.fa-tl-note { padding: 4px 12px; }
.fa-tl-axis { position: relative; height: 20px; border-bottom: 1px solid var(--fa-border); flex: none; }
.fa-tick { position: absolute; top: 2px; font-size: 0.8em; color: var(--fa-muted); border-left: 1px solid var(--fa-border); padding-left: 3px; }
.fa-tl-body { flex: 1; overflow: auto; position: relative; }
.fa-tl-sizer { position: relative; }
.fa-tl-row { position: absolute; left: 0; right: 0; height: 22px; border-bottom: 1px solid color-mix(in srgb, var(--fa-border) 40%, transparent); }
.fa-tl-row.fa-selected { background: color-mix(in srgb, var(--fa-selected) 15%, transparent); }
.fa-tl-label { position: absolute; left: 0; width: 176px; height: 21px; text-align: left; padding: 0 8px; background: none; border: none; border-left: 3px solid var(--fa-c); cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.fa-tl-bar, .fa-tl-wait, .fa-tl-backoff { position: absolute; top: 4px; height: 13px; border-radius: 2px; }
.fa-tl-bar { background: var(--fa-c); }
.fa-tl-bar.fa-retried { background: repeating-linear-gradient(135deg, var(--fa-c) 0 4px, color-mix(in srgb, var(--fa-c) 45%, transparent) 4px 8px); }
.fa-tl-bar[data-outcome='timedOut']::after { content: ''; position: absolute; right: -1px; top: -3px; bottom: -3px; border-right: 3px solid var(--fa-timedOut); }
.fa-tl-wait { background: color-mix(in srgb, var(--fa-muted) 22%, transparent); top: 8px; height: 5px; }
.fa-tl-backoff { top: 10px; height: 0; border-top: 1px dashed var(--fa-c, var(--fa-muted)); }

body.vscode-high-contrast .fa-node, body.vscode-high-contrast-light .fa-node { border-width: 2px; border-left-width: 5px; }
@media (forced-colors: active) {
  .fa-node { border: 2px solid CanvasText; }
  .fa-node.fa-selected { outline-color: Highlight; }
  .fa-edge { stroke: CanvasText; }
  .fa-icon, .fa-node::before { forced-color-adjust: none; }
}
`;
