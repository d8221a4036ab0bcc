import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One server → client WebSocket frame (servers never mask). */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len])
    : len < 65_536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
      : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
  return Buffer.concat([head, payload]);
}

/**
 * A fake of Slack's Socket Mode WebSocket endpoint (RFC 6455, just enough of it): it says
 * `hello` on connect, answers pings, pushes envelopes (slash_commands, events_api, interactive)
 * and records the acks the app sends back.
 */
export class FakeSlackSocket {
  readonly acks: Array<{ envelope_id: string; payload?: Record<string, unknown> }> = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private seq = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((_req, res) => { res.writeHead(426).end(); });
    this.server.on('upgrade', (req, socket: Socket) => {
      const key = String(req.headers['sec-websocket-key'] ?? '');
      const accept = createHash('sha1').update(key + GUID).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => this.sockets.delete(socket));
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const parsed = this.parse(buffer);
          if (!parsed) break;
          buffer = buffer.subarray(parsed.used);
          if (parsed.opcode === 0x1) this.acks.push(JSON.parse(parsed.payload.toString('utf8')) as { envelope_id: string });
          else if (parsed.opcode === 0x9) socket.write(frame(0xa, parsed.payload));
          else if (parsed.opcode === 0x8) { socket.end(frame(0x8, Buffer.alloc(0))); }
        }
      });
      this.sendTo(socket, { type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0KAMBOT' } });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
    return this;
  }

  private parse(buf: Buffer): { opcode: number; payload: Buffer; used: number } | undefined {
    if (buf.length < 2) return undefined;
    const opcode = buf[0]! & 0x0f;
    const masked = (buf[1]! & 0x80) !== 0;
    let len = buf[1]! & 0x7f;
    let offset = 2;
    if (len === 126) { if (buf.length < 4) return undefined; len = buf.readUInt16BE(2); offset = 4; }
    else if (len === 127) { if (buf.length < 10) return undefined; len = Number(buf.readBigUInt64BE(2)); offset = 10; }
    const maskLen = masked ? 4 : 0;
    if (buf.length < offset + maskLen + len) return undefined;
    const mask = masked ? buf.subarray(offset, offset + 4) : undefined;
    const payload = Buffer.from(buf.subarray(offset + maskLen, offset + maskLen + len));
    if (mask) for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ mask[i % 4]!;
    return { opcode, payload, used: offset + maskLen + len };
  }

  private sendTo(socket: Socket, body: unknown): void {
    socket.write(frame(0x1, Buffer.from(JSON.stringify(body), 'utf8')));
  }

  get connections(): number { return this.sockets.size; }

  /** Pushes an envelope to every connected client; returns its envelope id. */
  push(type: 'slash_commands' | 'events_api' | 'interactive', payload: Record<string, unknown>, acceptsResponsePayload = type !== 'events_api'): string {
    this.seq += 1;
    const envelopeId = `env-${this.seq}`;
    for (const socket of this.sockets) {
      this.sendTo(socket, { envelope_id: envelopeId, payload, type, accepts_response_payload: acceptsResponsePayload, ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}) });
    }
    return envelopeId;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
