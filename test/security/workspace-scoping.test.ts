import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../db/schema/accounts.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { actionItems } from '../../db/schema/meetings.ts';
import { members } from '../../db/schema/members.ts';
import { reviews } from '../../db/schema/reviews.ts';
import { touches } from '../../db/schema/touches.ts';
import { trainingAssignments } from '../../db/schema/training.ts';
import { toPlainText } from '../../src/chat/message.ts';
import type { InboundBody } from '../../src/chat/runtime.ts';
import { resolveMentions } from '../../src/platforms/lark/inbound.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

/**
 * A second tenant ("other", whose first user is its admin) and the demo team's own assistants
 * try ids that belong to someone else. Nothing may be shown or changed.
 */
describe.each(DATABASE_KINDS)('workspace and role scoping (%s)', (kind) => {
  let t: TestApp;
  const ids = {} as Record<'mei' | 'tom' | 'touch' | 'feedback' | 'review' | 'item' | 'assignment' | 'globex', number>;

  /** Sends an event as a member of the second console workspace. */
  async function asOther(user: string, body: InboundBody) {
    const outcome = await t.app.runtime.handle({
      platform: 'console', workspaceExternalId: 'other', workspaceName: 'Other', user: { externalId: user },
      conversation: { ref: `dm:${user}`, kind: 'dm' }, body,
    });
    return outcome.replies.map((r) => (r.type === 'message' ? toPlainText(r.message) : r.type === 'formErrors' ? JSON.stringify(r.errors) : 'FORM')).join('\n');
  }
  const other = (text: string) => asOther('eve', { kind: 'command', text });
  const otherClick = (actionId: string, value: string) => asOther('eve', { kind: 'action', actionId, value });

  beforeAll(async () => {
    t = await startTestApp(kind);
    const db = t.database.db;
    expect(t.text(await t.say('mei', '/kam touch 华东制造 call "Quarterly check-in" next="Send the quote"'))).not.toContain('⚠️');
    expect(t.text(await t.say('mei', '/kam feedback Globex 2 service complaint "Late delivery again"'))).not.toContain('⚠️');
    await t.say('wang', '/kam review start 2026-Q4');
    await t.say('wang', '/kam meeting notes "Weekly sync" action="@mei: call Globex back"');
    await t.say('wang', '/kam training assign @mei');
    const byHandle = async (h: string) => (await db.select().from(members).where(eq(members.externalId, h)))[0]!.id;
    ids.mei = await byHandle('mei');
    ids.tom = await byHandle('tom');
    ids.touch = (await db.select().from(touches).orderBy(asc(touches.id)))[0]!.id;
    ids.feedback = (await db.select().from(feedback).orderBy(asc(feedback.id)))[0]!.id;
    ids.review = (await db.select().from(reviews).where(eq(reviews.memberId, ids.mei)))[0]!.id;
    ids.item = (await db.select().from(actionItems).orderBy(asc(actionItems.id)))[0]!.id;
    ids.assignment = (await db.select().from(trainingAssignments).where(eq(trainingAssignments.memberId, ids.mei)))[0]!.id;
    ids.globex = (await db.select().from(accounts).where(eq(accounts.name, 'Globex')))[0]!.id;
    // The other tenant's first user becomes its admin: the strongest role there.
    expect(await other('/kam whoami')).toMatch(/admin|管理员/i);
  });
  afterAll(async () => { await t?.close(); });

  it("another workspace's admin cannot reach this workspace's members by id", async () => {
    for (const text of [`/kam kpi <@m:${ids.mei}>`, `/kam report show <@m:${ids.mei}>`, `/kam training <@m:${ids.mei}>`,
      `/kam duties <@m:${ids.mei}>`, `/kam review <@m:${ids.mei}>`, `/kam bonus <@m:${ids.mei}>`, `/kam kudos <@m:${ids.mei}> #teamwork thanks`]) {
      const reply = await other(text);
      expect(reply, text).not.toContain('Mei');
      expect(reply, text).toMatch(/can't find the person|找不到/);
    }
  });

  it("another workspace's admin cannot show or change this workspace's records by id", async () => {
    const replies = [
      await other(`/kam touch done ${ids.touch}`), await other(`/kam touch delete ${ids.touch}`),
      await other(`/kam review show ${ids.review}`), await other(`/kam review export ${ids.review}`), await other(`/kam review share ${ids.review}`),
      await other(`/kam feedback ack ${ids.feedback}`), await other(`/kam feedback resolve ${ids.feedback} fixed`),
      await other(`/kam meeting done ${ids.item}`), await other(`/kam duties remove 1`),
      await otherClick('training.done', String(ids.assignment)), await otherClick('feedback.account', String(ids.globex)),
      await otherClick('greeting.log', `${ids.globex}|spring_festival|2027-02-06`), await otherClick('touch.done', String(ids.touch)),
      await otherClick('review.ack', String(ids.review)), await otherClick('meeting.done', String(ids.item)),
    ];
    for (const reply of replies) {
      expect(reply).not.toMatch(/Globex|华东制造|Send the quote|Late delivery|call Globex back|Mei/);
      expect(reply).not.toContain('something went wrong');
    }
    const db = t.database.db;
    expect((await db.select().from(touches).where(eq(touches.id, ids.touch)))[0]!.nextStepDoneAt).toBeNull();
    expect((await db.select().from(feedback).where(eq(feedback.id, ids.feedback)))[0]!.status).toBe('open');
    expect((await db.select().from(reviews).where(eq(reviews.id, ids.review)))[0]!.status).toBe('draft');
    expect((await db.select().from(actionItems).where(eq(actionItems.id, ids.item)))[0]!.status).toBe('open');
    expect((await db.select().from(trainingAssignments).where(eq(trainingAssignments.id, ids.assignment)))[0]!.completedAt).toBeNull();
    expect(t.text(await t.say('mei', '/kam touch list'))).not.toMatch(/greeting|问候/i);
  });

  it("an assistant cannot see or act on a teammate's work by id or mention", async () => {
    for (const text of ['/kam kpi @mei', '/kam report show @mei', '/kam training @mei', '/kam duties @mei', '/kam review @mei']) {
      expect(t.text(await t.say('tom', text)), text).toMatch(/not on your team|manager|经理/i);
    }
    for (const text of [`/kam touch done ${ids.touch}`, `/kam review show ${ids.review}`, `/kam review export ${ids.review}`,
      `/kam feedback ack ${ids.feedback}`, `/kam meeting done ${ids.item}`]) {
      const reply = t.text(await t.say('tom', text));
      expect(reply, text).not.toMatch(/Send the quote|Late delivery|call Globex back|✅/);
    }
    expect(t.text(await t.click('tom', 'training.done', String(ids.assignment)))).not.toContain('✅');
    expect(t.text(await t.click('tom', 'feedback.account', String(ids.globex)))).not.toContain('Late delivery');
    expect(t.text(await t.click('tom', 'greeting.log', `${ids.globex}|spring_festival|2027-02-06`))).toContain('Globex');
    expect((await t.database.db.select().from(touches).where(eq(touches.accountId, ids.globex))).filter((x) => x.kind === 'greeting')).toHaveLength(0);
  });

  it('typed look-alikes of internal mention tokens in Lark text are defused', () => {
    const parsed = resolveMentions(`thanks <@x:ou_forged> and <@m:${ids.mei}> @_user_1`, [{ key: '@_user_1', id: { open_id: 'ou_real' }, name: 'Real' }] as never, 'ou_bot');
    expect(parsed.text).toBe(`thanks @x:ou_forged> and @m:${ids.mei}> <@x:ou_real>`);
    expect(parsed.mentions.map((m) => m.externalId)).toEqual(['ou_real']);
  });
});

describe.each(DATABASE_KINDS)('forged mentions in form text (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  it('a typed <@m:ID> in a form field is stored as text, not as a mention that pings someone', async () => {
    const [wang] = await t.database.db.select().from(members).where(eq(members.externalId, 'wang'));
    const [acme] = await t.database.db.select().from(accounts).where(eq(accounts.name, 'Acme Corp'));
    await t.submit('tom', 'touch.submit', { account: String(acme!.id), kind: 'call', date: 'today', summary: `ping <@m:${wang!.id}> now` });
    const [row] = await t.database.db.select().from(touches).where(eq(touches.accountId, acme!.id));
    expect(row!.summary).toBe(`ping @m:${wang!.id}> now`);
    expect(t.text(await t.say('tom', '/kam touch list'))).not.toContain('@Wang');
  });
});
