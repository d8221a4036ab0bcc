import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../db/schema/members.ts';
import { trainingInvites } from '../../db/schema/training.ts';
import { overdueTraining, trainingCompleted } from '../../src/capabilities/training/service.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { consoleWorkspaceId } from '../support/records.ts';
import { startTestApp, type ConsoleEntryJson, type ConsoleResponse, type TestApp } from '../support/app.ts';

const TEAM = 'channel:team';

function buttonsOf(entry: ConsoleEntryJson | undefined) {
  return (entry?.message?.blocks ?? []).flatMap((b) => b.buttons ?? []);
}

function lastButtons(res: ConsoleResponse) {
  return buttonsOf(res.replies[res.replies.length - 1]);
}

describe.each(DATABASE_KINDS)('training (%s)', (kind) => {
  let t: TestApp;
  let workspaceId: number;
  const idOf = async (handle: string) => {
    const [m] = await t.database.db.select().from(members).where(and(eq(members.workspaceId, workspaceId), eq(members.externalId, handle)));
    return m!.id;
  };
  const entries = (user: string, conversation?: string): Promise<ConsoleEntryJson[]> => t.entries(user, conversation);

  beforeAll(async () => {
    t = await startTestApp(kind);
    workspaceId = await consoleWorkspaceId(t);
  });
  afterAll(async () => { await t?.close(); });

  it('assigns the onboarding checklist when a manager adds a newcomer', async () => {
    await t.say('newbie', 'hello');
    expect(t.text(await t.say('newbie', '/kam training'))).toContain('No onboarding checklist assigned yet');
    await t.say('wang', '/kam team add @newbie');
    await t.deliver();
    const inbox = (await t.inbox('newbie')).join('\n');
    expect(inbox).toContain('Your onboarding checklist has 6 items; the first is due 2026-12-03');
    const res = await t.say('newbie', '/kam training');
    const text = t.text(res);
    expect(text).toContain('Your onboarding: 0/6 done');
    expect(text).toContain('1. Company culture and values · due 2026-12-03');
    expect(text).toContain('Complaint and objection handling');
    expect(text).toContain('CRM usage');
    expect(text).toContain('Sales basics · due 2026-12-21');
    expect(lastButtons(res).map((b) => b.label)).toContain('Mark done: Product knowledge');
  });

  it('marks items done by button (idempotent) and by command', async () => {
    const card = await t.say('newbie', '/kam training');
    const button = lastButtons(card).find((b) => b.label === 'Mark done: Company culture and values')!;
    const entryId = card.replies[card.replies.length - 1]!.id;
    const clicked = t.text(await t.click('newbie', button.action, button.value, entryId));
    expect(clicked).toContain('Your onboarding: 1/6 done');
    expect(clicked).toContain('✅ 1. Company culture and values · done 2026-11-30');
    const again = await t.click('newbie', button.action, button.value);
    expect(t.text(again)).toContain('Your onboarding: 1/6 done');
    expect(t.text(await t.say('newbie', '/kam training done 2'))).toContain('Marked “Product knowledge” as done');
    expect(t.text(await t.say('newbie', '/kam training done product knowledge'))).toContain('was already done');
    const bad = t.text(await t.say('newbie', '/kam training done 99'));
    expect(bad).toContain('can\'t find the item "99"');
    expect(bad).toContain('Usage: /kam training');
    // Someone else's item cannot be ticked.
    expect(t.text(await t.click('tom', button.action, String(Number(button.value) + 2)))).toContain('belongs to someone else');
  });

  it('reports overdue items in each member\'s time zone and completions for reviews', async () => {
    const newbie = await idOf('newbie');
    const scope = { db: t.database.db, workspaceId, now: t.clock.now() };
    const late = await overdueTraining(scope, [newbie], new Date('2026-12-06T00:00:00Z'));
    // Due 2026-12-05 (CRM, 5 days) and 2026-12-03 (culture, done): only CRM is overdue on Dec 6 in Shanghai.
    expect(late.get(newbie)).toEqual([{ key: 'crm', title: null, dueDate: '2026-12-05' }]);
    const done = await trainingCompleted(scope, [newbie], new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    expect(done.get(newbie)!.items.map((i) => i.key)).toEqual(['culture', 'product']);
    expect(t.text(await t.say('wang', '/kam training @newbie'))).toContain('newbie 的培训：已完成 2/6');
    expect(t.text(await t.say('tom', '/kam training @newbie'))).toContain('not on your team');
  });

  it('awards the onboarding badge once when the last item is done', async () => {
    for (const n of [3, 4, 5]) await t.say('newbie', `/kam training done ${n}`);
    expect(t.text(await t.say('newbie', '/kam training done 6'))).toContain('Sales basics');
    await t.say('newbie', '/kam training done 6');
    expect(t.text(await t.say('newbie', '/kam training'))).toContain('All onboarding items done');
    await t.deliver();
    const channel = (await t.inbox('newbie', TEAM)).filter((l) => l.includes('入职培训') || l.includes('Onboarding completed'));
    expect(channel).toHaveLength(1);
  });

  it('admins edit the checklist; assistants cannot', async () => {
    expect(t.text(await t.say('tom', '/kam training checklist add "Pricing policy" 10'))).toMatch(/Only/);
    expect(t.text(await t.say('wang', '/kam 培训 清单 添加 "价格政策" 10'))).toContain('已添加“价格政策”（入职后 10 天内完成）');
    expect(t.text(await t.say('wang', '/kam 培训 清单 移除 销售基础'))).toContain('已从清单中移除“销售基础”');
    const list = t.text(await t.say('tom', '/kam training checklist'));
    expect(list).toContain('价格政策');
    expect(list).not.toContain('Sales basics');
    expect(t.text(await t.say('wang', '/kam training checklist add "x" 999'))).toContain('0 到 365');
  });

  it('schedules a session, invites the team by DM with RSVP buttons, records answers once', async () => {
    expect(t.text(await t.say('tom', '/kam training schedule "Negotiation" 2026-12-10 14:00'))).toMatch(/Only/);
    expect(t.text(await t.say('wang', '/kam training schedule "Negotiation" 2026-11-01 14:00 team'))).toContain('过去');
    expect(t.text(await t.say('wang', '/kam training schedule "Negotiation" 2026-12-10 25:00 team'))).toContain('25:00');
    const scheduled = t.text(await t.say('wang', '/kam 培训 安排 "Negotiation skills" 2026-12-10 14:00 团队'));
    expect(scheduled).toContain('已安排“Negotiation skills”（#1），时间 2026-12-10 14:00 (Asia/Shanghai)');
    expect(scheduled).toContain('@Tom Baker');
    await t.deliver();
    const invite = (await entries('tom')).find((e) => e.plain?.includes('Training: Negotiation skills'))!;
    expect(invite.plain).toContain('2026-12-10 06:00 (Europe/London)');
    const yes = buttonsOf(invite).find((b) => b.value === '1:yes')!;
    const first = t.text(await t.click('tom', yes.action, yes.value, invite.id));
    expect(first).toContain('Your answer: yes');
    const second = await t.click('tom', yes.action, yes.value, invite.id);
    expect(second.duplicate).toBe(true);
    const tom = await idOf('tom');
    const [row1] = await t.database.db.select().from(trainingInvites).where(eq(trainingInvites.memberId, tom));
    t.clock.advanceMinutes(5);
    expect(t.text(await t.click('tom', yes.action, yes.value))).toContain('Your answer: yes');
    const [row2] = await t.database.db.select().from(trainingInvites).where(eq(trainingInvites.memberId, tom));
    expect(row2!.rsvpAt).toEqual(row1!.rsvpAt);
    expect(t.text(await t.click('tom', 'training.rsvp', '1:maybe'))).toContain('Your answer: maybe');
    expect(t.text(await t.click('tom', 'training'.concat('.rsvp'), '1:later'))).toContain('expired');
    expect(t.text(await t.say('tom', '/kam training'))).toContain('#1 Negotiation skills · 2026-12-10 06:00 (Europe/London) · your answer: maybe');
  });

  it('records attendance once and shows team completion to the manager', async () => {
    t.clock.set('2026-12-10T08:00:00Z');
    const first = t.text(await t.say('wang', '/kam training attended #1 @mei @tom'));
    expect(first).toContain('已记录 @Mei Chen, @Tom Baker 参加“Negotiation skills”');
    expect(t.text(await t.say('wang', '/kam training attended #1 @mei'))).toContain('@Mei Chen 的出席之前已记录');
    expect(t.text(await t.say('wang', '/kam training attended #9 @mei'))).toContain('#9');
    expect(t.text(await t.say('mei', '/kam training attended #1 @tom'))).toMatch(/只有/);
    const team = t.text(await t.say('wang', '/kam 培训 团队'));
    // The removed item leaves everyone's progress; the added one is for newcomers from now on.
    expect(team).toContain('@newbie · 入职培训 5/5 · 参加培训 0/1');
    expect(team).toContain('@Tom Baker · 入职培训 0/0 · 参加培训 1/1');
    const mei = await idOf('mei');
    const scope = { db: t.database.db, workspaceId, now: t.clock.now() };
    const done = await trainingCompleted(scope, [mei], new Date('2026-12-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'));
    expect(done.get(mei)!.sessions.map((s) => s.title)).toEqual(['Negotiation skills']);
  });

  it('managers assign the checklist to assistants who joined before it existed', async () => {
    expect(t.text(await t.say('tom', '/kam training assign @mei'))).toMatch(/Only/);
    expect(t.text(await t.say('wang', '/kam training assign @mei'))).toContain('已为 @Mei Chen 分配入职培训清单');
    expect(t.text(await t.say('wang', '/kam 培训 分配 @mei'))).toContain('@Mei Chen 已有清单中的全部项目');
    const mine = t.text(await t.say('mei', '/kam 培训'));
    expect(mine).toContain('你的入职培训：已完成 0/6');
    expect(mine).toContain('价格政策');
    await t.deliver();
    expect((await t.inbox('mei')).join('\n')).toContain('你的入职培训清单共 6 项');
  });
});
