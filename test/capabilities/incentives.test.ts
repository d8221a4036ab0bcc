import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bonusRules } from '../../db/schema/incentives.ts';
import { computeBonus, parseRules } from '../../src/capabilities/incentives/service.ts';
import type { KpiSnapshot } from '../../src/capabilities/kpi/service.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

function snapshot(lines: Array<[string, number | null, number | null]>): KpiSnapshot {
  return { lines: lines.map(([metric, actual, target]) => ({ metric, actual, target, expected: null, previous: null, trend: null, achievementPct: null })) } as unknown as KpiSnapshot;
}
const rules = { baseMinor: 500_000n, weightsBp: { touches: 3000, csat: 4000, growth: 3000 }, minPct: 60, capPct: 150 };

describe('bonus computation', () => {
  it('pays base × weight × achievement per KPI', () => {
    const b = computeBonus(rules, snapshot([['touches', 40, 40], ['csat', 4.5, 4.5], ['growth', 10, 10]]));
    expect(b.totalMinor).toBe(500_000n);
    expect(b.lines.map((l) => l.payoutMinor)).toEqual(['150000', '200000', '150000']);
  });

  it('pays nothing for a KPI below the minimum, but keeps the others', () => {
    const b = computeBonus(rules, snapshot([['touches', 23, 40], ['csat', 4.5, 4.5], ['growth', -5, 10]]));
    expect(b.lines[0]!.achievementBp).toBe(5750);
    expect(b.lines[0]!.payoutMinor).toBe('0');
    expect(b.lines[2]!.achievementBp).toBe(0);
    expect(b.totalMinor).toBe(200_000n);
  });

  it('pays exactly at the minimum', () => {
    const b = computeBonus(rules, snapshot([['touches', 24, 40], ['csat', null, 4.5], ['growth', 0, 10]]));
    expect(b.lines[0]!.achievementBp).toBe(6000);
    expect(b.lines[0]!.payoutMinor).toBe('90000');
    expect(b.totalMinor).toBe(90_000n);
  });

  it('caps the total at cap × base', () => {
    const b = computeBonus(rules, snapshot([['touches', 120, 40], ['csat', 5, 4.5], ['growth', 30, 10]]));
    expect(b.uncappedMinor).toBe(450_000n + 222_220n + 450_000n);
    expect(b.totalMinor).toBe(750_000n);
    expect(b.capped).toBe(true);
  });

  it('a KPI without a target pays nothing', () => {
    const b = computeBonus(rules, snapshot([['touches', 40, null], ['csat', 4.5, 4.5], ['growth', 10, 0]]));
    expect(b.lines[0]!.achievementBp).toBeNull();
    expect(b.lines[2]!.achievementBp).toBeNull();
    expect(b.totalMinor).toBe(200_000n);
  });

  it('validates rules with clear errors', () => {
    const bad = (pairs: Array<[string, string]>) => { try { parseRules(pairs); return ''; } catch (e) { return (e as Error).message; } };
    expect(bad([['base', '5000'], ['weight.touches', '0.3'], ['weight.csat', '0.4']])).toBe('incentives.weightsSum');
    expect(bad([['weight.touches', '1']])).toBe('incentives.baseRequired');
    expect(bad([['base', '-1'], ['weight.touches', '1']])).toBe('incentives.badBase');
    expect(bad([['base', '5000'], ['weight.mood', '1']])).toBe('incentives.badMetric');
    expect(bad([['base', '5000'], ['weight.touches', '1.5']])).toBe('incentives.badWeight');
    expect(bad([['base', '5000'], ['weight.touches', '1'], ['cap', '90%']])).toBe('incentives.badCap');
    expect(bad([['base', '5000'], ['weight.touches', '1'], ['min', '130%']])).toBe('incentives.badMin');
    expect(bad([['base', '5000'], ['weight.touches', '1'], ['bonus', '1']])).toBe('incentives.unknownRule');
    expect(bad([['base', '5000'], ['weight.touches', '1']])).toBe('');
    expect(parseRules([['base', '5000.50'], ['currency', 'usd'], ['weight.touches', '30%'], ['weight.csat', '70%'], ['min', '60%'], ['cap', '150%']]))
      .toEqual({ baseMinor: 500_050n, currency: 'USD', weightsBp: { touches: 3000, csat: 7000 }, minPct: 60, capPct: 150 });
  });
});

describe.each(DATABASE_KINDS)('bonus command (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); await t.say('wang', 'hi'); });
  afterAll(async () => { await t?.close(); });

  it('only admins set rules; bad rules are explained and nothing is stored', async () => {
    expect(t.text(await t.say('tom', '/kam bonus rules'))).toContain('No bonus rules yet');
    expect(t.text(await t.say('tom', '/kam bonus rules base=5000 weight.touches=1'))).toMatch(/Only/);
    const reply = t.text(await t.say('wang', '/kam bonus rules base=5000 weight.touches=0.3 weight.csat=0.4'));
    expect(reply).toContain('70%');
    expect(reply).toContain('用法');
    expect(await t.database.db.select().from(bonusRules)).toHaveLength(0);
  });

  it('stores valid rules and shows them, with the never-paid note', async () => {
    const reply = t.text(await t.say('wang', '/kam 奖金 规则 base=5000 currency=CNY weight.touches=0.3 weight.csat=0.4 weight.growth=0.3 min=60% cap=150%'));
    expect(reply).toContain('¥5,000.00');
    expect(reply).toContain('不会自动发放');
    const shown = t.text(await t.say('tom', '/kam bonus rules'));
    expect(shown).toContain('Touches 30%');
    expect(shown).toContain('capped at 150%');
  });

  it('approving without a proposal explains where proposals come from', async () => {
    expect(t.text(await t.say('wang', '/kam bonus approve @tom'))).toContain('评估');
    expect(t.text(await t.say('wang', '/kam bonus approve'))).toContain('评估编号');
    expect(t.text(await t.say('wang', '/kam bonus'))).toContain('还没有奖金建议');
  });
});
