/**
 * A minimal LSP client for the protocol tests and the benchmark: it starts `node dist/server.js --stdio`,
 * speaks JSON-RPC over its stdin/stdout with vscode-jsonrpc, answers the server's own requests (watcher
 * registration, settings) and keeps every published diagnostic so tests can wait for one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { ClientCapabilities, Diagnostic, InitializeResult, Registration, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { JobsChangedNotification } from '../../server/protocol';

export const SERVER = path.resolve(__dirname, '../../dist/server.js');

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export const CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true },
    completion: { completionItem: { snippetSupport: true } },
    rename: { prepareSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

export interface StartOptions {
  /** The workspace folder; `null` starts without any (a single file opened). */
  root: string | null;
  initializationOptions?: unknown;
  capabilities?: ClientCapabilities;
  /** What `workspace/configuration` answers for the `fastasyncio` section: a value, or one per scope (a folder's URI, or none for the window's). */
  settings?: unknown;
}

export class LspClient {
  readonly published: Published[] = [];
  /** Every `fastasyncio/jobsChanged` notification, in order. */
  readonly jobsChanged: JobsChangedNotification.Params[] = [];
  readonly registrations: Registration[] = [];
  readonly logs: string[] = [];
  readonly errors: Error[] = [];
  stderr = '';
  initializeResult!: InitializeResult;
  /** What `workspace/configuration` answers from now on (see `StartOptions.settings`). */
  settings: unknown;
  private waiters: (() => void)[] = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(options: StartOptions): Promise<LspClient> {
    // SERVER_CPU_PROF_DIR=<dir> profiles the server (`--cpu-prof`), for the benches.
    const profile = process.env.SERVER_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SERVER_CPU_PROF_DIR}`] : [];
    const child = spawn(process.execPath, [...profile, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection);
    child.stderr.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    connection.onError(([error]) => client.errors.push(error));
    connection.onNotification('textDocument/publishDiagnostics', (params: Published) => {
      client.published.push(params);
      for (const wake of client.waiters.splice(0)) wake();
    });
    connection.onNotification(JobsChangedNotification.method, (params: JobsChangedNotification.Params) => {
      client.jobsChanged.push(params);
      for (const wake of client.waiters.splice(0)) wake();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      client.logs.push(params.message);
    });
    connection.onRequest('client/registerCapability', (params: { registrations: Registration[] }) => {
      client.registrations.push(...params.registrations);
      return null;
    });
    connection.onRequest('client/unregisterCapability', () => null);
    client.settings = options.settings;
    connection.onRequest('workspace/configuration', (params: { items: { scopeUri?: string }[] }) =>
      params.items.map(
        (item) => (typeof client.settings === 'function' ? (client.settings as (scope?: string) => unknown)(item.scopeUri) : client.settings) ?? null,
      ),
    );
    connection.listen();
    const rootUri = options.root === null ? null : pathToFileURL(options.root).href;
    client.initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: options.root === null || rootUri === null ? null : [{ uri: rootUri, name: path.basename(options.root) }],
      capabilities: options.capabilities ?? CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params);
  }

  async open(uri: string, text: string, languageId = 'json'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Where the history of published diagnostics stands now: wait for something after it. */
  mark(): number {
    return this.published.length;
  }

  /** Waits until `find` finds something (checked again after each notification), and returns it. */
  async waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The first diagnostics published for `uri` after `since` that satisfy `accept`. */
  async diagnostics(uri: string, accept: (p: Published) => boolean = () => true, since = 0, timeoutMs = 15_000): Promise<Published> {
    const deadline = Date.now() + timeoutMs;
    for (let i = since; ;) {
      for (; i < this.published.length; i++) {
        const p = this.published[i];
        if (p.uri === uri && accept(p)) return p;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(this.published.filter((p) => p.uri === uri).slice(-3))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.process.exitCode !== null) resolve(this.process.exitCode);
      else this.process.once('exit', (code) => resolve(code));
    });
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server is gone already; the kill below is for a hung one.
    }
    const timer = setTimeout(() => this.process.kill(), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

export const codes = (p: Published): string[] => p.diagnostics.map((d) => String(d.code));

/** A diagnostic's message (LSP 3.18 allows markup; the server sends plain text). */
export const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
