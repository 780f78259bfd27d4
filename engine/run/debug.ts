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
  python?: { port: number; host?: string };
}

/** A debugger endpoint a run's process opened: what a client attaches to. */
export type DebugTarget =
  /** `url`: the inspector's WebSocket (`ws://127.0.0.1:9229/<id>`). */
  | { kind: 'node'; host: string; port: number; url: string; pid?: number }
  | { kind: 'python'; host: string; port: number; pid?: number };
