import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../db/schema/accounts.ts';
import { badgeAwards } from '../../db/schema/badges.ts';
import { outbox } from '../../db/schema/delivery.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { kudos } from '../../db/schema/kudos.ts';
import { members } from '../../db/schema/members.ts';
import { touches } from '../../db/schema/touches.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { awardBadge, checkBadges } from '../../src/capabilities/badges/service.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const TEAM = 'channel:team';

describe.each(DATABASE_KINDS)('badges (%s)', (kind) => {
  let t: TestApp;
  let workspaceId: number;
  const ids: Record<string, number> = {};
  const scope = () => ({ db: t.database.db, workspaceId, now: t.clock.now() });

  beforeAll(async () => {
    t = await startTestApp(kind);
    const [ws] = await t.database.db.select().from(workspaces).where(eq(workspaces.platform, 'console'));
    workspaceId = ws!.id;
    for (const m of await t.database.db.select().from(members).where(eq(members.workspaceId, workspaceId))) ids[m.externalId] = m.id;
  });
  afterAll(async () => { await t?.close(); });

  it('awards the 10-visit badge once even when checked twice, announced in the team channel', async () => {
    const [account] = await t.database.db.select().from(accounts).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.name, 'Globex')));
    const visit = (i: number) => ({ workspaceId, accountId: account!.id, memberId: ids.mei!, kind: 'visit' as const, occurredAt: new Date(Date.UTC(2026, 10, 1 + i)), summary: `visit ${i}` });
    await t.database.db.insert(touches).values(Array.from({ length: 9 }, (_, i) => visit(i)));
    expect(await checkBadges(scope(), ids.mei!)).toEqual([]);
    await t.database.db.insert(touches).values(visit(9));
    expect(await checkBadges(scope(), ids.mei!)).toEqual(['visits_10']);
    expect(await checkBadges(scope(), ids.mei!)).toEqual([]);
    const rows = await t.database.db.select().from(badgeAwards).where(eq(badgeAwards.memberId, ids.mei!));
    expect(rows.map((r) => r.badge)).toEqual(['visits_10']);
    const queued = await t.database.db.select().from(outbox).where(like(outbox.dedupeKey, `badge:${ids.mei}:%`));
    expect(queued.map((q) => [q.dedupeKey, q.conversation])).toEqual([[`badge:${ids.mei}:visits_10`, TEAM]]);
    await t.deliver();
    const channel = (await t.inbox('mei', TEAM)).filter((l) => l.includes('获得了新徽章'));
    expect(channel).toHaveLength(1);
    expect(channel[0]).toContain('@Mei Chen 获得了新徽章：🚗 拜访客户 10 次');
  });

  it('awards the first 5-star badge through the badges command catch-up', async () => {
    const [account] = await t.database.db.select().from(accounts).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.name, 'Acme Corp')));
    await t.database.db.insert(feedback).values({ workspaceId, accountId: account!.id, memberId: ids.tom!, score: 5, text: 'Great service', receivedAt: t.clock.now() });
    const card = t.text(await t.say('tom', '/kam badges'));
    expect(card).toContain('Badges of @Tom Baker');
    expect(card).toContain('⭐ First 5-star feedback · earned 2026-11-30');
    expect(card).toContain('0/10 visits');
    const again = t.text(await t.say('tom', '/kam badges'));
    expect(again.match(/First 5-star feedback/g)).toHaveLength(1);
    const mei = t.text(await t.say('tom', '/kam badges @mei'));
    expect(mei).toContain('🚗 10 client visits');
    expect(mei).toContain('10/50 visits');
    expect(t.text(await t.say('tom', '/kam 徽章 @nobody'))).toContain('can\'t find the person');
  });

  it('the tenth kudos earns the kudos badge right away', async () => {
    await t.database.db.insert(kudos).values(Array.from({ length: 9 }, (_, i) => ({
      workspaceId, giverId: ids.wang!, receiverId: ids.tom!, reason: `thanks ${i}`, givenAt: new Date(Date.UTC(2026, 9, 1 + i)),
    })));
    await t.say('mei', '/kam kudos @tom thanks for the Acme handover');
    await t.deliver();
    const channel = (await t.inbox('tom', TEAM)).filter((l) => l.includes('10 次表扬') || l.includes('10 kudos received'));
    expect(channel).toHaveLength(1);
  });

  it('other capabilities award judged badges once (touch targets for a quarter); bots get none', async () => {
    expect(await awardBadge(scope(), ids.mei!, 'touch_target_quarter', '2026-Q4')).toBe(true);
    expect(await awardBadge(scope(), ids.mei!, 'touch_target_quarter', '2026-Q4')).toBe(false);
    const [bot] = await t.database.db.insert(members).values({ workspaceId, externalId: 'bot1', displayName: 'Bot', isBot: true }).returning();
    expect(await awardBadge(scope(), bot!.id, 'kudos_10')).toBe(false);
    expect(t.text(await t.say('wang', '/kam 徽章 @mei'))).toContain('🎯 整季度客户维护目标全部达成 (2026-Q4)');
  });
});
