import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../../db/client.ts';
import { DATABASE_KINDS } from '../../support/db.ts';
import { startSlackApp, textOf, type SlackTestApp } from './support.ts';

type Block = { type: string; block_id?: string; elements?: Array<{ action_id?: string; value?: string }>; element?: { type: string; options?: Array<{ value: string; text: { text: string } }> } };

describe.each(DATABASE_KINDS)('Slack inbound: commands, DMs, mentions, modals, buttons (%s)', (kind) => {
  let s: SlackTestApp;
  const count = async (table: string) => (await queryRows<{ n: number }>(s.database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
  const response = (id: string) => s.fake.responses.find((r) => r.id === id)?.body;
  const lastCall = (method: string) => s.fake.callsTo(method).at(-1)?.args;

  beforeAll(async () => { s = await startSlackApp(kind); });
  afterAll(async () => { await s?.close(); });

  it('answers url_verification with the challenge', async () => {
    const res = await s.slack.send(JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' }), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('/kam help is acknowledged empty and answered through response_url in the user language', async () => {
    const res = await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'C1GENERAL', text: 'help', responseId: 'help1' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await s.idle();
    const answer = response('help1');
    expect(answer?.response_type).toBe('ephemeral');
    // Wang's Slack locale is zh-CN, so KAM Bot speaks Chinese to him.
    expect(textOf(answer)).toMatch(/[\u4e00-\u9fff]/);
    expect(textOf(answer)).toContain('/kam team');
    expect(s.fake.callsTo('users.info').map((c) => c.args.user)).toContain('UBOSS');
  });

  it('mentions in slash commands resolve to members with their Slack profile', async () => {
    await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'C1GENERAL', text: 'team add <@UANN|ann>', responseId: 'add-ann' });
    await s.idle();
    expect(textOf(response('add-ann'))).toContain('<@UANN>');
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'whoami', responseId: 'ann-who' });
    await s.idle();
    const who = textOf(response('ann-who'));
    expect(who).toContain('Ann Lee');
    expect(who).toContain('Europe/London');
    expect(who).toContain('<@UBOSS>');
  });

  it('a manager sets up an account for the assistant with a mention', async () => {
    await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'C1GENERAL', text: 'account add "Acme Corp" tier=A assistant=<@UANN>', responseId: 'acct' });
    await s.idle();
    expect(textOf(response('acct'))).toContain('Acme Corp');
    expect(await count('accounts')).toBe(1);
  });

  it('App Home shows the assistant what is due, with quick actions', async () => {
    const res = await s.slack.event('T1', { type: 'app_home_opened', user: 'UANN', channel: 'DANN', tab: 'home', event_ts: '1700000000.1' });
    expect(res.status).toBe(200);
    await s.idle();
    const publish = lastCall('views.publish');
    expect(publish?.user_id).toBe('UANN');
    const view = publish?.view as { type: string; blocks: Block[] };
    expect(view.type).toBe('home');
    expect(textOf({ blocks: view.blocks })).toContain('Acme Corp');
    const actions = view.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    expect(actions.map((a) => a.value)).toEqual(expect.arrayContaining(['visit', 'touch', 'feedback']));
  });

  it('a manager opening App Home sees the team at a glance', async () => {
    await s.slack.event('T1', { type: 'app_home_opened', user: 'UBOSS', channel: 'DBOSS', tab: 'home', event_ts: '1700000000.2' });
    await s.idle();
    const view = lastCall('views.publish')?.view as { blocks: Block[] };
    const text = textOf({ blocks: view.blocks });
    expect(text).toContain('<@UANN>');
    expect(text).toContain('团队概况');
  });

  it('a quick-action button on App Home opens the form as a modal; submitting it refreshes the Home tab', async () => {
    await s.slack.click({ team: 'T1', user: 'UANN', actionId: 'home.quick', value: 'feedback', container: 'home' });
    await s.idle();
    const open = lastCall('views.open');
    expect(open?.trigger_id).toMatch(/^trigger\./);
    const view = open!.view as { callback_id: string; private_metadata: string; blocks: Block[] };
    expect(JSON.parse(view.private_metadata).h).toBe(1);
    const fields = view.blocks.map((b) => b.block_id);
    expect(fields).toContain('account');
    const account = view.blocks.find((b) => b.block_id === 'account')!.element!.options!.find((o) => o.text.text.includes('Acme'))!.value;
    s.fake.clear();
    const values: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const b of view.blocks) values[b.block_id!] = { value: { type: b.element!.type, value: null, selected_option: null } };
    values.account = { value: { type: 'static_select', selected_option: { value: account } } };
    values.score = { value: { type: 'static_select', selected_option: { value: '2' } } };
    values.category = { value: { type: 'static_select', selected_option: { value: 'delivery' } } };
    values.complaint = { value: { type: 'static_select', selected_option: { value: 'yes' } } };
    values.text = { value: { type: 'plain_text_input', value: 'Delivery was late twice' } };
    const res = await s.slack.submit({ team: 'T1', user: 'UANN', viewId: 'VFB1', callbackId: view.callback_id, privateMetadata: view.private_metadata, values });
    const body = await res.text();
    await s.idle();
    expect(body).toBe('');
    const home = lastCall('views.publish');
    expect(home?.user_id).toBe('UANN');
    expect(textOf({ blocks: (home!.view as { blocks: unknown[] }).blocks })).toContain('Delivery was late twice');
  });

  let metadata = '';
  let accountOption = '';
  it('/kam touch opens a modal with the trigger id', async () => {
    s.fake.clear();
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'touch' });
    await s.idle();
    const open = lastCall('views.open');
    expect(open?.trigger_id).toBeTruthy();
    const view = open?.view as { callback_id: string; private_metadata: string; blocks: Block[]; title: { text: string } };
    expect(view.callback_id).toBe('touch.submit');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    metadata = view.private_metadata;
    const select = view.blocks.find((b) => b.block_id === 'account')!.element!;
    expect(select.type).toBe('static_select');
    accountOption = select.options!.find((o) => o.text.text.includes('Acme'))!.value;
  });

  it('submitting the modal with a missing summary shows the error inline and writes nothing', async () => {
    const res = await s.slack.submit({
      team: 'T1', user: 'UANN', viewId: 'VTOUCH1', callbackId: 'touch.submit', privateMetadata: metadata,
      values: {
        account: { value: { type: 'static_select', selected_option: { value: accountOption } } },
        kind: { value: { type: 'static_select', selected_option: { value: 'call' } } },
        date: { value: { type: 'datepicker', selected_date: '2026-11-30' } },
        summary: { value: { type: 'plain_text_input', value: null } },
        next: { value: { type: 'plain_text_input', value: null } },
        due: { value: { type: 'datepicker', selected_date: null } },
      },
    });
    expect(res.status).toBe(200);
    const body = await res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual(['summary']);
    expect(await count('touches')).toBe(0);
  });

  const goodValues = () => ({
    account: { value: { type: 'static_select', selected_option: { value: accountOption } } },
    kind: { value: { type: 'static_select', selected_option: { value: 'call' } } },
    date: { value: { type: 'datepicker', selected_date: '2026-11-30' } },
    summary: { value: { type: 'plain_text_input', value: 'Talked about the Q1 order' } },
    next: { value: { type: 'plain_text_input', value: 'Send the quote' } },
    due: { value: { type: 'datepicker', selected_date: '2026-12-02' } },
  });

  let doneButton: { action_id?: string; value?: string } | undefined;
  it('a valid submit closes the modal, logs once and confirms in the conversation', async () => {
    const res = await s.slack.submit({ team: 'T1', user: 'UANN', viewId: 'VTOUCH2', callbackId: 'touch.submit', privateMetadata: metadata, values: goodValues() });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await s.idle();
    expect(await count('touches')).toBe(1);
    const posted = lastCall('chat.postMessage');
    expect(posted?.channel).toBe('DANN');
    expect(textOf(posted)).toContain('Acme Corp');
    doneButton = (posted!.blocks as Block[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'touch.done');
    expect(doneButton?.value).toBeTruthy();
  });

  it('a double-submitted modal never creates two records', async () => {
    await s.slack.submit({ team: 'T1', user: 'UANN', viewId: 'VTOUCH2', callbackId: 'touch.submit', privateMetadata: metadata, values: goodValues() });
    await s.idle();
    expect(await count('touches')).toBe(1);
  });

  it('a button click reaches its action; a double click runs once', async () => {
    s.fake.clear();
    await s.slack.click({ team: 'T1', user: 'UANN', channel: 'DANN', actionId: doneButton!.action_id!, value: doneButton!.value, messageTs: '1700000500.000100', responseId: 'done1' });
    await s.slack.click({ team: 'T1', user: 'UANN', channel: 'DANN', actionId: doneButton!.action_id!, value: doneButton!.value, messageTs: '1700000500.000100', responseId: 'done2' });
    await s.idle();
    const [row] = await queryRows<{ done: unknown }>(s.database.db, sql`select next_step_done_at as done from touches`);
    expect(row?.done).toBeTruthy();
    expect(response('done1')).toBeDefined();
    expect(textOf(response('done1'))).toContain('Send the quote');
    expect(response('done2')).toBeUndefined();
  });

  it('DMs reach the chat layer and are answered in the DM', async () => {
    s.fake.clear();
    const res = await s.slack.dm('T1', 'UANN', 'whoami');
    expect(res.status).toBe(200);
    await s.idle();
    const posted = lastCall('chat.postMessage');
    expect(posted?.channel).toBe('DANN');
    expect(textOf(posted)).toContain('Ann Lee');
  });

  it('a command that needs a form, sent by DM, offers a button that opens the modal', async () => {
    s.fake.clear();
    await s.slack.dm('T1', 'UANN', 'feedback');
    await s.idle();
    const posted = lastCall('chat.postMessage');
    const button = (posted!.blocks as Block[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'slack.rerun');
    expect(button?.value).toBe('feedback');
    await s.slack.click({ team: 'T1', user: 'UANN', channel: 'DANN', actionId: 'slack.rerun', value: 'feedback' });
    await s.idle();
    expect(s.fake.callsTo('views.open')).toHaveLength(1);
  });

  it('when the modal trigger has expired, the user gets a button that opens the form', async () => {
    s.fake.clear();
    s.fake.failNext('views.open', { error: 'expired_trigger_id' });
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'visit' });
    await s.idle();
    const posted = lastCall('chat.postMessage');
    const button = (posted!.blocks as Block[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'slack.rerun');
    expect(button?.value).toBe('visit');
  });

  it('Slack retries of the same event (X-Slack-Retry-Num) are processed once', async () => {
    s.fake.clear();
    const before = await count('feedback');
    const text = 'feedback "Acme Corp" 5 service "Loved the quick answer"';
    await s.slack.dm('T1', 'UANN', text, { eventId: 'Ev0RETRY1' });
    await s.slack.dm('T1', 'UANN', text, { eventId: 'Ev0RETRY1', retryNum: 1 });
    await s.slack.dm('T1', 'UANN', text, { eventId: 'Ev0RETRY1', retryNum: 2 });
    await s.idle();
    expect(await count('feedback')).toBe(before + 1);
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('bot messages, edits and other subtypes are ignored', async () => {
    s.fake.clear();
    await s.slack.dm('T1', 'UANN', 'whoami', { extra: { bot_id: 'B123' } });
    await s.slack.dm('T1', 'UANN', 'whoami', { extra: { subtype: 'message_changed' } });
    await s.slack.dm('T1', 'UANN', 'whoami', { extra: { subtype: 'bot_message' } });
    await s.idle();
    expect(s.fake.calls.filter((c) => c.method.startsWith('chat.'))).toHaveLength(0);
  });

  it('@KAM Bot mentions in a channel run the rest as a command, answered privately', async () => {
    s.fake.clear();
    await s.slack.event('T1', { type: 'app_mention', user: 'UANN', text: '<@UBOT> whoami', ts: '1700000600.000100', channel: 'C1GENERAL', event_ts: '1700000600.000100' });
    await s.idle();
    const eph = lastCall('chat.postEphemeral');
    expect(eph?.channel).toBe('C1GENERAL');
    expect(eph?.user).toBe('UANN');
    expect(textOf(eph)).toContain('Ann Lee');
  });

  it('a bad signature or a stale timestamp gets 401 and nothing is read or written', async () => {
    const members = await count('members');
    s.fake.clear();
    const body = s.slack.commandBody({ team: 'T1', user: 'UNEWCOMER', channel: 'C1GENERAL', text: 'whoami' });
    const forged = await s.slack.send(body, 'application/x-www-form-urlencoded', { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const stale = await s.slack.send(body, 'application/x-www-form-urlencoded', { timestamp: Math.floor(s.clock.now().getTime() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${s.app.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(unsigned.status).toBe(401);
    await s.idle();
    expect(await count('members')).toBe(members);
    expect(s.fake.calls).toHaveLength(0);
    expect(s.fake.responses).toHaveLength(0);
  });

  it('a user from another Slack team gets their own workspace and sees none of this one', async () => {
    await s.slack.command({ team: 'T2', user: 'UOTHER', channel: 'C2', text: 'account list', responseId: 'other-list' });
    await s.idle();
    const list = textOf(response('other-list'));
    expect(list).toContain('(0)');
    expect(list).not.toContain('Acme Corp (');
    await s.slack.command({ team: 'T2', user: 'UOTHER', channel: 'C2', text: 'team add <@UANN>', responseId: 'other-add' });
    await s.idle();
    // Ann in team T2 is a different member; Ann in T1 keeps her manager.
    const rows = await queryRows<{ workspaces: number }>(s.database.db, sql`select count(distinct workspace_id)::int as workspaces from members where external_id = 'UANN'`);
    expect(rows[0]!.workspaces).toBe(2);
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'whoami', responseId: 'ann-who-2' });
    await s.idle();
    expect(textOf(response('ann-who-2'))).toContain('<@UBOSS>');
  });

  it('uninstalling deactivates the workspace; later commands are politely refused', async () => {
    await s.slack.event('T2', { type: 'app_uninstalled', event_ts: '1700000700.1' });
    await s.idle();
    const [ws] = await queryRows<{ active: boolean }>(s.database.db, sql`select active from workspaces where platform = 'slack' and external_id = 'T2'`);
    expect(ws?.active).toBe(false);
    await s.slack.command({ team: 'T2', user: 'UOTHER', channel: 'C2', text: 'whoami', responseId: 'after-uninstall' });
    await s.idle();
    expect(textOf(response('after-uninstall'))).toMatch(/not active/);
  });

  it('every registered command reaches the chat layer from Slack and gets an answer', async () => {
    const names = s.app.runtime.registry.commands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['help', 'team', 'touch', 'feedback', 'home']));
    const silent: string[] = [];
    const broken: string[] = [];
    for (const name of names) {
      s.fake.clear();
      await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'DBOSS', text: name, responseId: `every-${name}` });
      await s.idle();
      const answer = response(`every-${name}`);
      if (!answer && !s.fake.callsTo('views.open').length && !s.fake.callsTo('chat.postMessage').length) silent.push(name);
      if (answer && /抱歉，我们这边出了点问题|something went wrong on our side/.test(textOf(answer))) broken.push(name);
    }
    expect(silent).toEqual([]);
    expect(broken).toEqual([]);
  });

  it('a button whose answer replaces the original updates that message in place', async () => {
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'home', responseId: 'home-msg' });
    await s.idle();
    const refresh = ((response('home-msg')?.blocks ?? []) as Block[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'home.refresh');
    expect(refresh).toBeDefined();
    await s.slack.click({ team: 'T1', user: 'UANN', channel: 'DANN', actionId: refresh!.action_id!, value: refresh!.value, messageTs: '1700000999.000100', responseId: 'home-refresh' });
    await s.idle();
    expect(response('home-refresh')).toMatchObject({ replace_original: true, response_type: 'ephemeral' });
  });

  it('profiles come from users.info at most once a day per member', async () => {
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'whoami' });
    await s.idle();
    s.fake.clear();
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'whoami' });
    await s.slack.dm('T1', 'UANN', 'whoami');
    await s.idle();
    expect(s.fake.callsTo('users.info').filter((c) => c.args.user === 'UANN')).toHaveLength(0);
    // A day later Ann changed her time zone in Slack: the next contact picks it up.
    s.fake.users.set('UANN', { id: 'UANN', name: 'ann', real_name: 'Ann Lee', tz: 'Asia/Tokyo', locale: 'en-GB' });
    s.clock.advanceDays(1);
    s.clock.advanceMinutes(1);
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'whoami', responseId: 'ann-tokyo' });
    await s.slack.command({ team: 'T1', user: 'UANN', channel: 'DANN', text: 'whoami', responseId: 'ann-tokyo-2' });
    await s.idle();
    expect(s.fake.callsTo('users.info').filter((c) => c.args.user === 'UANN')).toHaveLength(1);
    expect(s.fake.callsTo('users.info')[0]!.args.include_locale).toBe('true');
    expect(textOf(response('ann-tokyo-2'))).toContain('Asia/Tokyo');
  });

  it('the bot token and signing secret never reach the logs', () => {
    const all = s.logs.join('\n');
    expect(all).not.toContain('xoxb-test-token');
    expect(all).not.toContain('test-signing-secret');
  });
});
