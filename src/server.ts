import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './lib/logger.ts';

/** One HTTP route. `path` ending in `*` matches a prefix. Handlers read the body themselves. */
export interface HttpRoute {
  method: 'GET' | 'POST' | '*';
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export interface HttpServer {
  server: Server;
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting connections and waits for in-flight requests to finish. */
  close(): Promise<void>;
}

/** Largest request body any route accepts (Slack and Lark payloads are far smaller). */
export const MAX_BODY_BYTES = 1_000_000;

/** Reads a request body as a string, refusing bodies over the limit. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class BodyTooLargeError extends Error {
  constructor() { super('request body too large'); }
}

/** Sends a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function matches(route: HttpRoute, method: string, path: string): boolean {
  if (route.method !== '*' && route.method !== method) return false;
  return route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) : path === route.path;
}

/**
 * The one HTTP server: /healthz, /readyz and every platform route. Unknown paths get 404;
 * a handler that throws gets a 500 without details (the error is logged).
 */
export function createHttpServer(options: { logger: Logger; ready: () => Promise<void>; routes: HttpRoute[] }): HttpServer {
  const { logger } = options;
  const routes: HttpRoute[] = [
    { method: 'GET', path: '/healthz', handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET', path: '/readyz', handle: async (_req, res) => {
        try { await options.ready(); sendJson(res, 200, { status: 'ready' }); } catch { sendJson(res, 503, { status: 'unavailable' }); }
      },
    },
    ...options.routes,
  ];
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.find((r) => matches(r, req.method ?? 'GET', path));
    if (!route) { sendJson(res, 404, { error: 'not found' }); return; }
    try {
      await route.handle(req, res);
    } catch (error) {
      if (error instanceof BodyTooLargeError) { if (!res.headersSent) sendJson(res, 413, { error: 'body too large' }); return; }
      logger.error({ err: error, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    }
  });
  server.keepAliveTimeout = 5_000;
  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
