import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiTargets } from '../../db/schema/kpi.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe.each(DATABASE_KINDS)('KPI targets (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); await t.say('wang', 'hi'); });
  afterAll(async () => { await t?.close(); });
  const count = async () => (await t.database.db.select().from(kpiTargets)).length;

  it('a manager sets monthly targets for an assistant, and they show in the KPI card', async () => {
    const reply = t.text(await t.say('wang', '/kam target @tom touches=40 csat=4.5 growth=10%'));
    expect(reply).toContain('客户维护次数 40');
    expect(reply).toContain('+10%');
    const kpi = t.text(await t.say('tom', '/kam kpi'));
    expect(kpi).toContain('Touches: 0 · target 40 · 0%');
    expect(kpi).toContain('CSAT: — (0 ratings) · target 4.5');
    expect(kpi).toMatch(/by today \d+(\.\d)?/);
  });

  it('quarter targets and Chinese metric names work; the quarter card uses them', async () => {
    expect(t.text(await t.say('wang', '/kam 目标 @mei 跟进=90 拜访=6 period=quarter'))).toContain('季度');
    expect(t.text(await t.say('mei', '/kam 绩效 季度'))).toContain('客户维护次数: 0 · 目标 90');
    // A monthly view scales the quarter target: 90 / 3.
    expect(t.text(await t.say('mei', '/kam 绩效 月'))).toContain('目标 30');
  });

  it('workspace defaults apply to everyone without their own target; only admins set them', async () => {
    expect(t.text(await t.say('wang', '/kam target default coverage=90% visits=4'))).toContain('默认');
    expect(t.text(await t.say('tom', '/kam kpi'))).toContain('Account coverage: 0% (0/1 accounts) · target 90%');
    expect(t.text(await t.say('tom', '/kam target'))).toContain('Workspace default targets');
    await t.say('wang', '/kam team role @wang admin');
  });

  it('refuses bad values, unknown metrics and wrong roles, writing nothing', async () => {
    const before = await count();
    const cases: Array<[string, string, RegExp]> = [
      ['wang', '/kam target @tom csat=6', /csat/],
      ['wang', '/kam target @tom touches=-3', /-3/],
      ['wang', '/kam target @tom touches=4.5', /4\.5/],
      ['wang', '/kam target @tom growth=5000%', /5000%/],
      ['wang', '/kam target @tom coverage=120%', /120%/],
      ['wang', '/kam target @tom happiness=10', /happiness/],
      ['wang', '/kam target @tom touches=10 csat=9', /csat/],
      ['wang', '/kam target @tom touches=10 period=year', /year/],
      ['wang', '/kam target @tom', /Targets · Tom Baker|目标 · Tom Baker/],
      ['mei', '/kam target @tom touches=10', /只有|Only/],
      ['mei', '/kam target default touches=10', /只有|Only/],
      ['tom', '/kam target @tom touches=1', /Only|manager/],
    ];
    for (const [user, text, expected] of cases) expect(t.text(await t.say(user, text)), text).toMatch(expected);
    expect(await count()).toBe(before);
  });

  it('clearing removes a member\'s targets so the defaults apply again', async () => {
    expect(t.text(await t.say('wang', '/kam target @tom clear'))).toContain('@Tom Baker');
    expect(t.text(await t.say('tom', '/kam kpi'))).toContain('Touches: 0 · no target');
  });
});
