import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../../db/client.ts';
import { DATABASE_KINDS } from '../../support/db.ts';
import { startSlackApp, textOf, until, type SlackTestApp } from './support.ts';

describe.each(DATABASE_KINDS)('Slack over Socket Mode (%s)', (kind) => {
  let s: SlackTestApp;
  beforeAll(async () => { s = await startSlackApp(kind, {}, undefined, { socketMode: true }); });
  afterAll(async () => { await s?.close(); });

  it('connects with the app token and serves no public request URL', async () => {
    expect(s.fake.callsTo('apps.connections.open')[0]?.token).toBe('xapp-1-A0KAMBOT-1-test');
    expect(s.socket!.connections).toBe(1);
    const res = await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'C1', text: 'help' });
    expect(res.status).toBe(404);
  });

  it('a slash command envelope is acked and answered through response_url', async () => {
    const envelope = s.socket!.push('slash_commands', Object.fromEntries(new URLSearchParams(
      s.slack.commandBody({ team: 'T1', user: 'UBOSS', channel: 'C1', text: 'whoami', responseId: 'sock-who' }))));
    await until(() => s.socket!.acks.find((a) => a.envelope_id === envelope), 'the ack');
    const answer = await until(() => s.fake.responses.find((r) => r.id === 'sock-who'), 'the answer');
    expect(textOf(answer.body)).toContain('Wang Li');
  });

  it('a DM event envelope reaches the chat layer once', async () => {
    const dm = { type: 'message', channel: 'DBOSS', user: 'UBOSS', text: 'whoami', ts: '1700000900.000100', channel_type: 'im', event_ts: '1700000900.000100' };
    s.socket!.push('events_api', s.slack.envelope('T1', dm, 'Ev0SOCKET1'));
    s.socket!.push('events_api', s.slack.envelope('T1', dm, 'Ev0SOCKET1'));
    await until(() => s.fake.callsTo('chat.postMessage').length > 0, 'the DM answer');
    await until(() => s.socket!.acks.length >= 3, 'both acks');
    const [row] = await queryRows<{ n: number }>(s.database.db, sql`select count(*)::int as n from processed_events where event_key = 'slack:event:Ev0SOCKET1'`);
    expect(row!.n).toBe(1);
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a modal submit with an error answers errors in the ack payload', async () => {
    const envelope = s.socket!.push('interactive', {
      type: 'view_submission', team: { id: 'T1', domain: 'team-t1' }, user: { id: 'UBOSS', username: 'boss', name: 'boss', team_id: 'T1' },
      api_app_id: 'A0KAMBOT', token: 'XXYYZZ', trigger_id: 'trigger.sock',
      view: {
        id: 'VSOCK1', team_id: 'T1', type: 'modal', callback_id: 'touch.submit', private_metadata: JSON.stringify({ f: 'touch.submit', c: 'DBOSS' }),
        state: { values: { account: { value: { type: 'static_select', selected_option: null } }, summary: { value: { type: 'plain_text_input', value: null } } } },
        hash: 'h1', blocks: [],
      },
    });
    const ack = await until(() => s.socket!.acks.find((a) => a.envelope_id === envelope), 'the view ack');
    expect(ack.payload?.response_action).toBe('errors');
    expect(Object.keys(ack.payload?.errors as object)).toEqual(expect.arrayContaining(['account', 'summary']));
  });
});
