import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe.each(DATABASE_KINDS)('home: what is due, complaints, KPIs, team at a glance (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  it('an assistant sees never-touched accounts as due, in their language', async () => {
    const tom = t.text(await t.say('tom', '/kam home'));
    expect(tom).toContain('Hi Tom Baker');
    expect(tom).toContain('Acme Corp');
    expect(tom).toContain('never touched yet');
    expect(tom).not.toContain('Globex');
    const mei = t.text(await t.say('mei', '/kam 主页'));
    expect(mei).toContain('华东制造');
    expect(mei).toContain('Globex');
    expect(mei).toContain('还没有跟进过');
  });

  it('a logged touch takes the account off the list until its cadence comes round again', async () => {
    await t.say('tom', '/kam touch "Acme Corp" call "Quarterly check-in"');
    expect(t.text(await t.say('tom', '/kam home'))).toContain('All your accounts are up to date');
    // Acme is tier A (every 7 days): due soon after 5 days, overdue after 8.
    t.clock.advanceDays(5);
    expect(t.text(await t.say('tom', '/kam home'))).toMatch(/Acme Corp\*?\*? \(A\): due in 2 d/);
    t.clock.advanceDays(3);
    expect(t.text(await t.say('tom', '/kam home'))).toContain('overdue by 1 d');
  });

  it('open complaints are listed until resolved', async () => {
    await t.say('mei', '/kam feedback Globex 2 delivery complaint "Shipment late again"');
    const home = t.text(await t.say('mei', '/kam home'));
    expect(home).toContain('未处理的投诉（1）');
    expect(home).toContain('Shipment late again');
  });

  it('this month shows touches, and KPIs against target once targets exist', async () => {
    expect(t.text(await t.say('tom', '/kam home'))).toContain('No targets set yet');
    await t.say('wang', '/kam target @tom touches=20');
    await t.say('tom', '/kam touch "Acme Corp" email "Sent the December price list"');
    const home = t.text(await t.say('tom', '/kam home'));
    expect(home).toContain('Touches');
    expect(home).toMatch(/1 \/ 20 \(5%\)/);
  });

  it('a manager sees the team at a glance', async () => {
    const wang = t.text(await t.say('wang', '/kam home'));
    expect(wang).toContain('团队概况');
    expect(wang).toContain('@Mei Chen：跟进 0 次 · 逾期客户 2 个 · 未处理投诉 1 个');
    expect(wang).toContain('@Tom Baker：跟进 1 次 · 逾期客户 0 个 · 未处理投诉 0 个');
    // Mei has more to catch up on, so she comes first.
    expect(wang.indexOf('Mei Chen')).toBeLessThan(wang.indexOf('Tom Baker'));
  });

  it('quick actions open the forms; refresh replaces the home in place', async () => {
    const opened = await t.click('tom', 'home.quick', 'touch');
    expect(opened.forms[0]?.id).toBe('touch.submit');
    const unknown = t.text(await t.click('tom', 'home.quick', 'drop-tables'));
    expect(unknown).toContain('not available');
    const home = await t.say('tom', '/kam home');
    const refreshed = await t.click('tom', 'home.refresh', 'home', home.replies[0]!.id);
    expect(refreshed.replies[0]!.id).toBe(home.replies[0]!.id);
  });

  it('home takes no arguments', async () => {
    expect(t.text(await t.say('tom', '/kam home please'))).toContain('Usage: /kam home');
  });
});
