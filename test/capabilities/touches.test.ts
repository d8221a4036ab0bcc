import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { accounts } from '../../db/schema/accounts.ts';
import { members } from '../../db/schema/members.ts';
import { touches } from '../../db/schema/touches.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type ConsoleResponse, type TestApp } from '../support/app.ts';
import { accountId, lastTouch, touchCount } from '../support/records.ts';
import { addSecondTeam } from '../support/teams.ts';

function buttons(response: ConsoleResponse) {
  return response.replies.flatMap((r) => r.message?.blocks.flatMap((b) => b.buttons ?? []) ?? []);
}

type FormJson = { id: string; fields: Array<{ name: string; initial?: string; options?: Array<{ value: string; label: string }> }> };

describe.each(DATABASE_KINDS)('client touches (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await addSecondTeam(t);
    await t.say('li', '/kam account add Initech tier=B assistant=@zoe');
  });
  afterAll(async () => { await t?.close(); });

  it('logs a touch with a next step and offers follow-up buttons', async () => {
    const response = await t.say('tom', '/kam touch Acme Corp call "Discussed the Q1 renewal" next="Send the quote" due=2026-12-05');
    const text = t.text(response);
    expect(text).toMatch(/Logged: Call with Acme Corp on 2026-11-30 \(#\d+\)/);
    expect(text).toContain('Next step: Send the quote · due 2026-12-05');
    const row = await lastTouch(t);
    expect(row).toMatchObject({ kind: 'call', summary: 'Discussed the Q1 renewal', nextStep: 'Send the quote', nextStepDue: '2026-12-05' });
    expect(row.occurredAt.toISOString()).toBe('2026-11-30T02:00:00.000Z');
    const labels = buttons(response).map((b) => `${b.label}|${b.action}|${b.value}`);
    expect(labels).toEqual([`Log another|touch.another|${row.accountId}`, `Mark next step done|touch.done|${row.id}`]);
  });

  it('without a next step there is only the "Log another" button', async () => {
    const response = await t.say('tom', '/kam log Acme Corp email "Sent the brochure"');
    expect(buttons(response).map((b) => b.action)).toEqual(['touch.another']);
  });

  it('understands Chinese aliases, kinds and dates in the member\'s zone', async () => {
    const text = t.text(await t.say('mei', '/kam 跟进 华东制造 电话 昨天 "确认了交期"'));
    expect(text).toContain('已记录：2026-11-29 与 华东制造 的电话');
    const row = await lastTouch(t);
    expect(row.kind).toBe('call');
    // Local noon on 29 Nov in Shanghai.
    expect(row.occurredAt.toISOString()).toBe('2026-11-29T04:00:00.000Z');
    for (const [word, kindName] of [['邮件', 'email'], ['拜访', 'visit'], ['会议', 'meeting'], ['问候', 'greeting'], ['活动', 'event'], ['其他', 'other']]) {
      await t.say('mei', `/kam 跟进 Globex ${word} "测试"`);
      expect((await lastTouch(t)).kind).toBe(kindName);
    }
    expect(t.text(await t.say('mei', '/kam 跟进 Globex 邮件 2026-11-28 "寄送目录" 下一步="电话确认" 截止=明天'))).toContain('截止 2026-12-01');
  });

  it('assistants may only touch their own accounts; managers their team\'s; admins any', async () => {
    const before = await touchCount(t);
    expect(t.text(await t.say('tom', '/kam touch 华东制造 call "hello"'))).toContain('"华东制造" is not one of your accounts');
    expect(t.text(await t.say('zoe', '/kam touch Acme Corp call "hello"'))).toContain('not one of your accounts');
    expect(t.text(await t.say('li', '/kam touch Acme Corp call "hello"'))).toContain('not one of your accounts');
    expect(await touchCount(t)).toBe(before);
    expect(t.text(await t.say('li', '/kam touch Initech meeting "Kick-off with zoe"'))).toContain('Logged: Meeting with Initech');
    expect(t.text(await t.say('wang', '/kam 跟进 Initech 问候 "节日问候"'))).toContain('Initech');
    expect(await touchCount(t)).toBe(before + 2);
  });

  it('refuses every kind of bad input with the usage, and writes nothing', async () => {
    const before = await touchCount(t);
    const cases: Array<[string, string]> = [
      ['/kam touch Acme Crop call "hi"', 'Did you mean: Acme Corp'],
      ['/kam touch Nowhere call "hi"', 'can\'t find an account called "Nowhere"'],
      ['/kam touch Acme Corp fax "hi"', '"fax" is not a kind of touch'],
      ['/kam touch Acme Corp', 'What kind of touch was it?'],
      ['/kam touch Acme Corp call', 'Summary is required'],
      ['/kam touch Acme Corp call 2026-13-45 "hi"', '"2026-13-45" is not a date'],
      ['/kam touch Acme Corp call tomorrow "hi"', '2026-12-01 is in the future'],
      ['/kam touch Acme Corp call 2026-12-25 "hi"', 'is in the future'],
      ['/kam touch Acme Corp call 2025-11-01 "hi"', 'more than a year ago'],
      [`/kam touch Acme Corp call "${'x'.repeat(2001)}"`, 'Summary is too long (2001 characters; the limit is 2000)'],
      [`/kam touch Acme Corp call "hi" next="${'y'.repeat(501)}"`, 'Next step is too long'],
      ['/kam touch Acme Corp call "hi" next="Call back" due=2026-11-29', 'due date 2026-11-29 is already past'],
      ['/kam touch Acme Corp call "hi" due=2026-12-03', 'A due date needs a next step'],
      ['/kam touch Acme Corp call "hi" next="x" due=someday', '"someday" is not a date'],
    ];
    for (const [command, expected] of cases) {
      const reply = t.text(await t.say('tom', command));
      expect(reply, command).toContain(expected);
      expect(reply, command).toContain('Usage: /kam touch');
    }
    expect(await touchCount(t)).toBe(before);
  });

  it('lists touches by account and by week or month, only within what the member may see', async () => {
    const tom = t.text(await t.say('tom', '/kam touch list'));
    expect(tom).toContain('Discussed the Q1 renewal');
    expect(tom).not.toContain('确认了交期');
    const week = t.text(await t.say('tom', '/kam touch list Acme Corp week'));
    expect(week).toContain('Touches this week (2026-W49) · Acme Corp');
    expect(week).toContain('⏳ Send the quote (2026-12-05)');
    const mei = t.text(await t.say('mei', '/kam 跟进 列表 本月'));
    expect(mei).toContain('本月跟进（2026-11）');
    expect(mei).toContain('确认了交期');
    expect(mei).not.toContain('Discussed the Q1 renewal');
    expect(t.text(await t.say('tom', '/kam touch list 华东制造'))).toContain('not one of your accounts');
    const wang = t.text(await t.say('wang', '/kam touch list'));
    expect(wang).toContain('Discussed the Q1 renewal');
    expect(wang).toContain('确认了交期');
    const li = t.text(await t.say('li', '/kam touch list'));
    expect(li).toContain('Kick-off with zoe');
    expect(li).toContain('节日问候');
    expect(li).not.toContain('Discussed the Q1 renewal');
  });

  it('touches of another workspace stay invisible', async () => {
    const [other] = await t.database.db.insert(workspaces).values({ platform: 'lark', externalId: 'tenant-x', name: 'X' }).returning();
    const [stranger] = await t.database.db.insert(members).values({ workspaceId: other!.id, externalId: 'ou_x', displayName: 'Stranger', role: 'admin' }).returning();
    const [secret] = await t.database.db.insert(accounts).values({ workspaceId: other!.id, name: 'Secret Co', cadenceDays: 7 }).returning();
    const [foreign] = await t.database.db.insert(touches).values({
      workspaceId: other!.id, accountId: secret!.id, memberId: stranger!.id, kind: 'call', occurredAt: new Date('2026-11-30T01:00:00Z'),
      summary: 'Confidential call', nextStep: 'Secret step',
    }).returning();
    expect(t.text(await t.say('wang', '/kam touch list'))).not.toContain('Confidential call');
    expect(t.text(await t.say('wang', `/kam touch done ${foreign!.id}`))).toContain(`没有编号为 #${foreign!.id} 的跟进记录`);
    expect(t.text(await t.click('tom', 'touch.done', String(foreign!.id)))).toContain(`There is no touch #${foreign!.id}`);
    expect((await t.database.db.select().from(touches).where(sql`${touches.id} = ${foreign!.id}`))[0]!.nextStepDoneAt).toBeNull();
    const form = await t.submit('wang', 'touch.submit', { account: String(secret!.id), kind: 'call', date: '', summary: 'x' });
    expect(form.formErrors!.account).toContain('请从列表中选择');
  });

  it('completes a next step by command or button, once', async () => {
    await t.say('tom', '/kam touch Acme Corp call "Follow-up" next="Book a demo" due=2026-12-02');
    const row = await lastTouch(t);
    expect(t.text(await t.say('mei', `/kam touch done ${row.id}`))).toContain('不是你负责的客户');
    expect(t.text(await t.say('tom', `/kam touch done #${row.id}`))).toContain('Done: "Book a demo" for Acme Corp');
    expect((await lastTouch(t)).nextStepDoneAt?.toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(t.text(await t.click('tom', 'touch.done', String(row.id)))).toContain('Already done');
    expect(t.text(await t.say('tom', '/kam touch done 999999'))).toContain('There is no touch #999999');
    expect(t.text(await t.say('tom', '/kam touch done'))).toContain('Which next step?');
    const plain = await t.say('tom', '/kam touch Acme Corp call "No next step here"');
    expect(t.text(await t.say('tom', `/kam 跟进 完成 ${(await lastTouch(t)).id}`))).toContain('has no next step');
    expect(plain.replies.length).toBe(1);
  });

  it('deletes a mistaken touch: its author or an admin, nobody else', async () => {
    await t.say('li', '/kam touch Initech call "Wrong account, oops"');
    const mistaken = await lastTouch(t);
    const before = await touchCount(t);
    expect(t.text(await t.say('zoe', `/kam touch delete ${mistaken.id}`))).toContain(`Only the person who logged #${mistaken.id}`);
    expect(t.text(await t.say('tom', `/kam touch delete ${mistaken.id}`))).toContain('not one of your accounts');
    expect(await touchCount(t)).toBe(before);
    expect(t.text(await t.say('li', `/kam touch delete #${mistaken.id}`))).toContain(`Deleted #${mistaken.id} (Call with Initech)`);
    expect(await touchCount(t)).toBe(before - 1);
    expect(t.text(await t.say('li', `/kam touch delete ${mistaken.id}`))).toContain(`There is no touch #${mistaken.id}`);
    await t.say('zoe', '/kam touch Initech email "Sent by zoe"');
    const zoes = await lastTouch(t);
    expect(t.text(await t.say('wang', `/kam 跟进 删除 ${zoes.id}`))).toContain(`已删除 #${zoes.id}`);
  });

  it('"Log another" opens a form preset to the account; the form logs a touch', async () => {
    const acme = await accountId(t, 'Acme Corp');
    const opened = await t.click('tom', 'touch.another', String(acme));
    const form = opened.forms[0] as unknown as FormJson;
    expect(form.id).toBe('touch.submit');
    const select = form.fields.find((f) => f.name === 'account')!;
    expect(select.initial).toBe(String(acme));
    expect(select.options!.map((o) => o.label)).toEqual(['Acme Corp']);
    const before = await touchCount(t);
    const done = await t.submit('tom', 'touch.submit', { account: String(acme), kind: 'meeting', date: '2026-11-27', summary: 'Quarterly review', next: '', due: '' });
    expect(t.text(done)).toContain('Logged: Meeting with Acme Corp on 2026-11-27');
    expect(await touchCount(t)).toBe(before + 1);
  });

  it('the touch form shows inline errors and writes nothing', async () => {
    const before = await touchCount(t);
    const globex = await accountId(t, 'Globex');
    const response = await t.submit('tom', 'touch.submit', { account: String(globex), kind: 'fax', date: 'soon', summary: '', next: '', due: '' });
    expect(Object.keys(response.formErrors ?? {}).sort()).toEqual(['account', 'date', 'kind', 'summary']);
    expect(response.formErrors!.account).toContain('not one of your accounts');
    expect(response.formErrors!.date).toContain('"soon" is not a date');
    expect(await touchCount(t)).toBe(before);
  });

  it('a double submit of the same form creates one touch', async () => {
    const acme = await accountId(t, 'Acme Corp');
    const before = await touchCount(t);
    const values = { account: String(acme), kind: 'call', date: '', summary: 'Double-click test', next: '', due: '' };
    const first = await t.submit('tom', 'touch.submit', values, undefined, 'nonce-touch-1');
    const second = await t.submit('tom', 'touch.submit', values, undefined, 'nonce-touch-1');
    expect(first.duplicate).toBe(false);
    expect(t.text(first)).toContain('Logged: Call with Acme Corp');
    expect(second.duplicate).toBe(true);
    expect(await touchCount(t)).toBe(before + 1);
  });

  it('`touch` alone opens the form with the member\'s accounts', async () => {
    const opened = await t.say('mei', '/kam 跟进');
    const form = opened.forms[0] as unknown as FormJson;
    expect(form.id).toBe('touch.submit');
    expect(form.fields.find((f) => f.name === 'account')!.options!.map((o) => o.label).sort()).toEqual(['Globex', '华东制造']);
    expect(form.fields.find((f) => f.name === 'date')!.initial).toBe('2026-11-30');
  });
});

describe.each(DATABASE_KINDS)('touch dates near midnight in each member\'s zone (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  it('"yesterday", "today" and due dates follow Asia/Shanghai vs Europe/London', async () => {
    // 17:30 UTC: already 1 December 01:30 in Shanghai, still 30 November 17:30 in London.
    t.clock.set('2026-11-30T17:30:00Z');
    expect(t.text(await t.say('mei', '/kam 跟进 华东制造 电话 昨天 "深夜回电"'))).toContain('已记录：2026-11-30');
    expect(t.text(await t.say('tom', '/kam touch Acme Corp call yesterday "Late call"'))).toContain('on 2026-11-29');
    expect(t.text(await t.say('mei', '/kam 跟进 Globex 邮件 2026-12-01 "今天的邮件"'))).toContain('2026-12-01');
    expect((await lastTouch(t)).occurredAt.toISOString()).toBe('2026-11-30T17:30:00.000Z');
    expect(t.text(await t.say('tom', '/kam touch Acme Corp email 2026-12-01 "Too early"'))).toContain('2026-12-01 is in the future (today is 2026-11-30)');
    expect(t.text(await t.say('tom', '/kam touch Acme Corp call "Plan" next="Call back" due=2026-11-30'))).toContain('due 2026-11-30');
    expect(t.text(await t.say('mei', '/kam 跟进 Globex 电话 "计划" 下一步="回电" 截止=2026-11-30'))).toContain('截止日期 2026-11-30 已经过去');
  });

  it('week lists use the member\'s own week', async () => {
    // Sunday 6 Dec 23:30 in London is already Monday 7 Dec 07:30 in Shanghai (a new week).
    t.clock.set('2026-12-06T23:30:00Z');
    await t.say('tom', '/kam touch Acme Corp call "Sunday night call"');
    await t.say('mei', '/kam 跟进 华东制造 电话 "周一早上"');
    expect(t.text(await t.say('tom', '/kam touch list week'))).toContain('Touches this week (2026-W49)');
    expect(t.text(await t.say('tom', '/kam touch list week'))).toContain('Sunday night call');
    const mei = t.text(await t.say('mei', '/kam 跟进 列表 本周'));
    expect(mei).toContain('本周跟进（2026-W50）');
    expect(mei).toContain('周一早上');
    expect(mei).not.toContain('深夜回电');
  });
});
