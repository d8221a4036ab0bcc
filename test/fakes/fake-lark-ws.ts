import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

/**
 * The long-connection side of a fake Lark: the endpoint the SDK's WSClient asks for a socket
 * URL, and a WebSocket that pushes events as pbbp2 frames (protobuf) and reads the answers.
 * The protobuf is hand-written here (Frame and Header are small), independent of the SDK.
 */

interface Header { key: string; value: string }
export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Header[];
  payload?: Uint8Array;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) { out.push((v & 0x7f) | 0x80); v = Math.floor(v / 128); }
  out.push(v);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export function encodeFrame(frame: Frame): Buffer {
  const out: number[] = [
    ...varint(1 << 3), ...varint(frame.SeqID),
    ...varint(2 << 3), ...varint(frame.LogID),
    ...varint(3 << 3), ...varint(frame.service),
    ...varint(4 << 3), ...varint(frame.method),
  ];
  for (const h of frame.headers) {
    out.push(...lengthDelimited(5, Uint8Array.from([...lengthDelimited(1, utf8(h.key)), ...lengthDelimited(2, utf8(h.value))])));
  }
  if (frame.payload) out.push(...lengthDelimited(8, frame.payload));
  return Buffer.from(out);
}

function readVarint(buf: Buffer, pos: { i: number }): number {
  let result = 0;
  let shift = 1;
  for (;;) {
    const byte = buf[pos.i++]!;
    result += (byte & 0x7f) * shift;
    if (byte < 0x80) return result;
    shift *= 128;
  }
}

function readFields(buf: Buffer, visit: (field: number, value: number | Buffer) => void): void {
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const tag = readVarint(buf, pos);
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) visit(field, readVarint(buf, pos));
    else if (wire === 2) {
      const len = readVarint(buf, pos);
      visit(field, buf.subarray(pos.i, pos.i + len));
      pos.i += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

export function decodeFrame(buf: Buffer): Frame {
  const frame: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  readFields(buf, (field, value) => {
    if (field === 1) frame.SeqID = value as number;
    else if (field === 2) frame.LogID = value as number;
    else if (field === 3) frame.service = value as number;
    else if (field === 4) frame.method = value as number;
    else if (field === 5) {
      const h: Header = { key: '', value: '' };
      readFields(value as Buffer, (f, v) => { if (f === 1) h.key = v.toString(); if (f === 2) h.value = v.toString(); });
      frame.headers.push(h);
    } else if (field === 8) frame.payload = new Uint8Array(value as Buffer);
  });
  return frame;
}

interface WsSocket {
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: () => void): void;
  send(data: Buffer): void;
  terminate(): void;
}
interface WsServer {
  on(event: 'connection', listener: (socket: WsSocket) => void): void;
  handleUpgrade(req: unknown, socket: unknown, head: unknown, done: (ws: WsSocket) => void): void;
  close(): void;
}
// `ws` ships with the Lark SDK (it is the SDK's own WebSocket library); it has no bundled types.
const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: new (options: { noServer: true }) => WsServer };

const SERVICE_ID = 7;

/** Adds the long-connection endpoints to a fake Lark HTTP server. */
export class FakeLarkSocket {
  private readonly wss = new WebSocketServer({ noServer: true });
  private socket?: WsSocket;
  private connectedWaiters: Array<() => void> = [];
  private readonly pending = new Map<string, (answer: { code: number; data?: unknown }) => void>();
  endpointCalls: Array<Record<string, unknown>> = [];

  constructor(private readonly server: Server, private readonly baseUrl: () => string) {
    server.on('upgrade', (req, socket, head) => {
      if (!(req.url ?? '').startsWith('/ws')) { socket.destroy(); return; }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.socket = ws;
        ws.on('message', (data) => this.onFrame(data));
        for (const wake of this.connectedWaiters.splice(0)) wake();
      });
    });
  }

  /** The answer to POST /callback/ws/endpoint. */
  endpoint(body: Record<string, unknown>): unknown {
    this.endpointCalls.push(body);
    const url = this.baseUrl().replace(/^http/, 'ws');
    return {
      code: 0, msg: 'ok',
      data: {
        URL: `${url}/ws?device_id=dev_${randomBytes(4).toString('hex')}&service_id=${SERVICE_ID}`,
        ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 0 },
      },
    };
  }

  /** Resolves once the SDK's WSClient has connected. */
  connected(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  /** Pushes one event (plain JSON, as Lark does over the long connection) and resolves with the client's answer. */
  push(payload: unknown): Promise<{ code: number; data?: unknown }> {
    if (!this.socket) throw new Error('no long connection');
    const messageId = `msg_${randomBytes(6).toString('hex')}`;
    const answer = new Promise<{ code: number; data?: unknown }>((resolve) => this.pending.set(messageId, resolve));
    this.socket.send(encodeFrame({
      SeqID: 0, LogID: 0, service: SERVICE_ID, method: 1,
      headers: [
        { key: 'type', value: 'event' }, { key: 'message_id', value: messageId },
        { key: 'sum', value: '1' }, { key: 'seq', value: '0' }, { key: 'trace_id', value: randomBytes(6).toString('hex') },
      ],
      payload: utf8(JSON.stringify(payload)),
    }));
    return answer;
  }

  private onFrame(data: Buffer): void {
    const frame = decodeFrame(data);
    const header = (key: string) => frame.headers.find((h) => h.key === key)?.value;
    if (frame.method !== 1) return; // pings
    const resolve = this.pending.get(header('message_id') ?? '');
    if (!resolve || !frame.payload) return;
    const body = JSON.parse(new TextDecoder().decode(frame.payload)) as { code: number; data?: string };
    resolve({ code: body.code, ...(body.data ? { data: JSON.parse(Buffer.from(body.data, 'base64').toString('utf8')) as unknown } : {}) });
  }

  close(): void {
    this.socket?.terminate();
    this.wss.close();
  }
}
