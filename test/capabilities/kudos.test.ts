import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kudos } from '../../db/schema/kudos.ts';
import { members } from '../../db/schema/members.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { kudosReceived } from '../../src/capabilities/kudos/service.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

const TEAM = 'channel:team';

describe.each(DATABASE_KINDS)('kudos (%s)', (kind) => {
  let t: TestApp;
  let workspaceId: number;
  const idOf = async (handle: string) => {
    const [m] = await t.database.db.select().from(members).where(and(eq(members.workspaceId, workspaceId), eq(members.externalId, handle)));
    return m!.id;
  };
  const kudosCount = async () => (await t.database.db.select().from(kudos).where(eq(kudos.workspaceId, workspaceId))).length;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const [ws] = await t.database.db.select().from(workspaces).where(eq(workspaces.platform, 'console'));
    workspaceId = ws!.id;
    await t.database.db.insert(members).values({ workspaceId, externalId: 'helperbot', displayName: 'Helper Bot', isBot: true });
  });
  afterAll(async () => { await t?.close(); });

  it('posts praise with a value tag in the team channel and tells the receiver', async () => {
    const reply = t.text(await t.say('tom', '/kam kudos @mei covered my client calls while I was ill #teamwork'));
    expect(reply).toContain('Kudos sent to @Mei Chen');
    expect(reply).toContain('4 left this week');
    await t.deliver();
    const channel = (await t.inbox('tom', TEAM)).join('\n');
    expect(channel).toContain('@Tom Baker → @Mei Chen: covered my client calls while I was ill');
    expect(channel).toContain('#teamwork');
    const meiInbox = (await t.inbox('mei')).join('\n');
    expect(meiInbox).toContain('@Tom Baker 表扬了你');
  });

  it('answers publicly when given in a channel, with the Chinese alias', async () => {
    const res = await t.say('wang', '/kam 表扬 @mei 拿下了华东制造续约 #customer-first', TEAM);
    const text = t.text(res);
    expect(text).toContain('@Wang Li → @Mei Chen：拿下了华东制造续约');
    expect(text).toContain('感谢你认可 @Mei Chen');
  });

  it('refuses self-kudos, kudos to bots, unknown values and missing reasons, writing nothing', async () => {
    const before = await kudosCount();
    expect(t.text(await t.say('tom', '/kam kudos @tom I am great'))).toContain('can\'t give them to yourself');
    expect(t.text(await t.say('tom', '/kam kudos @helperbot thanks'))).toContain('Bots don\'t need kudos');
    const badValue = t.text(await t.say('tom', '/kam kudos @mei great work #speed'));
    expect(badValue).toContain('#customer-first, #teamwork, #ownership');
    const noReason = t.text(await t.say('tom', '/kam kudos @mei'));
    expect(noReason).toContain('Please say why');
    expect(noReason).toContain('Usage: /kam kudos');
    expect(t.text(await t.say('tom', '/kam kudos @nobody thanks'))).toContain('can\'t find the person');
    expect(await kudosCount()).toBe(before);
  });

  it('admins add value tags; assistants cannot', async () => {
    expect(t.text(await t.say('tom', '/kam kudos values add #integrity We do what we say'))).toMatch(/Only/);
    expect(t.text(await t.say('wang', '/kam kudos values add #integrity 言出必行'))).toContain('#integrity');
    const list = t.text(await t.say('tom', '/kam kudos values'));
    expect(list).toContain('#integrity — 言出必行');
    expect(list).toContain('#customer-first — We put the client first');
    expect(t.text(await t.say('mei', '/kam 点赞 @tom 说到做到 #integrity'))).toContain('本周你还可以表扬 4 次');
  });

  it('stops at the weekly allowance with a friendly note and resets the next week', async () => {
    expect(t.text(await t.say('tom', '/kam kudos allowance 9'))).toMatch(/Only/);
    expect(t.text(await t.say('wang', '/kam kudos allowance 2'))).toContain('每人每周可以表扬 2 次');
    // tom already gave one this week.
    expect(t.text(await t.say('tom', '/kam kudos @wang great coaching session'))).toContain('0 left this week');
    const before = await kudosCount();
    const note = t.text(await t.say('tom', '/kam kudos @mei one more thanks'));
    expect(note).toContain('You have given all 2 kudos for this week');
    expect(note).toContain('2026-12-07');
    expect(note).not.toContain('⚠️');
    expect(await kudosCount()).toBe(before);
    t.clock.set('2026-12-07T00:30:00Z'); // Monday 00:30 in London: a new week for tom
    expect(t.text(await t.say('tom', '/kam kudos @mei thanks for the handover'))).toContain('1 left this week');
    expect(t.text(await t.say('tom', '/kam kudos allowance'))).toContain('You have 1 left this week');
    expect(t.text(await t.say('wang', '/kam kudos allowance 0'))).toContain('1 到 100');
  });

  it('the leaderboard lists top receivers only, most kudos first', async () => {
    const month = t.text(await t.say('tom', '/kam kudos top month'));
    // December so far: mei 1 (tom's after the reset).
    expect(month).toContain('Kudos leaders · this month (2026-12)');
    expect(month).toContain('🥇 @Mei Chen — 1 kudos');
    const quarter = t.text(await t.say('tom', '/kam kudos top quarter'));
    const meiAt = quarter.indexOf('@Mei Chen');
    const tomAt = quarter.indexOf('@Tom Baker');
    const wangAt = quarter.indexOf('@Wang Li');
    expect(quarter).toContain('🥇 @Mei Chen — 3 kudos');
    expect(meiAt).toBeGreaterThan(-1);
    expect(tomAt).toBeGreaterThan(meiAt);
    expect(wangAt).toBeGreaterThan(meiAt);
    expect(t.text(await t.say('mei', '/kam 表扬 排行 本周'))).toContain('🥇 @Mei Chen — 1 次表扬');
    const bad = t.text(await t.say('mei', '/kam kudos top year'));
    expect(bad).toContain('不是有效的时间段');
    expect(bad).toContain('用法');
  });

  it('shows received history and feeds kudosReceived for reviews', async () => {
    const hist = t.text(await t.say('tom', '/kam kudos history @mei'));
    expect(hist).toContain('Kudos received by @Mei Chen (3)');
    expect(hist).toContain('from @Wang Li · #customer-first: 拿下了华东制造续约');
    expect(t.text(await t.say('mei', '/kam 表扬 记录'))).toContain('@Mei Chen 收到的表扬（3）');
    const [mei, tom, wang] = [await idOf('mei'), await idOf('tom'), await idOf('wang')];
    const scope = { db: t.database.db, workspaceId, now: t.clock.now() };
    const summary = await kudosReceived(scope, [mei, tom, wang], new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    expect(summary.get(mei)).toMatchObject({ count: 2, byValue: { teamwork: 1, 'customer-first': 1 } });
    expect(summary.get(tom)!.count).toBe(1);
    expect(summary.get(wang)!.count).toBe(1);
    expect(summary.get(mei)!.items[0]!.reason).toBe('拿下了华东制造续约');
  });

  it('sends kudos by DM when the workspace has no team channel', async () => {
    await t.database.db.update(workspaces).set({ settings: {} }).where(eq(workspaces.id, workspaceId));
    const reply = t.text(await t.say('tom', '/kam kudos @wang thanks for the coaching'));
    expect(reply).toContain('Kudos sent to @Wang Li by DM (this workspace has no team channel yet)');
    await t.deliver();
    expect((await t.inbox('wang')).join('\n')).toContain('@Tom Baker 表扬了你：thanks for the coaching');
  });
});
