import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe.each(DATABASE_KINDS)('duties (%s)', (kind) => {
  let t: TestApp;
  // Monday 2026-11-30 10:00 in Shanghai.
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  it('shows an empty card with the assigned accounts and their cadence due this week', async () => {
    const card = t.text(await t.say('mei', '/kam 职责'));
    expect(card).toContain('职责 · Mei Chen');
    expect(card).toContain('还没有职责');
    expect(card).toContain('华东制造（A）· 每 7 天跟进 · 从未跟进');
    expect(card).toContain('本周待办（2026-W49）');
    expect(card).toContain('2026-11-30 前跟进 Globex');
  });

  it('a manager adds a duty linked to an account; the assistant sees it in their card', async () => {
    const added = t.text(await t.say('wang', '/kam duties add @tom client "Monthly review with Acme" cadence=monthly account="Acme Corp"'));
    expect(added).toMatch(/#(\d+)/);
    const card = t.text(await t.say('tom', '/kam duties'));
    expect(card).toContain('Client relations');
    expect(card).toContain('Monthly review with Acme (monthly · Acme Corp)');
    // Nov 30 is the month end and falls in this week.
    expect(card).toContain('Monthly review with Acme · by 2026-11-30 (month end)');
  });

  it('refuses bad input with usage and writes nothing', async () => {
    const badArea = t.text(await t.say('wang', '/kam duties add @tom sleeping "Nap"'));
    expect(badArea).toContain('sleeping');
    expect(badArea).toMatch(/Usage|用法/);
    const badCadence = t.text(await t.say('wang', '/kam duties add @tom data "Weekly numbers" cadence=hourly'));
    expect(badCadence).toContain('hourly');
    const noDesc = t.text(await t.say('wang', '/kam duties add @tom data'));
    expect(noDesc).toContain('描述');
    const unknownAccount = t.text(await t.say('wang', '/kam duties add @tom data "x" account=Nope'));
    expect(unknownAccount).toContain('Nope');
    const card = t.text(await t.say('tom', '/kam duties'));
    expect(card).not.toContain('Weekly numbers');
    expect(card).not.toContain('Nap');
  });

  it('assistants cannot add or remove duties, nor see another assistant\'s card', async () => {
    expect(t.text(await t.say('mei', '/kam duties add @tom data "x"'))).toMatch(/只有|Only/);
    expect(t.text(await t.say('mei', '/kam duties @tom'))).toContain('不在你的团队');
    const card = t.text(await t.say('tom', '/kam duties'));
    const id = card.match(/#(\d+) Monthly review/)![1];
    expect(t.text(await t.say('mei', `/kam duties remove ${id}`))).toMatch(/只有|Only/);
    expect(t.text(await t.say('wang', `/kam duties remove ${id}`))).toContain(`#${id}`);
    expect(t.text(await t.say('tom', '/kam duties'))).not.toContain('Monthly review');
    expect(t.text(await t.say('wang', '/kam duties remove 99999'))).toContain('#99999');
  });

  it('a new assistant gets the workspace default duties when joining a team, once', async () => {
    expect(t.text(await t.say('wang', '/kam 职责 默认'))).toContain('当天记录每一次客户跟进');
    const added = t.text(await t.say('wang', '/kam duties defaults add data "每周整理销售数据" cadence=weekly'));
    expect(added).toContain('每周整理销售数据');
    expect(t.text(await t.say('mei', '/kam duties defaults add data "x"'))).toMatch(/只有|Only/);
    await t.say('lily', 'hello');
    await t.say('wang', '/kam team add @lily');
    const card = t.text(await t.say('lily', '/kam duties'));
    expect(card).toContain('每周整理销售数据');
    expect(card).toContain('当天记录每一次客户跟进');
    const count = (card.match(/#\d+ /g) ?? []).length;
    expect(count).toBe(6);
    await t.say('wang', '/kam team remove @lily');
    await t.say('wang', '/kam team add @lily');
    expect((t.text(await t.say('lily', '/kam duties')).match(/#\d+ /g) ?? []).length).toBe(6);
    const defaults = t.text(await t.say('wang', '/kam duties defaults'));
    const id = defaults.match(/#(\d+) 每周整理销售数据/)![1];
    expect(t.text(await t.say('wang', `/kam duties defaults remove ${id}`))).toContain(`#${id}`);
    expect(t.text(await t.say('wang', '/kam duties defaults'))).not.toContain('每周整理销售数据');
    expect(t.text(await t.say('wang', '/kam duties defaults remove 99999'))).toContain('#99999');
  });
});
