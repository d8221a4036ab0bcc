import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

// Button values and form state come back from the client and can be anything. Out-of-range
// ids and impossible dates must be refused like a stale button, never reach SQL and fail there.
const HUGE = '99999999999';

describe.each(DATABASE_KINDS)('hostile button values and form state (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  const expectRefusedCalmly = (reply: string) => {
    expect(reply).not.toContain('something went wrong');
    expect(reply).not.toContain('出了点问题');
    expect(reply.length).toBeGreaterThan(0);
  };

  it('training buttons with an out-of-range id say the button expired', async () => {
    expectRefusedCalmly(t.text(await t.click('tom', 'training.done', HUGE)));
    expectRefusedCalmly(t.text(await t.click('tom', 'training.rsvp', `${HUGE}:yes`)));
    expectRefusedCalmly(t.text(await t.click('tom', 'training.done', '1e3')));
  });

  it('a greeting button with an out-of-range account or an impossible date logs nothing', async () => {
    expectRefusedCalmly(t.text(await t.click('tom', 'greeting.log', `${HUGE}|spring_festival|2027-02-06`)));
    expectRefusedCalmly(t.text(await t.click('tom', 'greeting.log', '1|spring_festival|2027-13-45')));
    expectRefusedCalmly(t.text(await t.click('tom', 'greeting.log', '1|spring_festival|0000-01-01')));
    expect(t.text(await t.say('tom', '/kam touch list'))).not.toMatch(/greeting|问候/i);
  });

  it('feedback account buttons and forms with an out-of-range id are refused', async () => {
    expectRefusedCalmly(t.text(await t.click('tom', 'feedback.account', HUGE)));
    expectRefusedCalmly(t.text(await t.click('tom', 'feedback.account', '1e10')));
    const form = await t.submit('tom', 'feedback.submit', { account: HUGE, score: '4', category: 'service', complaint: 'no', text: 'fine' });
    expect(form.formErrors?.account).toBeTruthy();
  });

  it('other id-carrying buttons refuse out-of-range ids without an error reference', async () => {
    for (const [action, value] of [
      ['touch.done', HUGE], ['touch.another', HUGE], ['visit.open', HUGE], ['meeting.done', HUGE], ['meeting.answer', HUGE],
      ['review.rate', HUGE], ['review.share', HUGE], ['review.ack', HUGE], ['feedback.ack', HUGE], ['feedback.resolve', HUGE],
    ] as const) {
      const reply = t.text(await t.click('wang', action, value));
      expect(reply, action).not.toContain('something went wrong');
      expect(reply, action).not.toContain('出了点问题');
    }
  });
});

describe.each(DATABASE_KINDS)('hostile amounts (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  it('a sale too large for the ledger is refused with the usage, and nothing is recorded', async () => {
    const reply = t.text(await t.say('wang', '/kam settings language en') && await t.say('wang', '/kam sale "Acme Corp" 999999999999999万'));
    expect(reply).not.toContain('something went wrong');
    expect(reply).toContain('/kam sale');
    expect(t.text(await t.say('wang', '/kam sale "Acme Corp" 1200'))).not.toContain('⚠️');
  });

  it('bonus rules and targets with absurd amounts are refused calmly', async () => {
    for (const text of ['/kam bonus rules base=999999999999999万', '/kam target @tom sales=999999999999999万']) {
      const reply = t.text(await t.say('wang', text));
      expect(reply, text).not.toContain('something went wrong');
      expect(reply, text).toContain('⚠️');
    }
  });
});

describe.each(DATABASE_KINDS)('year zero and other impossible periods (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); await t.say('wang', '/kam settings language en'); });
  afterAll(async () => { await t?.close(); });

  it('year-0 periods, months and dates are refused with the usage instead of failing in SQL', async () => {
    for (const [who, text, usage] of [
      ['tom', '/kam kpi 0000-01', '/kam kpi'], ['wang', '/kam review start 0000-Q1', '/kam review'],
      ['wang', '/kam sale "Acme Corp" 100 0000-01', '/kam sale'], ['tom', '/kam leave 0000-01-01 2026-12-01', '/kam leave'],
    ] as const) {
      const reply = t.text(await t.say(who, text));
      expect(reply, text).not.toContain('something went wrong');
      expect(reply, text).toContain(usage);
    }
    expect(t.text(await t.say('wang', '/kam review'))).not.toContain('0000');
  });
});
