// node:test glue for the end-to-end tests (`npm run test:e2e` runs test/e2e/*.e2e.ts):
//
//   describe('Run Job', () => {
//     const code = useVSCode({ workspace: path.join(ROOT, 'examples'), vsix: findVsix() });
//     code.test('runs the sample job', async (vscode) => {
//       await vscode.runCommand('FastAsyncio: Run Job');
//       ...
//     });
//   });
//
// One code-server per `useVSCode` (started in `before`, stopped in `after`). A failing test leaves a
// screenshot and VS Code's logs in test-results/.
import { after, before, it, type TestContext } from 'node:test';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { RESULTS, ROOT, startCodeServer, type StartOptions, type VSCode } from './harness';

export { ROOT } from './harness';

/** The VSIX to test: $E2E_VSIX, else the newest *.vsix at the repository root (`npm run package`). */
export function findVsix(): string {
  if (process.env.E2E_VSIX) return path.resolve(process.env.E2E_VSIX);
  const found = readdirSync(ROOT)
    .filter((f) => f.endsWith('.vsix'))
    .map((f) => path.join(ROOT, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found[0]) throw new Error(`No .vsix in ${ROOT}: run \`npm run package\` (or set E2E_VSIX)`);
  return found[0];
}

export interface VSCodeSuite {
  /** The running VS Code (after `before`). */
  readonly vscode: VSCode;
  /** A node:test test that gets the running VS Code and leaves a screenshot and logs when it fails. */
  test(name: string, fn: (vscode: VSCode, t: TestContext) => Promise<void>, options?: { timeout?: number }): void;
}

/** Starts one code-server for the enclosing `describe` (or file). */
export function useVSCode(options: StartOptions | (() => StartOptions)): VSCodeSuite {
  let session: VSCode | undefined;
  before(
    async () => {
      session = await startCodeServer(typeof options === 'function' ? options() : options);
    },
    { timeout: 180_000 },
  );
  after(async () => {
    await session?.stop();
  });
  const suite: VSCodeSuite = {
    get vscode() {
      if (!session) throw new Error('VS Code did not start (see the `before` hook failure)');
      return session;
    },
    test(name, fn, testOptions) {
      it(name, { timeout: testOptions?.timeout ?? 120_000 }, async (t) => {
        const vscode = suite.vscode;
        try {
          await fn(vscode, t);
        } catch (error) {
          const slug = `failure-${name}`.replace(/[^\w.-]+/g, '-').replace(/-+$/, '');
          const shot = await vscode.screenshot(slug).catch(() => undefined);
          await vscode.saveLogs(path.join(RESULTS, `${slug}-logs`)).catch(() => undefined);
          if (shot) t.diagnostic(`screenshot: ${shot}`);
          throw error;
        }
      });
    },
  };
  return suite;
}
