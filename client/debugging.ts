import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugOptions, DebugTarget } from '../engine/run/debug';
import { type AttachContext, attachConfiguration, debugOptions, pythonDebugType, runKeyOf } from './debug-config';

/** The debug type that attaches to a job's Python runner, when a Python debugger extension is installed. */
function installedPythonDebugType(): 'debugpy' | 'python' | undefined {
  return pythonDebugType((id) => vscode.extensions.getExtension(id) !== undefined);
}

export interface DebugRunOptions {
  job: string;
  configFile: string;
  root: string;
  /** Whether the job has Python tasks. */
  python: boolean;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** Cancels the run: a session of it was stopped, or could not start. */
  cancel: () => void;
}

/**
 * "Debug Job" for a run about to start: what the engine is asked to listen for, and the sessions that
 * will attach to it. The Python runner waits for a debugger only when there is one to attach to it;
 * without one, Python tasks run undebugged, and the user is told why.
 */
export function debugRun(options: DebugRunOptions): { debug: DebugOptions; sessions: RunDebugSessions } {
  const pythonType = options.python ? installedPythonDebugType() : undefined;
  if (options.python && !pythonType) {
    void vscode.window.showWarningMessage(
      `FastAsyncio: ${options.job}'s Python tasks run without the debugger: install the Python Debugger extension (ms-python.debugpy) to debug them.`,
    );
  }
  return { debug: debugOptions(pythonType !== undefined), sessions: new RunDebugSessions({ ...options, pythonType }) };
}

let sessionCount = 0;

/**
 * The debug sessions of one debugged run ("Debug Job"): each process of the run that listens for a
 * debugger (`onTarget`) gets VS Code's debugger attached; stopping one of them cancels the run, and the
 * run's end (`end`) stops those still going.
 */
export class RunDebugSessions implements vscode.Disposable {
  private readonly key = `${process.pid}-${++sessionCount}`;
  private readonly sessions = new Set<vscode.DebugSession>();
  private readonly disposables: vscode.Disposable[];
  private ended = false;

  constructor(private readonly options: DebugRunOptions & { pythonType?: 'debugpy' | 'python' }) {
    this.disposables = [
      vscode.debug.onDidStartDebugSession((session) => this.mine(session) && this.sessions.add(session)),
      vscode.debug.onDidTerminateDebugSession((session) => this.terminated(session)),
    ];
  }

  /** For the engine's `onDebugTarget`: attaches to a process of the run. */
  readonly onTarget = (target: DebugTarget): void => {
    void this.attach(target).catch((error: unknown) => this.failed(target, error));
  };

  private async attach(target: DebugTarget): Promise<void> {
    if (this.ended) return;
    const context: AttachContext = {
      job: this.options.job,
      root: this.options.root,
      dist: path.join(this.options.extensionUri.fsPath, 'dist'),
      pythonType: this.options.pythonType,
      key: this.key,
    };
    const configuration = attachConfiguration(target, context);
    if (!configuration) throw new Error('no Python debugger is installed (the Python Debugger extension, ms-python.debugpy)');
    this.options.log.info(`Debug Job: attaching to the run's ${target.kind === 'node' ? 'task worker' : 'Python runner'} on ${target.host}:${target.port}`);
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(this.options.configFile));
    const started = await vscode.debug.startDebugging(folder, configuration, { suppressSaveBeforeStart: true });
    if (!started) throw new Error('the debugger did not start (see the Debug Console)');
  }

  /** A process of the run waits for a debugger that will not come: the run is cancelled rather than left hanging. */
  private failed(target: DebugTarget, error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    this.options.log.error(`Debug Job: cannot attach to ${target.host}:${target.port}: ${why}`);
    void vscode.window.showErrorMessage(`FastAsyncio: cannot debug ${this.options.job}: ${why}. The run is cancelled.`);
    this.options.cancel();
  }

  /** A session this run started, or one of its children (js-debug attaches to a target in a child session). */
  private mine(session: vscode.DebugSession | undefined): boolean {
    for (let s = session; s; s = s.parentSession) if (runKeyOf(s.configuration) === this.key) return true;
    return false;
  }

  private terminated(session: vscode.DebugSession): void {
    if (!this.sessions.delete(session)) return;
    // The user stopped debugging: the run stops too. (Once the run has ended, its sessions just end.)
    if (!this.ended) this.options.cancel();
  }

  /** The run has ended: its sessions still going are stopped. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const session of this.sessions) if (!this.mine(session.parentSession)) void vscode.debug.stopDebugging(session);
    this.dispose();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
