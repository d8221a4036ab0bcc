import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe.each(DATABASE_KINDS)('team, whoami and settings (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  it('whoami shows role, manager and time zone in the member language', async () => {
    const mei = t.text(await t.say('mei', '/kam whoami'));
    expect(mei).toContain('你是 Mei Chen');
    expect(mei).toContain('经理: @Wang Li');
    const tom = t.text(await t.say('tom', 'whoami'));
    expect(tom).toContain('You are Tom Baker');
    expect(tom).toContain('Europe/London');
  });

  it('settings changes the language and answers in the new one', async () => {
    expect(t.text(await t.say('tom', '/kam settings language zh-CN'))).toContain('简体中文');
    expect(t.text(await t.say('tom', '/kam 我是谁'))).toContain('你是 Tom Baker');
    expect(t.text(await t.say('tom', '/kam 设置 语言 en'))).toContain('English');
  });

  it('settings rejects an unknown time zone with usage and changes nothing', async () => {
    const reply = t.text(await t.say('tom', '/kam settings timezone Mars/Olympus'));
    expect(reply).toContain('Mars/Olympus');
    expect(reply).toContain('Usage: /kam settings');
    expect(t.text(await t.say('tom', '/kam whoami'))).toContain('Europe/London');
  });

  it('a manager adds a newcomer, who is welcomed by DM', async () => {
    await t.say('lily', 'hello');
    const added = t.text(await t.say('wang', '/kam 团队 添加 @lily'));
    expect(added).toContain('@lily');
    await t.deliver();
    const inbox = await t.inbox('lily');
    expect(inbox.some((line) => line.includes('Welcome aboard') || line.includes('欢迎加入'))).toBe(true);
    expect(t.text(await t.say('wang', '/kam team'))).toContain('@lily');
  });

  it('assistants cannot manage the team, and are told why', async () => {
    const reply = t.text(await t.say('mei', '/kam team add @tom'));
    expect(reply).toMatch(/只有|Only/);
  });

  it('unknown commands suggest the closest one', async () => {
    const reply = t.text(await t.say('tom', '/kam whoam'));
    expect(reply).toContain('whoam');
    expect(reply).toContain('/kam whoami');
  });
});
