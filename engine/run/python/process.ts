import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { LineSplitter } from '../output';
import { HOW_TO_CHOOSE, type Interpreter } from './interpreter';
import { DEBUGPY_FAILED_EXIT_CODE, type FromPython, MIN_PYTHON, NO_DEBUGPY_EXIT_CODE, TOO_OLD_EXIT_CODE, type ToPython } from './protocol';

/** The Python half of the engine: `python/` in the package, beside `dist/` (or the repository's, from sources). */
export function pythonHome(): string {
  for (const candidate of [path.join(__dirname, '..', 'python'), path.resolve(__dirname, '../../../python')]) {
    if (fs.existsSync(path.join(candidate, 'fastasyncio_runner.py'))) return candidate;
  }
  throw new Error(`the engine's Python package is missing (looked for python/fastasyncio_runner.py beside ${__dirname})`);
}

/** What the runner said when it came up. */
export interface PythonReady {
  version: string;
  executable: string;
  pid: number;
}

/** How a Python process ended. */
export interface PythonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** We killed it (`kill()`), as opposed to a crash or an exit of its own. */
  killed: boolean;
  /** One line that says how it ended, with the last lines it wrote to stderr when it crashed. */
  description: string;
}

export interface PythonProcessEvents {
  message(message: FromPython): void;
  /** A line the process wrote to its real stdout or stderr: native code, a thread of a task, the runner's own errors. */
  output(stream: 'stdout' | 'stderr', line: string): void;
  exit(end: PythonExit): void;
}

/** How many of the last stderr lines are kept to explain a crash. */
const STDERR_TAIL = 12;

/**
 * One Python runner process (`python/fastasyncio_runner.py`) and its channel: file descriptor 3, a socket
 * pair, carrying the JSON lines of protocol.ts both ways. What the process writes to its stdout and stderr
 * stays plain text and is passed on as output lines. Messages sent in one turn of the event loop are
 * written together.
 */
export class PythonProcess {
  readonly ready: Promise<PythonReady>;
  private readonly child: ChildProcess;
  private readonly channel: Socket;
  private outbox: string[] = [];
  private exited = false;
  private killed = false;
  private readonly stderrTail: string[] = [];

  /** `debug`: the runner listens there with debugpy (`debugging`) and waits for a debugger before `ready`. */
  constructor(
    readonly interpreter: Interpreter,
    root: string,
    private readonly on: PythonProcessEvents,
    debug?: { port: number; host?: string; debugpyPath?: string },
  ) {
    const home = pythonHome();
    const src = path.join(root, 'src');
    // Frozen standard modules have no source for debugpy to stop in (it warns); older Pythons ignore the option.
    const debugArgs = debug ? ['-X', 'frozen_modules=off'] : [];
    this.child = spawn(interpreter.executable, [...debugArgs, '-u', path.join(home, 'fastasyncio_runner.py')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        PYTHONIOENCODING: 'utf-8',
        FASTASYNCIO_CHANNEL_FD: '3',
        FASTASYNCIO_ROOT: root,
        // The seed's imports: `src.job.task.base_task` from the root, `job.task.base_task` from `src/`.
        FASTASYNCIO_PATH: [root, src].join(path.delimiter),
        FASTASYNCIO_DEBUGPY: debug ? `${debug.host ?? '127.0.0.1'}:${debug.port}` : undefined,
        FASTASYNCIO_DEBUGPY_PATH: debug?.debugpyPath,
      },
    });
    this.channel = this.child.stdio[3] as Socket;
    this.ready = new Promise<PythonReady>((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    // Nobody may be waiting for `ready` when the process dies (a run that ended); its failure is reported elsewhere.
    this.ready.catch(() => undefined);
    this.readChannel();
    for (const stream of ['stdout', 'stderr'] as const) {
      const pipe = this.child[stream]!;
      pipe.setEncoding('utf8');
      const lines = new LineSplitter((line) => {
        if (stream === 'stderr') {
          this.stderrTail.push(line);
          if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
        }
        this.on.output(stream, line);
      });
      pipe.on('data', (text: string) => lines.push(text));
      pipe.on('end', () => lines.end());
    }
    this.child.on('error', (error) => this.ended(null, null, `${interpreter.executable} could not be started: ${error.message}`));
    // `close`, not `exit`: the pipes have been read to their end, so the stderr tail is complete.
    this.child.on('close', (code, signal) => this.ended(code, signal));
  }

  private readyResolve!: (ready: PythonReady) => void;
  private readyReject!: (error: Error) => void;

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  send(message: ToPython): void {
    if (this.exited) return;
    if (this.outbox.length === 0) queueMicrotask(() => this.flush());
    this.outbox.push(JSON.stringify(message));
  }

  private flush(): void {
    if (this.outbox.length === 0 || this.exited) return;
    const text = this.outbox.join('\n') + '\n';
    this.outbox = [];
    this.channel.write(text);
  }

  /** Kills the process (and what it runs); `exit` follows. */
  kill(): void {
    if (this.exited) return;
    this.killed = true;
    this.child.kill('SIGKILL');
  }

  /** Resolves once the process has exited; kills it if it has not within `ms`. */
  async exitWithin(ms: number): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve();
      }, ms);
      this.child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private readChannel(): void {
    let buffered = '';
    this.channel.setEncoding('utf8');
    this.channel.on('data', (text: string) => {
      let start = 0;
      let newline = text.indexOf('\n');
      if (newline === -1) {
        buffered += text;
        return;
      }
      for (; newline !== -1; newline = text.indexOf('\n', start)) {
        const line = buffered + text.slice(start, newline);
        buffered = '';
        start = newline + 1;
        this.receive(line);
      }
      buffered = text.slice(start);
    });
    // The other end is the runner's; an error here means it is gone, which `close` reports.
    this.channel.on('error', () => undefined);
  }

  private receive(line: string): void {
    let message: FromPython;
    try {
      message = JSON.parse(line) as FromPython;
    } catch {
      this.on.output('stderr', `the Python runner sent a malformed message: ${line.slice(0, 200)}`);
      return;
    }
    if (message.type === 'ready') this.readyResolve({ version: message.version, executable: message.executable, pid: message.pid });
    this.on.message(message);
  }

  private ended(code: number | null, signal: NodeJS.Signals | null, failure?: string): void {
    if (this.exited) return;
    this.exited = true;
    this.outbox = [];
    const description = failure ?? this.describe(code, signal);
    this.readyReject(new Error(description));
    this.on.exit({ code, signal, killed: this.killed, description });
  }

  private describe(code: number | null, signal: NodeJS.Signals | null): string {
    const executable = this.interpreter.executable;
    if (code === TOO_OLD_EXIT_CODE) {
      // The bootstrap said which version it found.
      return `${this.stderrTail.join(' ').trim() || `${executable} is older than Python ${MIN_PYTHON}`}; ${HOW_TO_CHOOSE}`;
    }
    if (code === NO_DEBUGPY_EXIT_CODE) {
      return `debugpy is not installed for ${executable}: install it with \`${executable} -m pip install debugpy\` (Debian: apt-get install python3-debugpy)`;
    }
    if (code === DEBUGPY_FAILED_EXIT_CODE && this.stderrTail.length > 0) return this.stderrTail.at(-1)!.replace(/^fastasyncio runner: /, '');
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = this.stderrTail.length > 0 ? `; its last output:\n${this.stderrTail.join('\n')}` : '';
    return `the Python process (${executable}) ${how}${tail}`;
  }
}
