/**
 * Debugging a run, declared once for the CLI (`--inspect`, `--inspect-brk`, `--debug-python`), the
 * child-process runner and the extension's "Debug Job": which debuggers the run's processes listen for,
 * and where they listen once they do.
 */

export interface DebugOptions {
  /**
   * The task worker runs under the Node inspector on this port (0: a free one). `brk`: it waits for a
   * debugger before its first line (`--inspect-brk`).
   */
  inspect?: { port: number; brk: boolean; host?: string };
  /** The Python runner runs under debugpy on this port (0: a free one) and waits for a client to attach. */
  python?: {
    port: number;
    host?: string;
    /**
     * A folder holding the `debugpy` package, used when the interpreter has none of its own (VS Code's
     * Python Debugger extension ships one: `getDebuggerPackagePath`).
     */
    debugpyPath?: string;
  };
}

/** A debugger endpoint a run's process opened: what a client attaches to. */
export type DebugTarget = NodeTarget | PythonTarget;

/** The task worker's Node inspector; `url` is its WebSocket (`ws://127.0.0.1:9229/<id>`). */
export interface NodeTarget {
  kind: 'node';
  host: string;
  port: number;
  url: string;
  pid?: number;
}

/** The Python runner's debugpy (DAP over TCP). */
export interface PythonTarget {
  kind: 'python';
  host: string;
  port: number;
  pid?: number;
}

/** Whether a run listens for any debugger. */
export function isDebugging(debug: DebugOptions | undefined): boolean {
  return debug?.inspect !== undefined || debug?.python !== undefined;
}

/** The run-log line of a run that debugs: a task paused at a breakpoint must not time out. */
export const TIMEOUTS_OFF = 'task timeouts are off while debugging';

/** The run-log line that says where to attach a debugger, and what waits for it. */
export function whereToAttach(target: DebugTarget, waits: boolean): string {
  const address = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  if (target.kind === 'node') {
    return (
      `debugger: the task worker${target.pid === undefined ? '' : ` (pid ${target.pid})`} listens on ${target.url}; attach a Node debugger to ${address} (VS Code: Attach to Node Process, or chrome://inspect)` +
      (waits ? '; the run waits for it' : '')
    );
  }
  return `debugger: debugpy listens on ${address} (the Python runner${target.pid === undefined ? '' : `, pid ${target.pid}`}); attach a Python debugger there (VS Code: Python Debugger: Remote Attach); Python tasks wait for it`;
}
