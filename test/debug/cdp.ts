import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A Chrome DevTools Protocol client for tests, over a WebSocket client of its own: Node 20 has no global
 * WebSocket without `--experimental-websocket` (which `npm test` does not pass), and `ws` is not a
 * dependency. Enough of RFC 6455 for the inspector: text frames (masked, as a client must), fragments,
 * 16- and 64-bit lengths, ping and close.
 */

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export class CdpSession {
  private nextId = 1;
  private readonly calls = new Map<number, { resolve(result: Record<string, unknown>): void; reject(error: Error): void }>();
  private readonly listeners = new Set<(method: string, params: Record<string, unknown>) => void>();
  private buffered = Buffer.alloc(0);
  private fragments: Buffer[] = [];

  private constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('close', () => {
      for (const call of this.calls.values()) call.reject(new Error('the inspector closed the connection'));
      this.calls.clear();
    });
    socket.on('error', () => undefined);
  }

  /** Connects to an inspector's `ws://` URL. */
  static connect(url: string): Promise<CdpSession> {
    return new Promise((resolve, reject) => {
      const request = http.request(url.replace(/^ws:/, 'http:'), {
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') },
      });
      request.on('upgrade', (_response, socket, head) => {
        const session = new CdpSession(socket);
        if (head.length > 0) session.read(head);
        resolve(session);
      });
      request.on('response', (response) => reject(new Error(`the inspector answered ${response.statusCode} instead of upgrading`)));
      request.on('error', reject);
      request.end();
    });
  }

  /** Sends a command and resolves with its result. */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.write(0x1, Buffer.from(JSON.stringify({ id, method, params })));
    });
  }

  /** Every event, as it comes; returns a function that stops listening. */
  on(listener: (method: string, params: Record<string, unknown>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.write(0x8, Buffer.alloc(0));
    this.socket.end();
  }

  private write(opcode: number, payload: Buffer): void {
    const length = payload.length;
    const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    if (length < 126) header[1] = 0x80 | length;
    else if (length < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    const mask = randomBytes(4);
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i % 4];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  private read(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const frame = this.frame();
      if (!frame) return;
      const { fin, opcode, payload } = frame;
      if (opcode === 0x8) {
        this.socket.end();
        return;
      }
      if (opcode === 0x9) this.write(0xa, payload);
      if (opcode !== 0x0 && opcode !== 0x1) continue;
      this.fragments.push(payload);
      if (!fin) continue;
      const text = Buffer.concat(this.fragments).toString('utf8');
      this.fragments = [];
      this.receive(JSON.parse(text) as Message);
    }
  }

  /** The next whole frame off the buffer (the server's are never masked), or undefined. */
  private frame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const b = this.buffered;
    if (b.length < 2) return undefined;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    if (b.length < offset + length) return undefined;
    this.buffered = b.subarray(offset + length);
    return { fin: (b[0] & 0x80) !== 0, opcode: b[0] & 0x0f, payload: b.subarray(offset, offset + length) };
  }

  private receive(message: Message): void {
    if (message.id !== undefined) {
      const call = this.calls.get(message.id);
      this.calls.delete(message.id);
      if (message.error) call?.reject(new Error(message.error.message));
      else call?.resolve(message.result ?? {});
      return;
    }
    if (message.method) for (const listener of this.listeners) listener(message.method, message.params ?? {});
  }
}
