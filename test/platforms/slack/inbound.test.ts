import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../support/db.ts';
import { startSlackApp, textOf, type SlackTestApp } from './support.ts';

describe.each(DATABASE_KINDS)('Slack inbound (%s)', (kind) => {
  let s: SlackTestApp;
  beforeAll(async () => { s = await startSlackApp(kind); });
  afterAll(async () => { await s?.close(); });

  it('answers url_verification with the challenge', async () => {
    const res = await s.slack.send(JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' }), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('/kam help is acknowledged at once and answered through response_url', async () => {
    const res = await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'C1GENERAL', text: 'help', responseId: 'help1' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await s.idle();
    const answer = s.fake.responses.find((r) => r.id === 'help1');
    expect(answer?.body.response_type).toBe('ephemeral');
    expect(textOf(answer?.body)).toContain('/kam');
  });
});
