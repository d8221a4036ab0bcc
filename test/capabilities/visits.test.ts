import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type ConsoleResponse, type TestApp } from '../support/app.ts';
import { accountId, lastTouch, touchCount } from '../support/records.ts';


type FormJson = { id: string; fields: Array<{ name: string; kind: string; required?: boolean; initial?: string; options?: Array<{ value: string; label: string }> }> };

function formOf(response: ConsoleResponse): FormJson {
  return response.forms[0] as unknown as FormJson;
}

function buttonActions(response: ConsoleResponse): string[] {
  return response.replies.flatMap((r) => r.message?.blocks.flatMap((b) => b.buttons ?? []) ?? []).map((b) => b.action);
}

describe.each(DATABASE_KINDS)('visit reports (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  it('files a visit report from one command and shows the report card', async () => {
    const response = await t.say('tom', '/kam visit Acme Corp yesterday attendees="Ms Zhang (purchasing), Mr Li" needs="Faster delivery to Suzhou" outcome="Agreed a 3-month pilot" next="Send the pilot plan" due=2026-12-10');
    const text = t.text(response);
    expect(text).toContain('Visit report · Acme Corp');
    expect(text).toContain('Date: 2026-11-29');
    expect(text).toContain('By: @Tom Baker');
    expect(text).toContain('Attendees: Ms Zhang (purchasing), Mr Li');
    expect(text).toContain('Client needs: Faster delivery to Suzhou');
    expect(text).toContain('Outcome: Agreed a 3-month pilot');
    expect(text).toContain('Next step: Send the pilot plan · due 2026-12-10');
    expect(buttonActions(response)).toEqual(['visit.open', 'touch.done']);
    expect(await lastTouch(t)).toMatchObject({
      kind: 'visit', attendees: 'Ms Zhang (purchasing), Mr Li', clientNeeds: 'Faster delivery to Suzhou',
      outcome: 'Agreed a 3-month pilot', nextStep: 'Send the pilot plan', nextStepDue: '2026-12-10',
    });
    // The visit is a touch: the account list shows it.
    expect(t.text(await t.say('tom', '/kam account list'))).toContain('last touch 2026-11-29');
  });

  it('works in Chinese with Chinese option names', async () => {
    const text = t.text(await t.say('mei', '/kam 拜访 华东制造 参会人="张总、李工" 需求="降低采购成本" 结果="同意下月试点" 下一步="发试点方案" 截止=2026-12-08'));
    expect(text).toContain('拜访报告 · 华东制造');
    expect(text).toContain('参会人: 张总、李工');
    expect(text).toContain('客户需求: 降低采购成本');
    expect(text).toContain('拜访结果: 同意下月试点');
    expect(text).toContain('下一步: 发试点方案 · 截止 2026-12-08');
    expect((await lastTouch(t)).kind).toBe('visit');
  });

  it('refuses bad visit commands and writes nothing', async () => {
    const before = await touchCount(t);
    const cases: Array<[string, string, string]> = [
      ['tom', '/kam visit Acme Corp attendees="Ms Zhang"', 'Outcome is required'],
      ['tom', '/kam visit Acme Crop outcome="ok"', 'Did you mean: Acme Corp'],
      ['tom', '/kam visit Acme Corp 2026-12-24 outcome="ok"', 'is in the future'],
      ['tom', '/kam visit Acme Corp 2026-02-30 outcome="ok"', 'not a date'],
      ['tom', `/kam visit Acme Corp outcome="${'x'.repeat(2001)}"`, 'Outcome is too long'],
      ['tom', '/kam visit Acme Corp outcome="ok" next="Call" due=2026-11-01', 'already past'],
    ];
    for (const [user, command, expected] of cases) {
      const reply = t.text(await t.say(user, command));
      expect(reply, command).toContain(expected);
      expect(reply, command).toContain('Usage: /kam visit');
    }
    // Not a usage problem: the account belongs to someone else.
    expect(t.text(await t.say('tom', '/kam visit 华东制造 outcome="ok"'))).toContain('"华东制造" is not one of your accounts');
    expect(await touchCount(t)).toBe(before);
  });

  it('with no arguments opens a form listing only the member\'s accounts', async () => {
    const form = formOf(await t.say('mei', '/kam 拜访'));
    expect(form.id).toBe('visit.submit');
    expect(form.fields.map((f) => f.name)).toEqual(['account', 'date', 'attendees', 'needs', 'outcome', 'next', 'due']);
    expect(form.fields.find((f) => f.name === 'account')!.options!.map((o) => o.label).sort()).toEqual(['Globex', '华东制造']);
    expect(form.fields.find((f) => f.name === 'date')!.initial).toBe('2026-11-30');
    expect(form.fields.find((f) => f.name === 'outcome')!.required).toBe(true);
    const wang = formOf(await t.say('wang', '/kam visit'));
    expect(wang.fields.find((f) => f.name === 'account')!.options!.map((o) => o.label).sort()).toEqual(['Acme Corp', 'Globex', '华东制造']);
  });

  it('form submit with errors shows them inline and writes nothing', async () => {
    const before = await touchCount(t);
    const response = await t.submit('mei', 'visit.submit', { account: '999999', date: '2026-99-01', attendees: '', needs: '', outcome: '  ', next: '', due: '' });
    expect(response.formErrors).toBeDefined();
    expect(response.formErrors!.account).toContain('请从列表中选择');
    expect(response.formErrors!.date).toContain('不是我能识别的日期');
    expect(response.formErrors!.outcome).toContain('拜访结果不能为空');
    expect(response.replies).toEqual([]);
    const foreign = await t.submit('mei', 'visit.submit', { account: String(await accountId(t, 'Acme Corp')), date: '', outcome: 'x' });
    expect(foreign.formErrors!.account).toContain('不是你负责的客户');
    const dueOnly = await t.submit('mei', 'visit.submit', { account: String(await accountId(t, 'Globex')), date: '', outcome: 'x', due: '2026-12-01' });
    expect(dueOnly.formErrors!.due).toContain('下一步');
    expect(await touchCount(t)).toBe(before);
  });

  it('form submit succeeds once even when sent twice, and renders the report card', async () => {
    const before = await touchCount(t);
    const values = { account: String(await accountId(t, 'Globex')), date: '2026-11-27', attendees: '王总', needs: '更快的售后响应', outcome: '达成年度框架协议', next: '起草合同', due: '2026-12-04' };
    const first = await t.submit('mei', 'visit.submit', values, undefined, 'visit-nonce-1');
    const text = t.text(first);
    expect(text).toContain('拜访报告 · Globex');
    expect(text).toContain('日期: 2026-11-27');
    expect(text).toContain('拜访结果: 达成年度框架协议');
    const again = await t.submit('mei', 'visit.submit', values, undefined, 'visit-nonce-1');
    expect(again.duplicate).toBe(true);
    expect(await touchCount(t)).toBe(before + 1);
    expect(await lastTouch(t)).toMatchObject({ kind: 'visit', attendees: '王总', clientNeeds: '更快的售后响应', nextStepDue: '2026-12-04' });
  });

  it('the card\'s button opens the form preset to the account', async () => {
    const globex = await accountId(t, 'Globex');
    const form = formOf(await t.click('mei', 'visit.open', String(globex)));
    expect(form.id).toBe('visit.submit');
    expect(form.fields.find((f) => f.name === 'account')!.initial).toBe(String(globex));
  });

  it('a member with no accounts is told so instead of getting an empty form', async () => {
    await t.say('newbie', 'hello');
    const response = await t.say('newbie', '/kam visit');
    expect(response.forms).toEqual([]);
    expect(t.text(response)).toContain('no accounts to log against');
  });
});
