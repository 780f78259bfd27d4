// A real VS Code for end-to-end tests: code-server (VS Code 1.100 with a Node extension host) from
// .cache/e2e/, driven by playwright-core in Debian's Chromium. See ../shared/docs/vscode-e2e.md.
//
//   const vscode = await startCodeServer({ workspace: 'examples', vsix: 'fastasyncio-0.1.0.vsix' });
//   await vscode.runCommand('FastAsyncio: Run Job');
//   await vscode.waitForTreeItems('FastAsyncio', (items) => items.some((i) => i.icon === 'pass'));
//   await vscode.stop();
//
// Everything waits for what it needs to appear (polling the page or the log files), never for a fixed time.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';
import { CACHE, ROOT, loadChromium, type Browser, type Frame, type Page } from './playwright';
import * as scripts from './page-scripts';
import type { Notification, Problem, QuickPickItem, StatusBarItem, TreeItem } from './page-scripts';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

export type { Notification, Problem, QuickPickItem, StatusBarItem, TreeItem } from './page-scripts';
export { ROOT } from './playwright';
export type { Frame } from './playwright';

const CODE_SERVER = path.join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const RESULTS = process.env.E2E_RESULTS ?? path.join(ROOT, 'test-results');
/** Default for every wait; these machines are shared and slow, so generous. */
export const TIMEOUT = Number(process.env.E2E_TIMEOUT ?? 30_000);
/** VS Code's spam protection counts new toasts over this long (notificationsToasts.ts), and a click waits it out. */
const TOAST_SPAM_INTERVAL_MS = 1_000;

export interface StartOptions {
  /** Folder to open. */
  workspace: string;
  /** Extension to install first. */
  vsix?: string;
  /** true (default): `--disable-workspace-trust`. false: the folder opens in Restricted Mode. */
  trusted?: boolean;
  /** Open a temporary copy of `workspace` (default), so tests may edit its files. */
  copyWorkspace?: boolean;
  /** User settings, merged over the harness's quiet defaults. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}

/** Settings that keep a fresh VS Code quiet and offline. */
const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'github.gitAuthentication': false,
};

/** Without --disable-workspace-trust: trust is on, and "never" prompt leaves a new folder untrusted. */
const RESTRICTED_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
};

/** E2E_DEBUG=1 prints the phases of start and stop with their times. */
const started = Date.now();
function trace(message: string): void {
  if (process.env.E2E_DEBUG) process.stderr.write(`[e2e +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

/**
 * Sessions still running, killed if the test process exits without stopping them. code-server runs
 * in its own process group (so that stop() can end its children too), which a Ctrl-C in the terminal
 * does not reach: pass the signal on, then die of it as usual.
 */
const running = new Map<number, string>(); // pid -> temporary folder
const killRunning = () => {
  for (const [pid, temp] of running) {
    killGroup(pid, 'SIGKILL');
    if (!process.env.E2E_KEEP) rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
  }
};
process.on('exit', killRunning);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killRunning();
    process.kill(process.pid, signal);
  });
}

export async function startCodeServer(options: StartOptions): Promise<VSCode> {
  if (!existsSync(CODE_SERVER)) {
    throw new Error(`code-server is not installed in ${CACHE}: run \`bash test/e2e/setup.sh\` first`);
  }
  const trusted = options.trusted ?? true;
  const temp = await fs.mkdtemp(path.join(os.tmpdir(), 'fastasyncio-e2e-'));
  const dirs: Dirs = {
    temp,
    userData: path.join(temp, 'user-data'),
    extensions: path.join(temp, 'extensions'),
    config: path.join(temp, 'code-server.yaml'),
    log: path.join(temp, 'code-server.log'),
  };
  let workspace: string;
  try {
    workspace = await prepare(options, trusted, dirs);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const logFd = openSync(dirs.log, 'a');
  const server = spawn(
    process.execPath,
    [
      CODE_SERVER,
      ...dirArgs(dirs),
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(trusted ? ['--disable-workspace-trust'] : []),
      workspace,
    ],
    { cwd: temp, env: isolatedEnv(dirs), stdio: ['ignore', logFd, logFd], detached: true },
  );
  closeSync(logFd);
  trace(`code-server pid ${server.pid} on port ${port}, files in ${temp}`);
  const vscode = new VSCode(server, port, workspace, trusted, dirs);
  try {
    await vscode.open(options.viewport ?? { width: 1400, height: 900 });
    return vscode;
  } catch (error) {
    await vscode.screenshot('startup-failure').catch(() => undefined);
    await vscode.stop({ keep: true });
    throw new Error(`code-server did not start (files kept in ${temp}):\n${await vscode.serverLog(40)}`, {
      cause: error,
    });
  }
}

/** Writes the settings, copies the workspace, installs the VSIX; returns the folder to open. */
async function prepare(options: StartOptions, trusted: boolean, dirs: Dirs): Promise<string> {
  const source = path.resolve(options.workspace);
  let workspace = source;
  if (options.copyWorkspace ?? true) {
    workspace = path.join(dirs.temp, 'workspace', path.basename(source));
    await fs.cp(source, workspace, {
      recursive: true,
      filter: (file) => !/[\\/](node_modules|\.git|\.fastasyncio)$/.test(file),
    });
  }
  await fs.mkdir(path.join(dirs.userData, 'User'), { recursive: true });
  await fs.writeFile(dirs.config, 'auth: none\ncert: false\n');
  const settings = { ...QUIET_SETTINGS, ...(trusted ? {} : RESTRICTED_SETTINGS), ...options.settings };
  await fs.writeFile(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  if (options.vsix) {
    trace(`installing ${options.vsix}`);
    await installExtension(path.resolve(options.vsix), dirs);
  }
  return workspace;
}

function dirArgs(dirs: Dirs): string[] {
  return ['--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

interface Dirs {
  temp: string;
  userData: string;
  extensions: string;
  config: string;
  /** code-server's own stdout and stderr. */
  log: string;
}

export class VSCode {
  #browser: Promise<Browser> | undefined;
  #page: Page | undefined;
  #exited = false;
  #stopped = false;

  constructor(
    private readonly server: ChildProcess,
    readonly port: number,
    /** The folder VS Code opened (a temporary copy unless `copyWorkspace: false`). */
    readonly workspace: string,
    readonly trusted: boolean,
    readonly dirs: Dirs,
  ) {
    running.set(server.pid!, dirs.temp);
    server.once('exit', () => (this.#exited = true));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`;
  }

  get page(): Page {
    if (!this.#page) throw new Error('the workbench page is not open');
    return this.#page;
  }

  /** Waits for the server, opens the workbench in Chromium, waits until it is restored. */
  async open(viewport: { width: number; height: number }): Promise<void> {
    // Chromium starts while code-server does.
    this.#browser = loadChromium().launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      env: isolatedEnv(this.dirs),
      timeout: 60_000,
    });
    void this.#browser.catch(() => undefined); // awaited below, once code-server answers
    await waitUntil(
      'code-server to answer /healthz',
      async () => {
        if (this.#exited) throw new Error('code-server exited');
        return fetch(`http://127.0.0.1:${this.port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      Boolean,
      60_000,
    );
    trace('code-server answers');
    const browser = await this.#browser;
    trace('Chromium is up');
    // code-server gzips each response on the fly (workbench.js: 11 MB, seconds on a busy machine);
    // on loopback, uncompressed is much faster.
    this.#page = await browser.newPage({ viewport, extraHTTPHeaders: { 'Accept-Encoding': 'identity' } });
    trace(`opening ${this.url}`);
    await this.page.goto(this.url, { timeout: 60_000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    trace('workbench shows');
    // The Problems status item comes once the workbench has restored its parts and contributions.
    await this.page.waitForSelector('[id="status.problems"]', { timeout: 60_000 });
    if (!this.trusted) await waitUntil('Restricted Mode', () => this.isRestricted(), Boolean, 60_000);
    trace(`workbench restored${this.trusted ? '' : ', in Restricted Mode'}`);
  }

  // ---- commands and quick picks -------------------------------------------------------------

  /** Runs a command by its palette title ("Category: Title"), through F1. */
  async runCommand(title: string, timeout = TIMEOUT): Promise<void> {
    await this.#openQuickInput('>' + title);
    // Extensions' commands arrive when the extension host has scanned them; refresh until listed.
    const item = await this.#findQuickItem(`command "${title}" in the palette`, title, '>' + title, timeout);
    await this.page.click(`[id="${item.id}"]`);
  }

  /** The items of the open quick pick (e.g. one a command opened); null when none is open. */
  async quickPickItems(): Promise<QuickPickItem[] | null> {
    return this.#eval<QuickPickItem[] | null>(scripts.call(scripts.readQuickPick));
  }

  /** Waits for an item with this label in the open quick pick and picks it. */
  async pickQuickItem(label: string, timeout = TIMEOUT): Promise<void> {
    const item = await this.#findQuickItem(`quick pick item "${label}"`, label, undefined, timeout);
    await this.page.click(`[id="${item.id}"]`);
  }

  async #openQuickInput(value: string): Promise<void> {
    if (await this.quickPickItems()) await this.page.keyboard.press('Escape');
    await this.page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: TIMEOUT });
    await this.page.keyboard.press('F1');
    await this.page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: TIMEOUT });
    await this.page.fill('.quick-input-widget input', value);
  }

  async #findQuickItem(what: string, label: string, refill: string | undefined, timeout: number) {
    let refreshed = Date.now();
    return waitUntil(
      what,
      async () => {
        const found = (await this.quickPickItems())?.find((i) => i.label === label);
        if (!found && refill && Date.now() - refreshed > 1_000) {
          refreshed = Date.now();
          await this.page.fill('.quick-input-widget input', '');
          await this.page.fill('.quick-input-widget input', refill);
        }
        return found;
      },
      present,
      timeout,
    );
  }

  // ---- views --------------------------------------------------------------------------------

  /** Opens a view by name ("Problems", "FastAsyncio", ...) through the "view " quick access. */
  async showView(name: string, timeout = TIMEOUT): Promise<void> {
    await this.#openQuickInput('view ' + name);
    const item = await this.#findQuickItem(`view "${name}"`, name, 'view ' + name, timeout);
    await this.page.click(`[id="${item.id}"]`);
  }

  /** The visible rows of a tree view, opening the view if needed. */
  async treeItems(viewName: string): Promise<TreeItem[]> {
    let items = await this.#eval<TreeItem[] | null>(scripts.call(scripts.readTree, viewName));
    if (!items) {
      await this.showView(viewName);
      items = await waitUntil(`view "${viewName}" to show`, () => this.#eval<TreeItem[] | null>(scripts.call(scripts.readTree, viewName)), present);
    }
    return items;
  }

  /** Waits until the rows of a tree view satisfy `ok` (e.g. a task turned `pass`). */
  async waitForTreeItems(viewName: string, ok: (items: TreeItem[]) => boolean, timeout = TIMEOUT) {
    return waitUntil(`tree "${viewName}" to match ${ok}`, () => this.treeItems(viewName), ok, timeout);
  }

  /** Clicks the row of a tree view with this label (`button: 'right'` opens its context menu). */
  async clickTreeItem(viewName: string, label: string, button: 'left' | 'right' = 'left'): Promise<void> {
    const items = await this.waitForTreeItems(viewName, (all) => all.some((i) => i.label === label));
    const item = items.find((i) => i.label === label)!;
    await this.page.click(`[id="${item.id}"]`, { button });
  }

  /** Picks an entry of the open context menu (VS Code ignores a click that comes too soon after it opened). */
  async pickMenuItem(label: string): Promise<void> {
    await this.#clickUntilGone(`.monaco-menu .action-label:text-is(${JSON.stringify(label)})`, `the context menu's "${label}"`);
  }

  /** The entries of the Problems panel (the rows in view), opening it if needed. */
  async problems(): Promise<Problem[]> {
    let problems = await this.#eval<Problem[] | null>(scripts.call(scripts.readProblems));
    if (!problems) {
      await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      problems = await waitUntil('the Problems panel to show', () => this.#eval<Problem[] | null>(scripts.call(scripts.readProblems)), present);
    }
    return problems;
  }

  /** Waits until the Problems panel satisfies `ok` (e.g. holds a given code, or is empty). */
  async waitForProblems(ok: (problems: Problem[]) => boolean, timeout = TIMEOUT): Promise<Problem[]> {
    return waitUntil(`problems to match ${ok}`, () => this.problems(), ok, timeout);
  }

  // ---- webviews -----------------------------------------------------------------------------

  /**
   * The frame of the webview whose page holds `selector`, once there is one. code-server nests each
   * webview in two iframes (the host's, then `#active-frame` with the extension's page); a webview
   * hidden and shown again is a new frame, so read it again after that.
   */
  async webviewFrame(selector: string, timeout = TIMEOUT): Promise<Frame> {
    const expression = `document.querySelector(${JSON.stringify(selector)}) !== null`;
    return waitUntil(
      `a webview showing ${selector}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame.isDetached()) continue;
          // A frame may go away (or not have loaded) while it is asked.
          if (await frame.evaluate<boolean>(expression).catch(() => false)) return frame;
        }
        return undefined;
      },
      present,
      timeout,
    );
  }

  // ---- output channels ----------------------------------------------------------------------

  /**
   * The whole text of an output channel, from the file the extension host writes it to (the Output
   * view shows that same file): `<user-data>/logs/<session>/exthost<N>/<extension id>/<name>.log` for a
   * log output channel, `.../exthost<N>/output_logging_<time>/<n>-<name>.log` for a plain one.
   * Empty until the channel exists.
   */
  async outputText(channel: string): Promise<string> {
    const files = (await listFiles(path.join(this.dirs.userData, 'logs')))
      .filter((f) => /[\\/]exthost\d+[\\/]/.test(f))
      .filter((f) => path.basename(f) === `${channel}.log` || new RegExp(`^\\d+-${escape(channel)}\\.log$`).test(path.basename(f)))
      .sort();
    const texts = await Promise.all(files.map((f) => fs.readFile(f, 'utf8')));
    return texts.join('');
  }

  /** Waits until an output channel holds `expected`; returns its whole text. */
  async waitForOutput(channel: string, expected: string | RegExp, timeout = TIMEOUT): Promise<string> {
    return waitUntil(
      `output channel "${channel}" to hold ${expected}`,
      () => this.outputText(channel),
      (t) => matches(t, expected),
      timeout,
    );
  }

  /** Shows a channel in the Output view and returns the lines the view shows. */
  async showOutput(channel: string): Promise<string> {
    await this.runCommand('Output: Show Output Channels...');
    await this.pickQuickItem(channel);
    const view = await waitUntil(
      `the Output view to show "${channel}"`,
      () => this.#eval<{ channel: string; text: string } | null>(scripts.call(scripts.readOutputView)),
      (v) => v?.channel === channel && v.text.trim() !== '',
    );
    return view!.text;
  }

  // ---- notifications, status bar, trust -----------------------------------------------------

  async notifications(): Promise<Notification[]> {
    return this.#eval<Notification[]>(scripts.call(scripts.readNotifications));
  }

  async waitForNotification(expected: string | RegExp, timeout = TIMEOUT): Promise<Notification> {
    const all = await waitUntil(
      `a notification ${expected}`,
      () => this.notifications(),
      (ns) => ns.some((n) => matches(n.message, expected)),
      timeout,
    );
    return all.find((n) => matches(n.message, expected))!;
  }

  /** Clicks a button ("Cancel", ...) of the notification whose message matches. */
  async clickNotificationButton(expected: string | RegExp, button: string): Promise<void> {
    const toast = await this.waitForNotification(expected);
    // VS Code shows at most three new toasts in each 800 ms (its spam protection): one more, such as what
    // the click brings (a refusal, the next run's), would go to the notification center unseen. Clicks
    // wait until the toast has been up that long.
    const shownAt = Number(/^e2e-toast-(\d+)-/.exec(toast.id)?.[1] ?? 0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, shownAt + TOAST_SPAM_INTERVAL_MS - Date.now())));
    await this.#clickUntilGone(`[id="${toast.id}"] .monaco-button:text-is(${JSON.stringify(button)})`, `"${button}" on the notification ${String(expected)}`);
  }

  /**
   * Clicks `selector` until it is gone: a toast's button and a context menu's entry close what holds them
   * when VS Code takes the click, and VS Code drops a click that comes while a toast slides in or just
   * after a menu opened.
   */
  async #clickUntilGone(selector: string, what: string): Promise<void> {
    await waitUntil(
      `${what} to be clicked`,
      async () => {
        await this.page.click(selector, { timeout: 2_000 }).catch(() => undefined);
        return this.page.waitForSelector(selector, { state: 'detached', timeout: 1_500 }).then(
          () => true,
          () => false,
        );
      },
      (gone) => gone,
    );
  }

  async statusBarItems(): Promise<StatusBarItem[]> {
    return this.#eval<StatusBarItem[]>(scripts.call(scripts.readStatusBar));
  }

  /** Whether the window is in Restricted Mode (the Workspace Trust status item shows). */
  async isRestricted(): Promise<boolean> {
    return this.#eval<boolean>(scripts.call(scripts.readRestricted));
  }

  /** Waits until a visible element matching `selector` shows `expected` in its rendered text (innerText). */
  async waitForText(selector: string, expected: string | RegExp, timeout = TIMEOUT): Promise<string> {
    const expression = `[...document.querySelectorAll(${JSON.stringify(selector)})]
      .filter((e) => e.offsetParent !== null).map((e) => e.innerText.replace(/\\u00a0/g, ' '))`;
    const texts = await waitUntil(
      `${selector} to show ${expected}`,
      () => this.#eval<string[]>(expression),
      (all) => all.some((t) => matches(t, expected)),
      timeout,
    );
    return texts.find((t) => matches(t, expected))!;
  }

  /**
   * Waits until the extension host has activated an extension (`publisher.name`), from its log.
   * Fails at once if the log says activation failed.
   */
  async waitForExtensionActivated(id: string, timeout = TIMEOUT): Promise<void> {
    const activated = `ExtensionService#_doActivateExtension ${id},`;
    const failed = new RegExp(`Activating extension '?${escape(id)}'? failed.*`, 'i');
    await waitUntil(
      `extension ${id} to activate`,
      async () => {
        const logs = (await listFiles(path.join(this.dirs.userData, 'logs'))).filter((f) => f.endsWith('exthost.log'));
        const text = (await Promise.all(logs.map((f) => fs.readFile(f, 'utf8')))).join('\n');
        const failure = failed.exec(text);
        if (failure) throw new Error(failure[0]);
        return text.includes(activated);
      },
      Boolean,
      timeout,
    );
  }

  // ---- artifacts and teardown ---------------------------------------------------------------

  /** Saves a screenshot of the window to test-results/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(RESULTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await fs.mkdir(RESULTS, { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Copies code-server's log and VS Code's logs (extension host, output channels) to `dest`. */
  async saveLogs(dest: string): Promise<void> {
    await fs.mkdir(dest, { recursive: true });
    await fs.cp(this.dirs.log, path.join(dest, 'code-server.log')).catch(() => undefined);
    await fs.cp(path.join(this.dirs.userData, 'logs'), path.join(dest, 'logs'), { recursive: true }).catch(() => undefined);
  }

  /** The last lines of code-server's own log. */
  async serverLog(lines = 20): Promise<string> {
    const text = await fs.readFile(this.dirs.log, 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Closes the browser, stops code-server and its children, removes the temporary folder. */
  async stop(options: { keep?: boolean } = {}): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#browser?.then((browser) => browser.close()).catch(() => undefined);
    const pid = this.server.pid!;
    killGroup(pid, 'SIGTERM');
    const gone = await waitUntil('code-server to exit', async () => !groupAlive(pid), Boolean, 5_000).catch(() => false);
    if (!gone) killGroup(pid, 'SIGKILL');
    running.delete(pid);
    trace(`code-server pid ${pid} stopped${gone ? '' : ' (SIGKILL)'}`);
    if (!(options.keep || process.env.E2E_KEEP)) await fs.rm(this.dirs.temp, { recursive: true, force: true });
  }

  #eval<T>(expression: string): Promise<T> {
    return this.page.evaluate<T>(expression);
  }
}

// ---- helpers ------------------------------------------------------------------------------------

/** Polls `read` until `ok` holds for its value; the error names what it waited for and what it last saw. */
export async function waitUntil<T, S extends T>(what: string, read: () => Promise<T>, ok: (value: T) => value is S, timeout?: number): Promise<S>;
export async function waitUntil<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeout?: number): Promise<T>;
export async function waitUntil<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeout = TIMEOUT): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeout} ms waiting for ${what}; last seen: ${inspect(last, { depth: 4, maxStringLength: 2_000, maxArrayLength: 50 })}`,
      );
    }
    await delay(100);
  }
}

/** For waitUntil: the value is there. */
export function present<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

function matches(text: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function installExtension(vsix: string, dirs: Dirs): Promise<void> {
  if (!existsSync(vsix)) throw new Error(`No VSIX at ${vsix}`);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [CODE_SERVER, ...dirArgs(dirs), '--install-extension', vsix], { env: isolatedEnv(dirs) });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`installing ${vsix} failed (${code}):\n${text}`))));
  });
  await fs.appendFile(dirs.log, output);
  if (!/successfully installed/i.test(output)) throw new Error(`installing ${vsix} failed:\n${output}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The environment for code-server and Chromium: XDG folders in the temporary folder (code-server
 * writes logs and a heartbeat to ~/.local/share, its device id to ~/.cache, Chromium its crash
 * reports to ~/.config), and nothing that would send code-server elsewhere (a VS Code terminal's IPC
 * hook, $PORT).
 */
function isolatedEnv(dirs: Dirs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dirs.temp, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(dirs.temp, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(dirs.temp, 'xdg', 'cache'),
    XDG_STATE_HOME: path.join(dirs.temp, 'xdg', 'state'),
  };
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key === 'PORT' || key === 'PASSWORD' || key === 'HASHED_PASSWORD') delete env[key];
  }
  return env;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
