import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../../db/client.ts';
import { message, mention } from '../../../src/chat/message.ts';
import { createOutbox } from '../../../src/delivery/outbox.ts';
import { DATABASE_KINDS } from '../../support/db.ts';
import { startSlackApp, textOf, type SlackTestApp } from './support.ts';

type OutboxRow = { status: string; attempts: number; next_attempt_at: unknown; last_error: string | null; external_ref: string | null };

describe.each(DATABASE_KINDS)('Slack delivery through the outbox (%s)', (kind) => {
  let s: SlackTestApp;
  const outboxFor = async (userId: string) => (await queryRows<OutboxRow>(s.database.db, sql`
    select o.status, o.attempts, o.next_attempt_at, o.last_error, o.external_ref from outbox o join members m on m.id = o.member_id
    where m.external_id = ${userId}`));
  const postsTo = (channel: string) => s.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  /** Adds a member to the boss's team, which queues a welcome DM for them. */
  const addToTeam = async (userId: string) => {
    await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'C1GENERAL', text: `team add <@${userId}>` });
    await s.idle();
  };

  beforeAll(async () => {
    s = await startSlackApp(kind);
    await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'C1GENERAL', text: 'whoami' });
    await s.idle();
  });
  afterAll(async () => { await s?.close(); });

  it('a 429 pauses the team for Retry-After; every message is then delivered exactly once', async () => {
    await addToTeam('UMEI');
    const queued = (await outboxFor('UMEI')).length;
    expect(queued).toBeGreaterThanOrEqual(1);
    s.fake.failNext('chat.postMessage', { status: 429, retryAfter: 3 });
    expect(await s.app.delivery.runOnce()).toBe(0);
    // One call got the 429; the rest of the batch waited without calling Slack.
    expect(postsTo('UMEI')).toHaveLength(1);
    for (const row of await outboxFor('UMEI')) {
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.last_error).toMatch(/rate limited/);
      expect(new Date(String(row.next_attempt_at)).getTime()).toBe(s.clock.now().getTime() + 3_000);
    }
    // Not due yet: nothing is sent before Slack's Retry-After has passed.
    expect(await s.app.delivery.runOnce()).toBe(0);
    expect(postsTo('UMEI')).toHaveLength(1);
    s.clock.advance(3_000);
    expect(await s.app.delivery.runOnce()).toBe(queued);
    expect(await s.app.delivery.runOnce()).toBe(0);
    const posts = postsTo('UMEI');
    expect(posts).toHaveLength(1 + queued);
    // Mei's Slack locale is zh-CN: the welcome is in Chinese, with a fallback text.
    expect(posts.slice(1).map((p) => textOf(p.args)).join('\n')).toMatch(/[\u4e00-\u9fff]/);
    for (const p of posts) expect(String(p.args.text).length).toBeGreaterThan(0);
    for (const row of await outboxFor('UMEI')) {
      expect(row).toMatchObject({ status: 'sent', attempts: 2 });
      expect(row.external_ref).toMatch(/^UMEI:\d+\.\d+$/);
    }
  });

  it('a 500 is retried with backoff, then delivered', async () => {
    await addToTeam('UANN');
    const queued = (await outboxFor('UANN')).length;
    s.fake.failNext('chat.postMessage', { status: 500 }, queued);
    expect(await s.app.delivery.runOnce()).toBe(0);
    for (const row of await outboxFor('UANN')) expect(row).toMatchObject({ status: 'pending', last_error: 'slack: HTTP 500' });
    s.clock.advance(5_000);
    expect(await s.app.delivery.runOnce()).toBe(queued);
    for (const row of await outboxFor('UANN')) expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('channel_not_found is permanent: the message is parked, not retried forever', async () => {
    await addToTeam('UOTHER');
    const queued = (await outboxFor('UOTHER')).length;
    s.fake.failNext('chat.postMessage', { error: 'channel_not_found' }, queued);
    expect(await s.app.delivery.runOnce()).toBe(0);
    for (const row of await outboxFor('UOTHER')) expect(row).toMatchObject({ status: 'dead', last_error: 'slack: channel_not_found' });
    s.clock.advance(60 * 60_000);
    expect(await s.app.delivery.runOnce()).toBe(0);
    expect(postsTo('UOTHER')).toHaveLength(queued);
  });

  it('a post to a channel renders mentions natively and records the message reference', async () => {
    const [ws] = await queryRows<{ id: number }>(s.database.db, sql`select id from workspaces where platform = 'slack' and external_id = 'T1'`);
    const [ann] = await queryRows<{ id: number }>(s.database.db, sql`select id from members where external_id = 'UBOSS' and workspace_id = ${ws!.id}`);
    const scope = { db: s.database.db, workspaceId: ws!.id, now: s.clock.now() };
    await createOutbox().enqueue(scope, { conversation: 'C1TEAM' }, message().header('Kudos').text(`**Great work**, ${mention(ann!.id)}!`).build(), 'test:channel-post');
    expect(await s.app.delivery.runOnce()).toBe(1);
    const post = postsTo('C1TEAM')[0]!.args;
    expect(textOf(post)).toContain('*Great work*, <@UBOSS>!');
    expect(String(post.text)).toContain('<@UBOSS>');
  });

  it('an answer Slack could not take right now waits in the outbox and arrives as a DM', async () => {
    s.fake.clear();
    s.fake.failResponses(1);
    s.fake.failNext('chat.postMessage', { status: 500 });
    await s.slack.command({ team: 'T1', user: 'UBOSS', channel: 'C1GENERAL', text: 'whoami', responseId: 'lost-who' });
    await s.idle();
    expect(s.fake.responses).toHaveLength(0);
    s.clock.advance(1_000);
    expect(await s.app.delivery.runOnce()).toBe(1);
    const dm = postsTo('UBOSS').at(-1)!.args;
    expect(textOf(dm)).toContain('Wang Li');
    expect(await s.app.delivery.runOnce()).toBe(0);
  });
});
