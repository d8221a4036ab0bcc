import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DATABASE_KINDS } from '../support/db.ts';

describe.each(DATABASE_KINDS)('meeting notes and action items (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.say('zed', 'hello'); // someone outside wang's team
    await t.say('tom', '/kam settings language en');
  });
  afterAll(async () => { await t?.close(); });

  it('records notes with action items, tells the owners, and lists them', async () => {
    const reply = t.text(await t.say('wang', '/kam meeting notes "Q4 plan agreed" action="@mei: send the Globex quote (due 2026-12-05)" action="@tom: book the Acme QBR"'));
    expect(reply).toContain('会议纪要已保存');
    expect(reply).toContain('send the Globex quote');
    expect(reply).toContain('2026-12-05');
    expect(reply).toContain('book the Acme QBR');
    await t.deliver();
    expect((await t.inbox('tom')).some((e) => e.includes('New action item') && e.includes('book the Acme QBR'))).toBe(true);
    const mine = t.text(await t.say('tom', '/kam meeting actions'));
    expect(mine).toContain('book the Acme QBR');
    expect(mine).not.toContain('Globex');
    const team = t.text(await t.say('wang', '/kam 周会 行动项'));
    expect(team).toContain('send the Globex quote');
    expect(team).toContain('book the Acme QBR');
  });

  it('refuses bad action items with the usage and records nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/kam meeting notes', /纪要内容|action=/],
      ['/kam meeting notes "x" action="no owner here"', /不是有效的行动项/],
      ['/kam meeting notes "x" action="@nobody: task"', /nobody/],
      ['/kam meeting notes "x" action="@zed: task"', /不在你的团队/],
      ['/kam meeting notes "x" action="@mei: task (due 2026-13-45)"', /2026-13-45/],
      ['/kam meeting notes "x" action="@mei: task (due 2026-01-02)"', /已经过去/],
      ['/kam meeting notes "x" action="@mei:  (due 2026-12-30)"', /不是有效的行动项/],
    ];
    for (const [text, expected] of cases) {
      const reply = t.text(await t.say('wang', text));
      expect(reply).toMatch(expected);
      expect(reply).toContain('/kam 周会');
    }
    const all = t.text(await t.say('wang', '/kam meeting actions all'));
    expect(all).not.toContain('task');
  });

  it('marks items done by owner or manager only, once', async () => {
    const list = t.text(await t.say('tom', '/kam meeting actions'));
    const id = list.match(/#(\d+) @Tom Baker/)![1];
    expect(t.text(await t.say('mei', `/kam meeting done ${id}`))).toContain('没有你可以关闭的行动项');
    expect(t.text(await t.say('tom', `/kam meeting done ${id}`))).toContain('Done: #');
    expect(t.text(await t.say('tom', `/kam meeting done ${id}`))).toContain('already done');
    expect(t.text(await t.say('tom', '/kam meeting done abc'))).toContain('not an action item number');
    expect(t.text(await t.say('tom', '/kam meeting done 99999'))).toContain('no action item #99999');
    await t.deliver();
    expect((await t.inbox('wang')).some((e) => e.includes('book the Acme QBR') && e.includes('完成了行动项'))).toBe(true);
    const open = t.text(await t.say('wang', '/kam meeting actions'));
    expect(open).not.toContain('book the Acme QBR');
    expect(t.text(await t.say('wang', '/kam meeting actions all'))).toContain('book the Acme QBR');
    expect(t.text(await t.say('wang', '/kam meeting actions later'))).toContain('open, all');
  });

  it('keeps assistants out of the agenda and notes, and away from other prompts', async () => {
    expect(t.text(await t.say('tom', '/kam meeting agenda'))).toMatch(/Only/);
    expect(t.text(await t.say('tom', '/kam meeting notes "x"'))).toMatch(/Only/);
    expect(t.text(await t.say('tom', '/kam meeting answer'))).toContain('no weekly meeting prompt');
    expect(t.text(await t.say('tom', '/kam meeting fly'))).toContain('"fly"');
    // Plain DM text with no prompt open is not captured as an answer.
    expect(t.text(await t.say('tom', 'progress was fine'))).not.toContain('Got it');
  });

  it('shows the agenda on demand to the manager', async () => {
    const agenda = t.text(await t.say('wang', '/kam meeting agenda'));
    expect(agenda).toContain('周会议程');
    expect(agenda).toContain('@Mei Chen');
    expect(agenda).toContain('send the Globex quote');
    expect(agenda).toContain('近 7 天关键数据');
  });
});
