import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { accounts } from '../../db/schema/accounts.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { kpiTargets } from '../../db/schema/kpi.ts';
import { kudos } from '../../db/schema/kudos.ts';
import { trainingAssignments, trainingItems } from '../../db/schema/training.ts';
import { touches } from '../../db/schema/touches.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { recognitionJob } from '../../src/jobs/recognition.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { addAssistant, memberId, runAt, workspaceId } from './meeting-support.ts';

const TEAM = 'channel:team';

describe.each(DATABASE_KINDS)('weekly recognition posts (%s)', (kind) => {
  let t: TestApp;
  let ws: number;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await addAssistant(t, 'raj', 'Asia/Kolkata', 'zh-CN');
    const db = t.database.db as Db;
    ws = await workspaceId(t);
    const [mei, tom, raj, wang] = [await memberId(t, 'mei'), await memberId(t, 'tom'), await memberId(t, 'raj'), await memberId(t, 'wang')];
    const [huadong] = await db.select().from(accounts).where(and(eq(accounts.workspaceId, ws), eq(accounts.name, '华东制造')));
    const [acme] = await db.select().from(accounts).where(and(eq(accounts.workspaceId, ws), eq(accounts.name, 'Acme Corp')));
    // Week 2026-W49 (Mon 30 Nov – Sun 6 Dec): mei visits for the third week running and gets five stars;
    // tom receives kudos; raj gets five stars but opts out; tom also has a complaint (never shown).
    await db.insert(touches).values(['2026-11-17T03:00:00Z', '2026-11-25T03:00:00Z', '2026-12-01T03:00:00Z'].map((d) => (
      { workspaceId: ws, accountId: huadong!.id, memberId: mei, kind: 'visit' as const, occurredAt: new Date(d) })));
    await db.insert(feedback).values([
      { workspaceId: ws, accountId: huadong!.id, memberId: mei, score: 5, text: 'excellent', receivedAt: new Date('2026-12-02T03:00:00Z') },
      { workspaceId: ws, accountId: huadong!.id, memberId: raj, score: 5, text: 'thanks', receivedAt: new Date('2026-12-02T04:00:00Z') },
      { workspaceId: ws, accountId: acme!.id, memberId: tom, score: 1, text: 'angry', isComplaint: true, status: 'open', receivedAt: new Date('2026-12-02T05:00:00Z') },
    ]);
    await db.insert(kudos).values({ workspaceId: ws, giverId: wang, receiverId: tom, reason: 'saved the Acme renewal', givenAt: new Date('2026-12-03T02:00:00Z') });
    // mei's own visit target: 4 a month (≈ 0.9 a week), so one visit this week hits it; tom finishes a training item.
    await db.insert(kpiTargets).values({ workspaceId: ws, memberId: mei, periodKind: 'month', metric: 'visits', value: '4', updatedAt: new Date('2026-11-01T00:00:00Z') });
    const [item] = await db.insert(trainingItems).values({ workspaceId: ws, key: 'test-crm', title: 'CRM basics', dueOffsetDays: 7, createdAt: new Date('2026-11-01T00:00:00Z') }).returning();
    await db.insert(trainingAssignments).values({ workspaceId: ws, memberId: tom, itemId: item!.id, dueDate: '2026-12-10', assignedAt: new Date('2026-11-20T00:00:00Z'), completedAt: new Date('2026-12-03T06:00:00Z') });
  });
  afterAll(async () => { await t?.close(); });

  it('members choose whether they may be named, with clear answers and usage on bad input', async () => {
    expect(t.text(await t.say('raj', '/kam recognition'))).toContain('可以出现在每周表彰');
    expect(t.text(await t.say('raj', '/kam 表彰设置 不公开'))).toContain('不会再提到你的名字');
    expect(t.text(await t.say('raj', '/kam recognition'))).toContain('不会提到你的名字');
    const bad = t.text(await t.say('raj', '/kam recognition maybe'));
    expect(bad).toContain('maybe');
    expect(bad).toContain('/kam 表彰设置');
  });

  it('posts nothing without a team channel', async () => {
    const db = t.database.db as Db;
    await db.update(workspaces).set({ settings: sql`${workspaces.settings} - 'teamChannel'` }).where(eq(workspaces.id, ws));
    expect((await runAt(t, recognitionJob, '2026-12-04T08:01:00Z')).due).toBe(0);
  });

  it('posts the week\'s wins once on Friday 16:00 in the team channel: praise only, opt-outs unnamed', async () => {
    const db = t.database.db as Db;
    await db.update(workspaces).set({ settings: sql`${workspaces.settings} || ${JSON.stringify({ teamChannel: TEAM })}::jsonb` }).where(eq(workspaces.id, ws));
    expect((await runAt(t, recognitionJob, '2026-12-04T07:55:00Z')).enqueued).toBe(0);
    expect((await runAt(t, recognitionJob, '2026-12-04T08:01:00Z')).enqueued).toBe(1);
    expect((await runAt(t, recognitionJob, '2026-12-04T09:00:00Z')).enqueued).toBe(0);
    const posts = (await t.inbox('wang', TEAM)).filter((e) => e.includes('本周好成绩'));
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post).toContain('2026-W49');
    expect(post).toMatch(/@Mei Chen: 完成了每周拜访目标（1）.*1 个客户五星好评.*连续 3 周拜访客户/);
    expect(post).toMatch(/@Tom Baker: 收到同事 1 个点赞 · 完成了 1 项培训/);
    expect(post).not.toContain('raj');
    expect(post).toContain('还有 1 位同事');
    expect(post).not.toMatch(/投诉|complaint|排名|rank|最差|worst/i);
    expect((await t.inbox('tom', TEAM)).filter((e) => e.includes('本周好成绩'))).toHaveLength(1);
  });

  it('a named member counts as recognised in the manager digest', async () => {
    t.clock.set('2026-12-07T02:00:00Z');
    const digest = t.text(await t.say('wang', '/kam digest'));
    expect(digest).toContain('30 天内未获表彰：@raj');
    expect(digest).not.toMatch(/未获表彰：.*@Mei Chen/);
  });
});
