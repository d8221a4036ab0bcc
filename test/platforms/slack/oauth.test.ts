import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../../db/client.ts';
import { DATABASE_KINDS } from '../../support/db.ts';
import { startSlackApp, textOf, type SlackTestApp } from './support.ts';

const OAUTH_ENV = {
  SLACK_BOT_TOKEN: '',
  SLACK_CLIENT_ID: '1234.5678',
  SLACK_CLIENT_SECRET: 'client-secret-do-not-log',
  SLACK_STATE_SECRET: 'state-secret-do-not-log',
};

describe.each(DATABASE_KINDS)('Slack multi-workspace install (%s)', (kind) => {
  let s: SlackTestApp;
  beforeAll(async () => { s = await startSlackApp(kind, OAUTH_ENV); });
  afterAll(async () => { await s?.close(); });

  const installations = async () => queryRows<{ team_id: string }>(s.database.db, sql`select team_id from slack_installations`);
  const workspace = async (team: string) => (await queryRows<{ active: boolean; name: string }>(s.database.db, sql`
    select active, name from workspaces where platform = 'slack' and external_id = ${team}`))[0];

  it('/slack/install sends the admin to Slack with our scopes and a state cookie', async () => {
    const res = await fetch(`${s.app.url}/slack/install`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.host).toBe('slack.com');
    expect(location.searchParams.get('client_id')).toBe('1234.5678');
    expect(location.searchParams.get('scope')!.split(',').sort()).toEqual(['app_mentions:read', 'chat:write', 'commands', 'im:history', 'users:read']);
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(res.headers.get('set-cookie')).toContain(location.searchParams.get('state')!);
  });

  it('the OAuth redirect stores the installation and creates the KAM workspace; the team can use /kam', async () => {
    const install = await fetch(`${s.app.url}/slack/install`, { redirect: 'manual' });
    const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${s.app.url}/slack/oauth_redirect?code=good-code&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(s.fake.callsTo('oauth.v2.access')).toHaveLength(1);
    expect((await installations()).map((r) => r.team_id)).toEqual(['T9']);
    expect(await workspace('T9')).toMatchObject({ active: true, name: 'Installed Team' });

    await s.slack.command({ team: 'T9', user: 'UANN', channel: 'C9', text: 'whoami', responseId: 't9-who' });
    await s.idle();
    expect(textOf(s.fake.responses.find((r) => r.id === 't9-who')?.body)).toContain('Ann Lee');
    // Calls for T9 use the token from its installation.
    expect(s.fake.callsTo('users.info').at(-1)?.token).toBe('xoxb-installed-token');
  });

  it('a forged state is refused and nothing is stored', async () => {
    const res = await fetch(`${s.app.url}/slack/oauth_redirect?code=good-code&state=forged`, { redirect: 'manual' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(s.fake.callsTo('oauth.v2.access')).toHaveLength(1);
  });

  it('tokens_revoked deactivates the workspace and forgets its tokens', async () => {
    await s.slack.event('T9', { type: 'tokens_revoked', tokens: { oauth: [], bot: ['UBOT9'] }, event_ts: '1700000800.1' });
    await s.idle();
    expect(await workspace('T9')).toMatchObject({ active: false });
    expect(await installations()).toEqual([]);
  });

  it('installing again re-activates the same workspace with its data', async () => {
    const install = await fetch(`${s.app.url}/slack/install`, { redirect: 'manual' });
    const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${s.app.url}/slack/oauth_redirect?code=good-code&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await workspace('T9')).toMatchObject({ active: true });
    const [ann] = await queryRows<{ n: number }>(s.database.db, sql`select count(*)::int as n from members m join workspaces w on w.id = m.workspace_id where w.external_id = 'T9' and m.external_id = 'UANN'`);
    expect(ann!.n).toBe(1);
  });

  it('tokens and secrets never appear in the logs', () => {
    const all = s.logs.join('\n');
    expect(s.logs.length).toBeGreaterThan(0);
    for (const secret of ['xoxb-installed-token', 'client-secret-do-not-log', 'state-secret-do-not-log']) expect(all).not.toContain(secret);
  });
});
