import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { sdkLogger } from '../../src/platforms/lark/api.ts';
import { createSlackLogger } from '../../src/platforms/slack/client.ts';

/** A logger whose lines are kept in memory, so tests can read what an operator would see. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => { lines.push(line); } } });
  return { logger, all: () => lines.join('') };
}

describe('secrets never reach the logs', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // A Lark-like endpoint that is down: every request fails with HTTP 500.
    server = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"code":500,"msg":"down"}'); }); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise((resolve) => server.close(resolve)); });

  it('a failed query logs its SQL but not the bound values (user text, stored Slack tokens)', () => {
    const { logger, all } = capture();
    const installation = JSON.stringify({ bot: { token: 'xoxb-111-222-SECRETVALUE' }, user: { token: 'xoxp-9-SECRET2' } });
    const err = new DrizzleQueryError('insert into "slack_installations" values ($1, $2)', ['T1', installation], new Error('connection refused'));
    logger.error({ err }, 'handler failed');
    logger.error({ err: String(err) }, 'as text');
    const out = all();
    expect(out).toContain('slack_installations');
    expect(out).toContain('connection refused');
    expect(out).not.toContain('SECRETVALUE');
    expect(out).not.toContain('SECRET2');
  });

  it('the Lark SDK logging a failed token request shows neither the app secret nor the bearer token', async () => {
    const { logger, all } = capture();
    const lark = sdkLogger(logger);
    const failure = await axios.post(`${url}/open-apis/auth/v3/tenant_access_token/internal`,
      { app_id: 'cli_test', app_secret: 'APPSECRET123' }, { headers: { Authorization: 'Bearer t-TENANTTOKEN' } }).catch((e: unknown) => e);
    lark.error(failure);
    lark.error([{ message: 'failed', config: { data: JSON.stringify({ app_secret: 'APPSECRET123' }) } }]);
    const out = all();
    expect(out).toContain('500');
    expect(out).not.toContain('APPSECRET123');
    expect(out).not.toContain('t-TENANTTOKEN');
  });

  it('Bolt errors that quote a token are scrubbed', () => {
    const { logger, all } = capture();
    createSlackLogger(logger).error(new Error('An API error occurred: invalid_auth for token xoxb-123-456-abcdef'), 'Authorization: Bearer xoxb-999');
    const out = all();
    expect(out).toContain('invalid_auth');
    expect(out).not.toContain('abcdef');
    expect(out).not.toContain('xoxb-999');
  });

  it('config and request headers stay redacted', () => {
    const { logger, all } = capture();
    logger.info({ config: { slack: { botToken: 'xoxb-cfg' }, databaseUrl: 'postgres://u:pw@h/db' }, headers: { authorization: 'Bearer hdr' } }, 'boot');
    const out = all();
    expect(out).not.toContain('xoxb-cfg');
    expect(out).not.toContain(':pw@');
    expect(out).not.toContain('Bearer hdr');
  });
});
