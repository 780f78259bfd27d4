// playwright-core lives in .cache/e2e/ (installed by setup.sh), not in package.json, so it cannot be
// imported by name and its types are not there when `npm run typecheck` runs on a fresh clone.
// This file loads it at run time and declares the small part of its API the harness uses.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CACHE = path.join(ROOT, '.cache', 'e2e');

/** A frame of the page: the workbench's own, or a webview's (code-server nests each webview in two iframes). */
export interface Frame {
  url(): string;
  isDetached(): boolean;
  /** Evaluates a JavaScript expression in the frame (a string, as for `Page.evaluate`). */
  evaluate<T>(expression: string): Promise<T>;
  click(selector: string, options?: { button?: 'left' | 'right' | 'middle'; timeout?: number }): Promise<void>;
  waitForSelector(selector: string, options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<unknown>;
}

export interface Page {
  /** Every frame, nested ones included. */
  frames(): Frame[];
  goto(url: string, options?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' | 'commit' }): Promise<unknown>;
  waitForSelector(selector: string, options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<unknown>;
  /** Evaluates a JavaScript expression in the page (strings only: functions would be transpiled by tsx). */
  evaluate<T>(expression: string): Promise<T>;
  click(selector: string, options?: { button?: 'left' | 'right' | 'middle'; timeout?: number }): Promise<void>;
  fill(selector: string, value: string, options?: { timeout?: number }): Promise<void>;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  on(event: 'pageerror', listener: (error: Error) => void): unknown;
}

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number }; extraHTTPHeaders?: Record<string, string> }): Promise<Page>;
  close(): Promise<void>;
}

interface BrowserType {
  launch(options: { executablePath: string; args: string[]; env?: NodeJS.ProcessEnv; headless?: boolean; timeout?: number }): Promise<Browser>;
}

export function loadChromium(): BrowserType {
  const manifest = path.join(CACHE, 'package.json');
  if (!existsSync(path.join(CACHE, 'node_modules', 'playwright-core'))) {
    throw new Error(`playwright-core is not installed in ${CACHE}: run \`bash test/e2e/setup.sh\` first`);
  }
  const playwright = createRequire(manifest)('playwright-core') as { chromium: BrowserType };
  return playwright.chromium;
}
