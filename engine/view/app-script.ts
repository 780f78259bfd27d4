import { type BuildOptions, buildSync } from 'esbuild';
import * as path from 'node:path';
import appBuild from './web/build.json';

/**
 * The graph app (web/app.ts) as one script for browsers (an IIFE with no imports), which pages inline.
 * In the bundles (dist/cli.js, dist/extension.js), esbuild.js replaces this module with the script built
 * in advance; run from the sources (tests, tsx), it is built here on first use, with the same options.
 */
let built: string | undefined;

export function appScript(): string {
  return (built ??= buildSync({ ...APP_BUILD_OPTIONS, entryPoints: [path.join(__dirname, 'web', 'app.ts')], write: false }).outputFiles[0].text);
}

/** The options of the app's build, shared with esbuild.js (which builds it for the bundles). */
const APP_BUILD_OPTIONS = appBuild as BuildOptions;
