import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CACHE, loadChromium } from '../e2e/playwright';
import { CHROMIUM_ARGS } from '../helpers/chromium';

/**
 * Debian's Chromium driven by playwright-core (both installed by test/e2e/setup.sh; playwright-core in
 * .cache/e2e), for the graph page's tests and benchmark, and the part of Playwright's API they use.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why Chromium cannot be driven here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (bash test/e2e/setup.sh installs it)`;
  if (!existsSync(path.join(CACHE, 'node_modules', 'playwright-core'))) return `playwright-core is not in ${CACHE} (bash test/e2e/setup.sh installs it)`;
  return undefined;
}

export interface Request {
  url(): string;
}

export interface Route {
  request(): Request;
  continue(): Promise<void>;
  abort(errorCode?: string): Promise<void>;
}

export interface GraphPage {
  goto(url: string, options?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' | 'commit' }): Promise<unknown>;
  waitForSelector(selector: string, options?: { state?: 'attached' | 'visible'; timeout?: number }): Promise<unknown>;
  /** A JavaScript expression (a string: tsx would transpile a function with helpers the page lacks). */
  evaluate<T>(expression: string): Promise<T>;
  click(selector: string, options?: { timeout?: number }): Promise<void>;
  focus(selector: string): Promise<void>;
  keyboard: { press(key: string): Promise<void> };
  route(url: string, handler: (route: Route) => Promise<void> | void): Promise<void>;
  on(event: 'request', listener: (request: Request) => void): unknown;
  on(event: 'pageerror', listener: (error: Error) => void): unknown;
  addInitScript(script: { content: string }): Promise<void>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  close(): Promise<void>;
}

export interface GraphBrowser {
  newPage(options?: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' }): Promise<GraphPage>;
  close(): Promise<void>;
}

/** Chromium without a sandbox or GPU, and without the background requests it makes by itself. */
export async function openChromium(): Promise<GraphBrowser> {
  const browser = await loadChromium().launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  return browser as unknown as GraphBrowser;
}
