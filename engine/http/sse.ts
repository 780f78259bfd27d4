import type { ServerResponse } from 'node:http';

const FLUSH_AT = 64 * 1024;

/**
 * Writes server-sent events to a response: `id: <seq>` and `data: <event JSON>` each, batched, and
 * waiting for the connection to drain when it is full, so a slow reader slows the writer down rather
 * than piling the stream up in memory.
 */
export class SseWriter {
  private pending = '';
  private isClosed = false;
  /** Resolves when the connection has closed. */
  readonly closed: Promise<void>;

  constructor(private readonly raw: ServerResponse) {
    this.closed = new Promise((resolve) =>
      raw.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
  }

  /** Whether the client has gone (or the stream was ended). */
  get done(): boolean {
    return this.isClosed || this.raw.writableEnded;
  }

  /** Queues one event; returns a promise only when it had to wait for the connection. */
  send(seq: number, json: string): void | Promise<void> {
    this.pending += `id: ${seq}\ndata: ${json}\n\n`;
    if (this.pending.length >= FLUSH_AT) return this.flush();
  }

  /** Writes what is queued; resolves when the connection can take more (or has closed). */
  flush(): void | Promise<void> {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    if (this.done) return;
    if (!this.raw.write(text)) return Promise.race([new Promise<void>((resolve) => this.raw.once('drain', resolve)), this.closed]);
  }

  /** A comment line (a heartbeat), unless events are queued. */
  comment(text: string): void {
    if (!this.done && this.pending === '') this.raw.write(`: ${text}\n\n`);
  }

  /** Flushes and ends the stream. */
  end(): void {
    if (this.done) return;
    const text = this.pending;
    this.pending = '';
    this.raw.end(text);
  }
}
