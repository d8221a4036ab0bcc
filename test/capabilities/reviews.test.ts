import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../db/schema/accounts.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { bonusProposals } from '../../db/schema/incentives.ts';
import { members } from '../../db/schema/members.ts';
import { reviews } from '../../db/schema/reviews.ts';
import { touches } from '../../db/schema/touches.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const RATINGS = {
  'duties.score': '4', 'duties.comment': 'Reliable',
  'client_relations.score': '5', 'client_relations.comment': '华东制造 loves her',
  'kpi.score': '4', 'kpi.comment': '',
  'communication.score': '3', 'communication.comment': 'Share blockers earlier',
  'growth.score': '4', 'growth.comment': '',
  summary: 'A strong quarter.',
};

describe.each(DATABASE_KINDS)('quarterly reviews and bonus proposals (%s)', (kind) => {
  let t: TestApp;
  let meiReview = 0;
  let tomReview = 0;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.say('mei', 'hi');
    const db = t.database.db;
    const [mei] = await db.select().from(members).where(eq(members.externalId, 'mei'));
    const [account] = await db.select().from(accounts).where(and(eq(accounts.workspaceId, mei!.workspaceId), eq(accounts.name, '华东制造')));
    // 12 touches in Q4 (Shanghai), plus one in Q3 that must not count.
    await db.insert(touches).values([
      ...Array.from({ length: 12 }, (_, i) => ({ workspaceId: mei!.workspaceId, accountId: account!.id, memberId: mei!.id, kind: 'call' as const, occurredAt: new Date(Date.UTC(2026, 9, 2 + i * 4, 3)) })),
      { workspaceId: mei!.workspaceId, accountId: account!.id, memberId: mei!.id, kind: 'visit' as const, occurredAt: new Date('2026-09-30T15:00:00Z') },
    ]);
    await db.insert(feedback).values([
      { workspaceId: mei!.workspaceId, accountId: account!.id, memberId: mei!.id, score: 5, text: 'Fast and careful', receivedAt: new Date('2026-10-10T02:00:00Z') },
      { workspaceId: mei!.workspaceId, accountId: account!.id, memberId: mei!.id, score: 4, text: 'Good follow-up', receivedAt: new Date('2026-11-10T02:00:00Z') },
    ]);
    // Kudos and training belong to other features; reviews read them when their tables exist.
    const [wang] = await db.select().from(members).where(eq(members.externalId, 'wang'));
    await db.execute(sql`insert into kudos (workspace_id, giver_id, receiver_id, reason, value_tag, given_at)
      values (${mei!.workspaceId}, ${wang!.id}, ${mei!.id}, 'Saved the Acme renewal', 'customer-first', '2026-11-05T02:00:00Z')`);
    await db.execute(sql`insert into training_items (workspace_id, key, title, due_offset_days, created_at)
      values (${mei!.workspaceId}, 'review-test-crm', 'CRM deep dive', 7, '2026-10-01T00:00:00Z'),
             (${mei!.workspaceId}, 'crm', null, 7, '2026-10-01T00:00:00Z') on conflict do nothing`);
    await db.execute(sql`insert into training_assignments (workspace_id, member_id, item_id, due_date, assigned_at, completed_at)
      select workspace_id, ${mei!.id}, id, '2026-10-08', '2026-10-01T00:00:00Z', '2026-10-20T02:00:00Z' from training_items
      where workspace_id = ${mei!.workspaceId} and key in ('review-test-crm', 'crm') on conflict do nothing`);
    await t.say('wang', '/kam target @mei touches=10 csat=4 period=quarter');
    await t.say('wang', '/kam target @tom touches=10 csat=4 period=quarter');
    await t.say('wang', '/kam bonus rules base=5000 currency=CNY weight.touches=0.5 weight.csat=0.5 min=60% cap=150%');
  });
  afterAll(async () => { await t?.close(); });

  it('refuses a bad or future quarter', async () => {
    expect(t.text(await t.say('wang', '/kam review start 2026-Q5'))).toContain('2026-Q5');
    expect(t.text(await t.say('wang', '/kam review start 2027-Q2'))).toContain('2027-Q2');
    expect(t.text(await t.say('mei', '/kam review start 2026-Q4'))).toMatch(/只有|Only/);
    expect(await t.database.db.select().from(reviews)).toHaveLength(0);
  });

  it('drafts one review per assistant with KPI snapshot, highlights and a bonus proposal', async () => {
    const reply = await t.say('wang', '/kam 评估 开始 2026-Q4');
    const text = t.text(reply);
    expect(text).toContain('2026-Q4');
    const ids = [...text.matchAll(/#(\d+) @(Mei Chen|Tom Baker)/g)];
    meiReview = Number(ids.find((m) => m[2] === 'Mei Chen')![1]);
    tomReview = Number(ids.find((m) => m[2] === 'Tom Baker')![1]);
    const card = t.text(await t.say('wang', `/kam review show ${meiReview}`));
    expect(card).toContain('客户维护次数: 12 / 10 (120%)');
    expect(card).toContain('客户满意度: 4.5 / 4 (113%)');
    expect(card).toContain('华东制造: “Fast and careful”');
    expect(card).toContain('1 次表扬');
    expect(card).toContain('@Wang Li: Saved the Acme renewal #customer-first');
    expect(card).toContain('CRM deep dive (2026-10-20)');
    expect(card).toContain('CRM 系统使用 (2026-10-20)');
    // 5000 × 0.5 × 120% + 5000 × 0.5 × 112.5% = 3000 + 2812.50
    expect(card).toContain('¥3,000.00');
    expect(card).toContain('¥2,812.50');
    expect(card).toContain('建议金额：¥5,812.50');
    const tomCard = t.text(await t.say('wang', `/kam review show ${tomReview}`));
    expect(tomCard).toContain('低于最低达成率');
    expect(tomCard).toContain('建议金额：¥0.00');
    const again = t.text(await t.say('wang', '/kam review start 2026-Q4'));
    expect(again).toContain('已起草');
    expect(await t.database.db.select().from(reviews)).toHaveLength(2);
  });

  it('keeps drafts from the assistant and refuses sharing before every area is rated', async () => {
    expect(t.text(await t.say('mei', `/kam review show ${meiReview}`))).toContain(`#${meiReview}`);
    expect(t.text(await t.say('mei', `/kam review show ${meiReview}`))).toContain('没有你可查看');
    expect(t.text(await t.say('tom', `/kam review show ${meiReview}`))).toContain('There is no review');
    expect(t.text(await t.say('wang', `/kam review share ${meiReview}`))).toContain('缺少');
  });

  it('the manager rates through the form; invalid scores are shown inline and nothing is saved', async () => {
    const opened = await t.click('wang', 'review.rate', String(meiReview));
    expect(opened.forms[0]!.fields.map((f) => f.name)).toContain('communication.score');
    const bad = await t.submit('wang', 'review.rate', { ...RATINGS, 'kpi.score': '7' }, String(meiReview));
    expect(bad.formErrors?.['kpi.score']).toBeTruthy();
    const [row] = await t.database.db.select().from(reviews).where(eq(reviews.id, meiReview));
    expect(row!.ratings).toEqual({});
    const ok = t.text(await t.submit('wang', 'review.rate', RATINGS, String(meiReview)));
    expect(ok).toContain(`#${meiReview}`);
    expect(t.text(await t.say('tom', `/kam review rate ${meiReview}`))).toMatch(/Only|There is no review/);
  });

  it('sharing sends the review to the assistant, who acknowledges with a comment; the manager is told', async () => {
    expect(t.text(await t.say('wang', `/kam review share ${meiReview}`))).toContain('@Mei Chen');
    await t.deliver();
    const inbox = (await t.inbox('mei')).join('\n');
    expect(inbox).toContain('2026-Q4');
    expect(inbox).toContain('★★★★★ 5/5 · 华东制造 loves her');
    expect(inbox).not.toContain('奖金建议');
    expect(t.text(await t.say('wang', `/kam review rate ${meiReview}`))).toContain('已发送');
    expect(t.text(await t.say('mei', '/kam 评估 确认 谢谢，同意下季度目标'))).toContain('2026-Q4');
    await t.deliver();
    expect((await t.inbox('wang')).join('\n')).toContain('谢谢，同意下季度目标');
    expect(t.text(await t.say('mei', '/kam review ack'))).toContain('没有待确认');
    const history = t.text(await t.say('wang', '/kam review list @mei'));
    expect(history).toContain('已确认');
    expect(history).toContain('平均 4');
  });

  it('exports a review as Markdown with names spelled out', async () => {
    const md = t.text(await t.say('mei', `/kam review export ${meiReview}`));
    expect(md).toContain(`# 评估 #${meiReview} · Mei Chen · 2026-Q4`);
    expect(md).toContain('## 评分');
    expect(md).toContain('Mei Chen 的意见');
    expect(md).not.toContain('<@m:');
    expect(md).not.toContain('奖金建议');
    expect(t.text(await t.say('wang', `/kam review export ${meiReview}`))).toContain('## 奖金建议');
  });

  it('a manager approves a proposal; adjusting needs a reason; assistants cannot approve', async () => {
    expect(t.text(await t.say('mei', `/kam bonus approve ${meiReview}`))).toMatch(/只有|Only/);
    expect(t.text(await t.say('wang', `/kam bonus approve ${meiReview} amount=6000`))).toContain('理由');
    expect(t.text(await t.say('wang', `/kam bonus approve ${meiReview} amount=abc reason=x`))).toContain('abc');
    const [before] = await t.database.db.select().from(bonusProposals).where(eq(bonusProposals.reviewId, meiReview));
    expect(before!.status).toBe('proposed');
    const done = t.text(await t.say('wang', `/kam 奖金 批准 ${meiReview} amount=6000 reason="主导了续约"`));
    expect(done).toContain('¥6,000.00');
    expect(done).toContain('¥5,812.50');
    expect(t.text(await t.say('wang', '/kam bonus approve @mei'))).toContain('已批准');
    const [after] = await t.database.db.select().from(bonusProposals).where(eq(bonusProposals.reviewId, meiReview));
    expect(after!.approvedMinor).toBe(600_000n);
    expect(after!.reason).toBe('主导了续约');
    expect(t.text(await t.say('wang', `/kam review show ${meiReview}`))).toContain('已批准：¥6,000.00');
    expect(t.text(await t.say('wang', '/kam bonus approve @tom'))).toContain('¥0.00');
    const list = t.text(await t.say('wang', '/kam 奖金'));
    expect(list).toContain('@Mei Chen · 2026-Q4 · 已批准');
    expect(list).toContain('理由：主导了续约');
    expect(t.text(await t.say('tom', '/kam bonus'))).toMatch(/Only/);
  });
});
