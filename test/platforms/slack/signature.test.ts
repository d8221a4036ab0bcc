import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../../db/client.ts';
import { isSignedBySlack } from '../../../src/platforms/slack/receiver.ts';
import { DATABASE_KINDS } from '../../support/db.ts';
import { startSlackApp, type SlackTestApp } from './support.ts';

// The worked example from Slack's "Verifying requests from Slack" guide.
const EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const at = (seconds: number) => new Date(seconds * 1000);

describe('Slack request signatures', () => {
  it("accepts Slack's published example and nothing that differs from it", () => {
    const { secret, body, signature, timestamp } = EXAMPLE;
    expect(isSignedBySlack(secret, body, signature, String(timestamp), at(timestamp + 1))).toBe(true);
    expect(isSignedBySlack(secret, body.replace('roadrunner', 'roadrunnex'), signature, String(timestamp), at(timestamp + 1))).toBe(false);
    expect(isSignedBySlack('another-secret', body, signature, String(timestamp), at(timestamp + 1))).toBe(false);
    expect(isSignedBySlack(secret, body, signature.replace('v0=', 'v1='), String(timestamp), at(timestamp + 1))).toBe(false);
    expect(isSignedBySlack(secret, body, undefined, String(timestamp), at(timestamp + 1))).toBe(false);
    expect(isSignedBySlack(secret, body, signature, 'soon', at(timestamp + 1))).toBe(false);
  });

  it('refuses timestamps more than five minutes away, in either direction', () => {
    const { secret, body, signature, timestamp } = EXAMPLE;
    expect(isSignedBySlack(secret, body, signature, String(timestamp), at(timestamp + 299))).toBe(true);
    expect(isSignedBySlack(secret, body, signature, String(timestamp), at(timestamp + 301))).toBe(false);
    expect(isSignedBySlack(secret, body, signature, String(timestamp), at(timestamp - 301))).toBe(false);
  });
});

describe.each(DATABASE_KINDS)('the published example through our server (%s)', (kind) => {
  let s: SlackTestApp;
  beforeAll(async () => {
    s = await startSlackApp(kind, { SLACK_SIGNING_SECRET: EXAMPLE.secret }, at(EXAMPLE.timestamp + 2).toISOString());
  });
  afterAll(async () => { await s?.close(); });

  it('is accepted with its published signature; a tampered copy gets 401', async () => {
    const ok = await s.slack.send(EXAMPLE.body, 'application/x-www-form-urlencoded', { timestamp: EXAMPLE.timestamp, signature: EXAMPLE.signature });
    expect(ok.status).toBe(200);
    const tampered = await s.slack.send(EXAMPLE.body.replace('text=', 'text=help'), 'application/x-www-form-urlencoded', { timestamp: EXAMPLE.timestamp, signature: EXAMPLE.signature });
    expect(tampered.status).toBe(401);
    await s.idle();
    // /webhook-collect is not our command: nobody was created, nothing was answered.
    const [row] = await queryRows<{ n: number }>(s.database.db, sql`select count(*)::int as n from members`);
    expect(row!.n).toBe(0);
  });
});
