import * as vscode from 'vscode';
import type { LanguageClient, State } from 'vscode-languageclient/node';
import { type ConfigJobs, type JobInfo, JobsChangedNotification, JobsRequest, type RunSettings } from '../server/protocol';

/** `State.Running`, without loading the client library at activation for its enum (language-client.ts loads it). */
const RUNNING = 2 as State.Running;

/** A job of a config, as the tree and Run Job show it. */
export interface JobEntry {
  job: JobInfo;
  config: ConfigJobs;
}

/**
 * The job configs of the workspace as the language server analyses them (an open document's text, else
 * the disk's): the whole list each time the server starts, then its `fastasyncio/jobsChanged`
 * notifications. Nothing is read or analysed here, so the tree, Run Job and the Problems panel agree,
 * and a large workspace never blocks the extension host.
 */
export class JobIndex implements vscode.Disposable {
  private readonly configs = new Map<string, ConfigJobs>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private client: LanguageClient | undefined;
  private readonly loaded: Promise<void>;
  private markLoaded: () => void = () => undefined;
  /** Why there are no jobs to show, when the language server is not there to tell. */
  unavailable: string | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.loaded = new Promise((resolve) => (this.markLoaded = resolve));
  }

  /** Follows a language client (connected before it starts): the whole list each time it (re)starts, then each change. */
  connect(client: LanguageClient): void {
    this.client = client;
    this.disposables.push(
      client.onNotification(JobsChangedNotification.method, (params: JobsChangedNotification.Params) => this.apply(params.changed, params.removed)),
      client.onDidChangeState((event) => event.newState === RUNNING && void this.load()),
    );
  }

  /** The language server did not start: nothing to wait for. */
  fail(reason: string): void {
    this.unavailable = reason;
    this.markLoaded();
    this.changed.fire();
  }

  /** Resolves once the server has sent its first list (or could not). */
  ready(): Promise<void> {
    return this.loaded;
  }

  /** Asks the server for every config; `rescan` has it find and analyse them all again first. */
  async load(rescan = false): Promise<void> {
    try {
      if (!this.client) throw new Error('the language server is not running');
      const params: JobsRequest.Params = { rescan };
      const configs = await this.client.sendRequest<JobsRequest.Result>(JobsRequest.method, params);
      this.unavailable = undefined;
      this.configs.clear();
      this.apply(configs, []);
    } catch (error) {
      this.unavailable = `the language server did not list the jobs: ${error instanceof Error ? error.message : String(error)}`;
      this.log.error(`Listing the jobs failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.changed.fire();
    } finally {
      this.markLoaded();
    }
  }

  private apply(changed: readonly ConfigJobs[], removed: readonly string[]): void {
    for (const config of changed) this.configs.set(config.file, config);
    for (const file of removed) this.configs.delete(file);
    this.changed.fire();
  }

  /** Every job of every config, configs in path order. */
  jobs(): JobEntry[] {
    return [...this.configs.values()].sort((a, b) => a.file.localeCompare(b.file)).flatMap((config) => config.jobs.map((job) => ({ job, config })));
  }

  /** Every config, jobs or not. */
  all(): ConfigJobs[] {
    return [...this.configs.values()];
  }

  /** The settings a run of `file` uses, resolved by the server; undefined when it is not a config the server knows. */
  async runSettings(file: string): Promise<RunSettings | undefined> {
    const known = this.configs.get(file)?.run;
    if (known || !this.client) return known;
    const params: JobsRequest.Params = { uris: [this.client.code2ProtocolConverter.asUri(vscode.Uri.file(file))] };
    const [config] = await this.client.sendRequest<JobsRequest.Result>(JobsRequest.method, params);
    return config?.run;
  }

  dispose(): void {
    for (const d of this.disposables) void d.dispose();
  }
}
