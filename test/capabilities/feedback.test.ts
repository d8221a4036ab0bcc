import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../db/schema/accounts.ts';
import { outbox } from '../../db/schema/delivery.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type ConsoleEntryJson, type TestApp } from '../support/app.ts';

describe.each(DATABASE_KINDS)('client feedback and complaints (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  const count = async () => {
    const [row] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(feedback);
    return row!.n;
  };
  const row = async (id: number) => (await t.database.db.select().from(feedback).where(eq(feedback.id, id)))[0]!;
  const idIn = (text: string) => Number(text.match(/#(\d+)/)![1]);
  /** Console entries (with ids and buttons) in a member's DM. */
  const entries = async (user: string): Promise<ConsoleEntryJson[]> => {
    const res = await fetch(`${t.app.url}/console/api/conversations?user=${user}`);
    return ((await res.json()) as { entries: ConsoleEntryJson[] }).entries;
  };
  const buttonsOf = (entry: ConsoleEntryJson) => (entry.message?.blocks ?? []).flatMap((b) => b.buttons ?? []);
  const alertFor = async (user: string, id: number) => (await entries(user)).filter((e) => (e.plain ?? '').includes(`#${id}`)).at(-1)!;

  it('a happy score of 4 is saved without alerting anyone', async () => {
    const before = (await t.inbox('wang')).length;
    const reply = t.text(await t.say('tom', '/kam feedback Acme Corp 4 service "Quick answers, thanks"'));
    expect(reply).toContain('Saved feedback #');
    expect(reply).toContain('Acme Corp');
    expect(reply).not.toContain('I told');
    const saved = await row(idIn(reply));
    expect(saved).toMatchObject({ score: 4, category: 'service', isComplaint: false, status: null, text: 'Quick answers, thanks' });
    await t.deliver();
    expect((await t.inbox('wang')).length).toBe(before);
  });

  it('a score of 2 alerts the manager at once, in the manager\'s language, with a link to the account', async () => {
    const reply = t.text(await t.say('tom', '/kam feedback "Acme Corp" score=2 category=price "Says we are too expensive"'));
    expect(reply).toContain('I told @Wang Li right away');
    const id = idIn(reply);
    const [queued] = await t.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `feedback-alert:${id}`));
    expect(queued).toBeDefined();
    await t.deliver();
    const alert = await alertFor('wang', id);
    // Tom writes English; Wang reads Chinese.
    expect(alert.plain).toContain('Acme Corp 给出低分');
    expect(alert.plain).toContain('@Tom Baker');
    expect(alert.plain).toContain('Says we are too expensive');
    // Not a complaint: nothing to acknowledge, only the account link.
    expect(buttonsOf(alert).map((b) => b.action)).toEqual(['feedback.account']);
    const account = t.text(await t.click('wang', 'feedback.account', buttonsOf(alert)[0]!.value));
    expect(account).toContain('Acme Corp');
    expect(account).toContain('3.0/5 (2)');
  });

  it('a complaint goes open → acknowledged → resolved with timestamps, the card updating in place', async () => {
    t.clock.set('2026-11-30T03:00:00Z');
    const reply = t.text(await t.say('mei', '/kam 反馈 华东制造 交付 投诉 "发货又晚了三天"'));
    expect(reply).toContain('已记录投诉 #');
    expect(reply).toContain('已第一时间通知 @Wang Li');
    const id = idIn(reply);
    expect(await row(id)).toMatchObject({ isComplaint: true, status: 'open', category: 'delivery', score: null, acknowledgedAt: null, resolvedAt: null });

    await t.deliver();
    const card = await alertFor('wang', id);
    expect(card.plain).toContain('华东制造 的客户投诉');
    expect(card.plain).toContain('@Mei Chen');
    expect(buttonsOf(card).map((b) => b.label)).toEqual(['受理', '解决', '查看客户']);

    t.clock.set('2026-11-30T04:00:00Z');
    const acked = await t.click('wang', 'feedback.ack', String(id), card.id);
    expect(acked.replies[0]!.id).toBe(card.id);
    expect(acked.replies[0]!.plain).toContain('已受理 2026-11-30 12:00');
    expect(buttonsOf(acked.replies[0]!).map((b) => b.label)).toEqual(['解决', '查看客户']);
    expect((await row(id)).acknowledgedAt?.toISOString()).toBe('2026-11-30T04:00:00.000Z');
    expect((await row(id)).status).toBe('acknowledged');

    // The same click again (a double click or a platform retry) runs once.
    t.clock.set('2026-11-30T04:01:00Z');
    const again = await t.click('wang', 'feedback.ack', String(id), card.id);
    expect(again.duplicate).toBe(true);
    // A retry that is not recognised as one still changes nothing.
    const retried = t.text(await t.click('wang', 'feedback.ack', String(id)));
    expect(retried).toContain('已经受理过了');
    expect((await row(id)).acknowledgedAt?.toISOString()).toBe('2026-11-30T04:00:00.000Z');

    await t.deliver();
    expect((await t.inbox('mei')).some((line) => line.includes(`投诉 #${id}`) && line.includes('已由 @Wang Li 受理'))).toBe(true);

    // Resolve from the card asks for a note first.
    const opened = await t.click('wang', 'feedback.resolve', String(id), card.id);
    expect(opened.forms[0]!.id).toBe('feedback.resolveNote');
    expect(opened.forms[0]!.state).toBe(String(id));
    // Dismissing the form and clicking Resolve again opens it again (the card got a fresh button).
    const fresh = buttonsOf(opened.replies.find((r) => r.id === card.id)!).find((b) => b.action === 'feedback.resolve')!;
    expect(fresh.value).not.toBe(String(id));
    const reopened = await t.click('wang', 'feedback.resolve', fresh.value, card.id);
    expect(reopened.duplicate).toBe(false);
    expect(reopened.forms[0]!.id).toBe('feedback.resolveNote');
    const empty = await t.submit('wang', 'feedback.resolveNote', { note: '  ' }, String(id));
    expect(empty.formErrors?.note).toContain('请写下是怎么解决的');
    expect((await row(id)).status).toBe('acknowledged');

    t.clock.set('2026-11-30T06:30:00Z');
    const resolved = await t.submit('wang', 'feedback.resolveNote', { note: '加急补发，并减免运费' }, String(id), 'nonce-resolve-1');
    expect(t.text(resolved)).toContain(`投诉 #${id}（华东制造）已解决`);
    expect(resolved.replies.flatMap(buttonsOf).map((b) => b.action)).toEqual(['feedback.account']);
    const done = await row(id);
    expect(done.status).toBe('resolved');
    expect(done.resolvedAt?.toISOString()).toBe('2026-11-30T06:30:00.000Z');
    expect(done.resolutionNote).toBe('加急补发，并减免运费');

    // Submitting the same form twice, or resolving again, changes nothing.
    expect((await t.submit('wang', 'feedback.resolveNote', { note: 'again' }, String(id), 'nonce-resolve-1')).duplicate).toBe(true);
    expect(t.text(await t.say('wang', `/kam feedback resolve ${id} "again"`))).toContain('已经解决');
    expect((await row(id)).resolutionNote).toBe('加急补发，并减免运费');
    // A stale card's button now just shows the card as it is, without buttons for the next step.
    const stale = await t.click('wang', 'feedback.ack', String(id));
    expect(t.text(stale)).toContain('已经解决');
    expect(buttonsOf(stale.replies[0]!).map((b) => b.action)).toEqual(['feedback.account']);

    await t.deliver();
    const meiInbox = await t.inbox('mei');
    expect(meiInbox.some((line) => line.includes('已由 @Wang Li 解决') && line.includes('加急补发'))).toBe(true);
  });

  it('acknowledge and resolve by command, with clear errors for wrong transitions', async () => {
    const complaint = idIn(t.text(await t.say('tom', '/kam feedback Acme Corp product complaint "The export button is broken"')));
    const praise = idIn(t.text(await t.say('tom', '/kam feedback Acme Corp 5 "Great quarterly review"')));
    expect(t.text(await t.say('wang', `/kam feedback ack ${praise}`))).toContain('不是投诉');
    expect(t.text(await t.say('wang', `/kam feedback ack #${complaint}`))).toContain(`已受理投诉 #${complaint}`);
    expect(t.text(await t.say('wang', `/kam 反馈 确认 ${complaint}`))).toContain('已经受理过了');
    // Resolving without a note opens the small form.
    const form = await t.say('wang', `/kam feedback resolve ${complaint}`);
    expect(form.forms[0]!.id).toBe('feedback.resolveNote');
    expect((await row(complaint)).status).toBe('acknowledged');
    const long = 'x'.repeat(2001);
    expect(t.text(await t.say('wang', `/kam feedback resolve ${complaint} "${long}"`))).toContain('2001');
    expect(t.text(await t.say('wang', `/kam 反馈 解决 ${complaint} "已发布修复版本"`))).toContain('已解决');
    expect(t.text(await t.say('wang', `/kam feedback resolve ${complaint} "twice"`))).toContain('已经解决');
    expect((await row(complaint)).resolutionNote).toBe('已发布修复版本');
    expect(t.text(await t.say('wang', '/kam feedback ack 99999'))).toContain('#99999');
    expect(t.text(await t.say('wang', '/kam feedback ack abc'))).toContain('用法');
  });

  it('assistants cannot acknowledge; another manager cannot touch a complaint outside their team', async () => {
    const id = idIn(t.text(await t.say('tom', '/kam feedback Acme Corp complaint "Invoice was wrong"')));
    expect(t.text(await t.say('mei', `/kam feedback ack ${id}`))).toMatch(/只有/);
    expect(t.text(await t.click('tom', 'feedback.ack', String(id)))).toMatch(/Only/);
    await t.say('li', 'hello');
    await t.say('wang', '/kam team role @li manager');
    expect(t.text(await t.say('li', `/kam feedback ack ${id}`))).toMatch(/not on your team|不在你的团队/);
    expect(t.text(await t.say('li', `/kam feedback resolve ${id} "done"`))).toMatch(/not on your team|不在你的团队/);
    expect(t.text(await t.say('li', '/kam feedback list'))).toMatch(/Nothing here yet|这里还没有内容/);
    expect((await row(id)).status).toBe('open');
  });

  it('refuses bad input with the usage and writes nothing', async () => {
    const before = await count();
    const cases: Array<[string, RegExp]> = [
      ['/kam feedback Acme Corp score=0 "meh"', /"0" is not a score/],
      ['/kam feedback Acme Corp 6 "meh"', /"6" is not a score/],
      ['/kam feedback Acme Corp score=abc "meh"', /"abc" is not a score/],
      ['/kam feedback Acme Corp category=food "meh"', /"food" is not a valid Category/],
      ['/kam feedback Acme Corp 3', /write what the client said/],
      ['/kam feedback Acme Corp 3 ""', /write what the client said/],
      [`/kam feedback Acme Corp 3 "${'y'.repeat(2001)}"`, /too long \(2001 characters; the limit is 2000\)/],
      ['/kam feedback Acmee Crop "hi"', /Did you mean: Acme Corp/],
      ['/kam feedback Globex 3 "not mine"', /not one of your accounts/],
    ];
    for (const [text, expected] of cases) {
      const reply = t.text(await t.say('tom', text));
      expect(reply, text).toMatch(expected);
      if (!/not one of your/.test(reply)) expect(reply, text).toContain('Usage: /kam feedback');
    }
    expect(await count()).toBe(before);
  });

  it('opens a form with the member\'s own accounts, shows inline errors, then saves', async () => {
    const opened = await t.say('mei', '/kam 反馈');
    const form = opened.forms[0] as unknown as { id: string; fields: Array<{ name: string; options?: Array<{ value: string; label: string }> }> };
    expect(form.id).toBe('feedback.submit');
    expect(form.fields.map((f) => f.name)).toEqual(['account', 'score', 'category', 'complaint', 'text']);
    const options = form.fields[0]!.options!.map((o) => o.label);
    expect(options).toEqual(['Globex', '华东制造']);
    const before = await count();
    const bad = await t.submit('mei', 'feedback.submit', { account: '999999', score: '7', category: 'food', complaint: 'maybe', text: '' });
    expect(Object.keys(bad.formErrors ?? {}).sort()).toEqual(['account', 'category', 'complaint', 'score', 'text']);
    const [acme] = await t.database.db.select().from(accounts).where(eq(accounts.name, 'Acme Corp'));
    const notMine = await t.submit('mei', 'feedback.submit', { account: String(acme!.id), score: 'none', category: 'other', complaint: 'no', text: 'hi' });
    expect(notMine.formErrors?.account).toContain('Acme Corp');
    expect(await count()).toBe(before);

    const globex = form.fields[0]!.options!.find((o) => o.label === 'Globex')!.value;
    const saved = await t.submit('mei', 'feedback.submit', { account: globex, score: '1', category: 'service', complaint: 'no', text: '电话一直没人接' }, undefined, 'form-nonce-1');
    expect(t.text(saved)).toContain('Globex');
    const id = idIn(t.text(saved));
    expect(await row(id)).toMatchObject({ score: 1, category: 'service', isComplaint: false });
    expect((await t.submit('mei', 'feedback.submit', { account: globex, score: '1', category: 'service', complaint: 'no', text: '电话一直没人接' }, undefined, 'form-nonce-1')).duplicate).toBe(true);
    expect(await count()).toBe(before + 1);
    await t.deliver();
    expect((await alertFor('wang', id)).plain).toContain('Globex 给出低分');

    const huadong = form.fields[0]!.options!.find((o) => o.label === '华东制造')!.value;
    const complaint = await t.submit('mei', 'feedback.submit', { account: huadong, score: 'none', category: 'product', complaint: 'yes', text: '样品有划痕' });
    expect(await row(idIn(t.text(complaint)))).toMatchObject({ score: null, category: 'product', isComplaint: true, status: 'open' });
  });

  it('lists by role: an assistant their own, the manager the team, with account and open filters', async () => {
    const tom = t.text(await t.say('tom', '/kam feedback list'));
    expect(tom).toContain('Acme Corp');
    expect(tom).not.toContain('华东制造');
    const wang = t.text(await t.say('wang', '/kam 反馈 列表'));
    expect(wang).toContain('Acme Corp');
    expect(wang).toContain('华东制造');
    const open = t.text(await t.say('wang', '/kam feedback list open'));
    expect(open).toContain('未解决的投诉');
    expect(open).toContain('Invoice was wrong');
    expect(open).not.toContain('发货又晚了三天');
    const globex = t.text(await t.say('wang', '/kam feedback list Globex all'));
    expect(globex).toContain('电话一直没人接');
    expect(globex).not.toContain('Acme Corp');
  });

  it('alerts follow the manager\'s language, and go to admins when the assistant has no manager', async () => {
    await t.say('wang', '/kam settings language en');
    const id = idIn(t.text(await t.say('mei', '/kam 反馈 华东制造 1 价格 "价格涨得太多"')));
    await t.deliver();
    expect((await alertFor('wang', id)).plain).toContain('Low score from 华东制造');

    await t.say('wang', '/kam team remove @tom');
    const lone = t.text(await t.say('tom', '/kam feedback Acme Corp 1 "Very unhappy"'));
    expect(lone).toContain('I told @Wang Li');
    const loneId = idIn(lone);
    const [wang] = await t.database.db.select({ id: sql<number>`id` }).from(sql`members`).where(sql`external_id = 'wang'`);
    const queued = await t.database.db.select().from(outbox).where(and(eq(outbox.dedupeKey, `feedback-alert:${loneId}:${wang!.id}`)));
    expect(queued).toHaveLength(1);
    await t.deliver();
    expect((await alertFor('wang', loneId)).plain).toContain('Low score from Acme Corp');
    await t.say('wang', '/kam team add @tom');
  });

  it('has help in both languages', async () => {
    expect(t.text(await t.say('tom', '/kam help feedback'))).toContain('/kam feedback <account>');
    expect(t.text(await t.say('mei', '/kam 帮助 反馈'))).toContain('/kam 反馈 <客户>');
  });
});
