import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../db/schema/accounts.ts';
import { members } from '../../db/schema/members.ts';
import { sales } from '../../db/schema/sales.ts';
import { touches } from '../../db/schema/touches.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { importSalesCsv, parseCsv } from '../../src/capabilities/kpi/import.ts';
import { formatMoney, parseAmount } from '../../src/capabilities/kpi/money.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('exact money parsing', () => {
  it('parses amounts into minor units without floating point', () => {
    expect(parseAmount('12,345.67', 'CNY')).toBe(1_234_567n);
    expect(parseAmount('0.1', 'CNY')).toBe(10n);
    expect(parseAmount('12.5万', 'CNY')).toBe(12_500_000n);
    expect(parseAmount('2k', 'USD')).toBe(200_000n);
    expect(parseAmount('1.234', 'CNY')).toBeNull();
    expect(parseAmount('-5', 'CNY')).toBeNull();
    expect(parseAmount('100', 'JPY')).toBe(100n);
    expect(parseAmount('100.5', 'JPY')).toBeNull();
    expect(formatMoney(1_234_567n, 'CNY')).toBe('¥12,345.67');
    expect(formatMoney(5n, 'CHF')).toBe('0.05 CHF');
  });

  it('parses quoted CSV fields with commas and line numbers', () => {
    expect(parseCsv('a,b\r\n"x, y","1,000.50"\n\n"q""z",2')).toEqual([
      { line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['x, y', '1,000.50'] }, { line: 4, fields: ['q"z', '2'] },
    ]);
  });
});

describe.each(DATABASE_KINDS)('sales (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); await t.say('wang', 'hi'); });
  afterAll(async () => { await t?.close(); });
  const allSales = () => t.database.db.select().from(sales);

  it('an assistant records a month of sales exactly, credited to the account\'s assistant', async () => {
    const reply = t.text(await t.say('mei', '/kam 销售 华东制造 12.5万'));
    expect(reply).toContain('¥125,000.00');
    expect(reply).toContain('2026-11');
    expect(reply).toContain('@Mei Chen');
    const again = t.text(await t.say('mei', '/kam sale 华东制造 1,000.05 2026-11'));
    expect(again).toContain('¥1,000.05');
    expect(again).toContain('¥125,000.00');
    const rows = await allSales();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.amountMinor).toBe(100_005n);
    expect(rows[0]!.month).toBe('2026-11-01');
  });

  it('a manager records for a team account in another currency and month', async () => {
    const reply = t.text(await t.say('wang', '/kam sale "Acme Corp" 8,500.50 USD 2026-10'));
    expect(reply).toContain('$8,500.50');
    expect(reply).toContain('@Tom Baker');
  });

  it('refuses bad input with usage, and writes nothing', async () => {
    const before = (await allSales()).length;
    expect(t.text(await t.say('mei', '/kam sale 华东制造 -5'))).toContain('-5');
    expect(t.text(await t.say('mei', '/kam sale 华东制造 12.345'))).toContain('12.345');
    expect(t.text(await t.say('mei', '/kam sale 华东制造 100 2027-01'))).toContain('2027-01');
    expect(t.text(await t.say('mei', '/kam sale 华东制造 100 2026-13'))).toContain('2026-13');
    expect(t.text(await t.say('mei', '/kam sale 华东制造 100 DOLLARS'))).toContain('DOLLARS');
    expect(t.text(await t.say('mei', '/kam sale 华东制造'))).toContain('金额');
    expect(t.text(await t.say('mei', '/kam sale Acme Corp 100'))).toMatch(/Acme/);
    expect(t.text(await t.say('mei', '/kam sale "Acme Corp" 100'))).toContain('不是你负责的客户');
    expect(t.text(await t.say('mei', '/kam sale 华东致造 100'))).toContain('华东制造');
    expect(await allSales()).toHaveLength(before);
  });

  it('imports a CSV with a validation report; invalid files write nothing; re-running changes nothing', async () => {
    const [ws] = await t.database.db.select().from(workspaces).where(eq(workspaces.externalId, 'local'));
    const scope = { db: t.database.db, workspaceId: ws!.id, now: t.clock.now() };
    const bad = await importSalesCsv(scope, 'account,month,amount,currency\nGlobex,2026-09,"1,200.00",CNY\nNope,2026-09,5,CNY\nGlobex,2026-9x,5,CNY\nGlobex,2026-09,7,CNY\nGlobex,2026-08,1.234,CNY\n');
    expect(bad.written).toBe(false);
    expect(bad.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(bad.errors[0]!.message).toContain('unknown account "Nope"');
    expect(bad.errors[2]!.message).toContain('already appears on line 2');
    const before = (await allSales()).length;
    expect(await allSales()).toHaveLength(before);
    const csv = 'Account,Month,Amount\nGlobex,2026-09,"1,200.00"\nglobex,2026-10,300\n华东制造,2026-10,99.99\n';
    const first = await importSalesCsv(scope, csv);
    expect(first).toMatchObject({ rows: 3, valid: 3, inserted: 3, updated: 0, unchanged: 0, written: true });
    const second = await importSalesCsv(scope, csv);
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    const corrected = await importSalesCsv(scope, 'account,month,amount\nGlobex,2026-10,350\n');
    expect(corrected).toMatchObject({ inserted: 0, updated: 1 });
    const rows = await allSales();
    expect(rows).toHaveLength(before + 3);
    const globexOct = rows.find((r) => r.month === '2026-10-01' && r.amountMinor === 35_000n);
    expect(globexOct?.source).toBe('import');
    const [globex] = await t.database.db.select().from(accounts).where(eq(accounts.name, 'Globex'));
    expect(globexOct!.memberId).toBe(globex!.assistantId);
    expect((await importSalesCsv(scope, 'name,amount\nx,1\n')).errors[0]!.message).toContain('missing column');
  });

  it('credits a past month to the assistant who worked the account then, not today\'s assistant', async () => {
    const [ws] = await t.database.db.select().from(workspaces).where(eq(workspaces.externalId, 'local'));
    const people = await t.database.db.select().from(members).where(eq(members.workspaceId, ws!.id));
    const tom = people.find((p) => p.externalId === 'tom')!;
    const mei = people.find((p) => p.externalId === 'mei')!;
    const [globex] = await t.database.db.select().from(accounts).where(eq(accounts.name, 'Globex'));
    // Tom looked after Globex in July before Mei took it over.
    await t.database.db.insert(touches).values([
      { workspaceId: ws!.id, accountId: globex!.id, memberId: tom.id, kind: 'call', occurredAt: new Date('2026-07-03T02:00:00Z') },
      { workspaceId: ws!.id, accountId: globex!.id, memberId: tom.id, kind: 'visit', occurredAt: new Date('2026-07-20T02:00:00Z') },
      { workspaceId: ws!.id, accountId: globex!.id, memberId: mei.id, kind: 'call', occurredAt: new Date('2026-07-30T02:00:00Z') },
    ]);
    const scope = { db: t.database.db, workspaceId: ws!.id, now: t.clock.now() };
    await importSalesCsv(scope, 'account,month,amount\nGlobex,2026-07,500\nGlobex,2026-06,400\n');
    const rows = await t.database.db.select().from(sales).where(eq(sales.accountId, globex!.id));
    expect(rows.find((r) => r.month === '2026-07-01')!.memberId).toBe(tom.id);
    expect(rows.find((r) => r.month === '2026-06-01')!.memberId).toBe(mei.id);
    expect(t.text(await t.say('wang', '/kam sale Globex 600 2026-07'))).toContain('@Tom Baker');
    expect(t.text(await t.say('wang', '/kam sale Globex 700 2026-05'))).toContain('@Mei Chen');
  });

  it('the KPI card shows sales growth vs the previous month', async () => {
    const kpi = t.text(await t.say('mei', '/kam kpi month'));
    // November ¥1,000.05 (chat) vs October ¥99.99 (华东制造) + ¥350 (Globex) = ¥449.99 → +122.23 %
    expect(kpi).toContain('销售额: ¥1,000.05');
    expect(kpi).toContain('销售增长: +122.23%');
  });
});
