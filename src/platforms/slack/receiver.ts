import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifySlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { readBody, sendJson } from '../../server.ts';

/** Slack wants an answer within 3 s; we answer empty by 2.5 s if no listener did. */
export const AUTO_ACK_MS = 2_500;
const MAX_SKEW_SECONDS = 5 * 60;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks Slack's v0 request signature with Bolt's verifier against our clock: HMAC-SHA256 of
 * `v0:<timestamp>:<raw body>`, and a timestamp no more than five minutes away from now.
 */
export function isSignedBySlack(signingSecret: string, rawBody: string, signature: string | undefined, timestamp: string | undefined, now: Date): boolean {
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  const ts = Number(timestamp);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // Bolt's verifier rejects old timestamps; we also refuse ones from the future.
  if (ts > nowSeconds + MAX_SKEW_SECONDS) return false;
  try {
    verifySlackRequest({
      signingSecret, body: rawBody, nowMilliseconds: now.getTime(),
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
    });
    return true;
  } catch {
    return false;
  }
}

/** Decodes the three body formats Slack posts: JSON events, form-encoded commands, `payload=` interactivity. */
export function parseSlackBody(rawBody: string, contentType: string | undefined): Record<string, unknown> | undefined {
  try {
    if ((contentType ?? '').includes('application/json')) {
      const parsed: unknown = JSON.parse(rawBody);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
    }
    const form = new URLSearchParams(rawBody);
    const payload = form.get('payload');
    if (payload !== null) {
      const parsed: unknown = JSON.parse(payload);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
    }
    return Object.fromEntries(form.entries());
  } catch {
    return undefined;
  }
}

/**
 * A Bolt receiver that lives inside our own HTTP server: the route reads the raw body once,
 * verifies the signature, answers url_verification and ssl_check itself, and hands everything
 * else to Bolt with an `ack` that writes the HTTP response. Work after the ack keeps running
 * after the response is sent; `stop` waits for it.
 */
export class SlackHttpReceiver implements Receiver {
  private app?: App;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly options: { signingSecret: string; clock: Clock; logger: Logger; autoAckMs?: number }) {}

  init(app: App): void { this.app = app; }
  async start(): Promise<void> {}
  async stop(): Promise<void> { await Promise.allSettled(this.inflight); }

  /** Resolves when all work started by requests so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled(this.inflight);
  }

  /** The single request URL for slash commands, events and interactivity. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { logger, clock } = this.options;
    const rawBody = await readBody(req);
    if (!isSignedBySlack(this.options.signingSecret, rawBody, header(req, 'x-slack-signature'), header(req, 'x-slack-request-timestamp'), clock.now())) {
      logger.warn({ path: '/slack/events' }, 'slack request with a bad or stale signature refused');
      sendJson(res, 401, { error: 'invalid signature' });
      return;
    }
    const body = parseSlackBody(rawBody, header(req, 'content-type'));
    if (!body) { sendJson(res, 400, { error: 'unreadable body' }); return; }
    if (body.ssl_check) { res.writeHead(200).end(); return; }
    if (body.type === 'url_verification') { sendJson(res, 200, { challenge: String(body.challenge ?? '') }); return; }
    if (!this.app) { sendJson(res, 503, { error: 'not ready' }); return; }

    let acked = false;
    const respond = (response: unknown) => {
      if (acked || res.headersSent) return;
      acked = true;
      clearTimeout(timer);
      if (response === undefined || response === null || response === '') res.writeHead(200).end();
      else if (typeof response === 'string') { res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }); res.end(response); }
      else sendJson(res, 200, response);
    };
    // Slack gives up after 3 s and retries; whatever is still running answers by other means.
    const timer = setTimeout(() => respond(undefined), this.options.autoAckMs ?? AUTO_ACK_MS);
    const retryNum = header(req, 'x-slack-retry-num');
    const event: ReceiverEvent = {
      body,
      retryNum: retryNum !== undefined && /^\d+$/.test(retryNum) ? Number(retryNum) : undefined,
      retryReason: header(req, 'x-slack-retry-reason'),
      ack: async (response?: unknown) => { respond(response); },
    };
    const work = this.app.processEvent(event)
      .catch((err: unknown) => { logger.error({ err: err instanceof Error ? err.message : String(err) }, 'slack event processing failed'); })
      .finally(() => { respond(undefined); this.inflight.delete(work); });
    this.inflight.add(work);
  }
}
