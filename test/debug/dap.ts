import * as net from 'node:net';

/**
 * A Debug Adapter Protocol client for tests, over TCP: messages are JSON with a `Content-Length` header,
 * as debugpy's adapter speaks them. Requests resolve with their response; events are kept, in order.
 */

interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  body?: Record<string, unknown>;
}

export class DapClient {
  private seq = 1;
  private buffered = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve(message: DapMessage): void; reject(error: Error): void }>();
  private readonly waiters: { event: string; resolve(message: DapMessage): void }[] = [];
  /** Every event received so far. */
  readonly events: DapMessage[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('close', () => {
      for (const call of this.pending.values()) call.reject(new Error('the debug adapter closed the connection'));
      this.pending.clear();
    });
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number): Promise<DapClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new DapClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a request; resolves with its response (rejects when it failed). */
  request(command: string, args: Record<string, unknown> = {}): Promise<DapMessage> {
    const seq = this.seq++;
    const body = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args }));
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    return new Promise<DapMessage>((resolve, reject) => this.pending.set(seq, { resolve, reject })).then((response) => {
      if (!response.success) throw new Error(`${command} failed: ${response.message ?? 'no message'}`);
      return response;
    });
  }

  /** The first event of that name, received already or to come. */
  event(name: string): Promise<DapMessage> {
    const seen = this.events.find((e) => e.event === name);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ event: name, resolve }));
  }

  close(): void {
    this.socket.end();
  }

  private read(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.buffered.subarray(0, end).toString('ascii'))?.[1]);
      if (this.buffered.length < end + 4 + length) return;
      const message = JSON.parse(this.buffered.subarray(end + 4, end + 4 + length).toString('utf8')) as DapMessage;
      this.buffered = this.buffered.subarray(end + 4 + length);
      this.receive(message);
    }
  }

  private receive(message: DapMessage): void {
    if (message.type === 'response' && message.request_seq !== undefined) {
      this.pending.get(message.request_seq)?.resolve(message);
      this.pending.delete(message.request_seq);
    } else if (message.type === 'event') {
      this.events.push(message);
      for (const waiter of this.waiters.filter((w) => w.event === message.event)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }
}
