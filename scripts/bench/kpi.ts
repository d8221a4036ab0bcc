/**
 * KPI benchmark: a manager with 50 assistants and a year of data (≈200k touches at --scale=1)
 * in a fresh PostgreSQL database. Times our team KPI path (teamOf + computeKpis for a month,
 * exactly what `/kam kpi team` runs) against ONE hand-written SQL aggregate that computes the
 * same figures over the same data in the same run, and prints the ratio (aim ≤ 1.5×).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { openDatabase, queryRows, sql, type Database } from '../../db/client.ts';
import { accounts } from '../../db/schema/accounts.ts';
import { members } from '../../db/schema/members.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { computeKpis } from '../../src/capabilities/kpi/service.ts';
import { teamService } from '../../src/capabilities/team/service.ts';
import type { BenchOptions } from './index.ts';

const ASSISTANTS = 50;
const ACCOUNTS_PER_ASSISTANT = 10;
const TOUCHES = 200_000;
const FEEDBACK = 12_000;
const TIMEZONES = ['Asia/Shanghai', 'America/New_York', 'Asia/Kolkata', 'Europe/London', 'Asia/Tokyo'];
const AT = new Date('2026-11-20T06:00:00Z');
const YEAR_START = '2025-11-20T00:00:00Z';

function intArray(values: number[]): string { return `{${values.join(',')}}`; }

async function seed(database: Database, scale: number) {
  const db = database.db;
  const [ws] = await db.insert(workspaces).values({ platform: 'console', externalId: 'bench', name: 'Bench' }).returning();
  const wsId = ws!.id;
  const [manager] = await db.insert(members).values({ workspaceId: wsId, externalId: 'manager', displayName: 'Manager', role: 'manager', timezone: 'Asia/Shanghai', createdAt: AT }).returning();
  const team = await db.insert(members).values(Array.from({ length: ASSISTANTS }, (_, i) => ({
    workspaceId: wsId, externalId: `a${i}`, displayName: `Assistant ${i}`, role: 'assistant' as const, managerId: manager!.id,
    timezone: TIMEZONES[i % TIMEZONES.length]!, createdAt: AT,
  }))).returning();
  const accountRows = await db.insert(accounts).values(team.flatMap((m, i) => Array.from({ length: ACCOUNTS_PER_ASSISTANT }, (_, j) => ({
    workspaceId: wsId, name: `Account ${i}-${j}`, tier: (['A', 'B', 'C'] as const)[j % 3]!, managerId: manager!.id, assistantId: m.id,
    cadenceDays: [7, 14, 30][j % 3]!, createdAt: AT,
  })))).returning({ id: accounts.id, assistantId: accounts.assistantId });
  const accountIds = intArray(accountRows.map((a) => a.id));
  const assistantIds = intArray(accountRows.map((a) => a.assistantId!));
  const n = accountRows.length;
  const touchCount = Math.round(TOUCHES * scale);
  const feedbackCount = Math.round(FEEDBACK * scale);
  // Deterministic pseudo-random spread (Knuth multiplicative hash), so every run has the same data.
  await queryRows(db, sql`
    insert into touches (workspace_id, account_id, member_id, kind, occurred_at, summary)
    select ${wsId}, (${accountIds}::int[])[1 + g % ${n}], (${assistantIds}::int[])[1 + g % ${n}],
      case when (g * 7919) % 100 < 15 then 'visit' else 'call' end,
      ${YEAR_START}::timestamptz + (((g::bigint * 2654435761) % 31536000) || ' seconds')::interval, ''
    from generate_series(1, ${touchCount}) g`);
  await queryRows(db, sql`
    insert into feedback (workspace_id, account_id, member_id, score, text, is_complaint, status, received_at, resolved_at)
    select ${wsId}, (${accountIds}::int[])[1 + g % ${n}], (${assistantIds}::int[])[1 + g % ${n}],
      case when g % 10 = 0 then null else 1 + (g * 31) % 5 end, 'bench',
      g % 10 = 0, case when g % 10 = 0 then 'resolved' end,
      ${YEAR_START}::timestamptz + (((g::bigint * 2654435761) % 31536000) || ' seconds')::interval,
      case when g % 10 = 0 then ${YEAR_START}::timestamptz + (((g::bigint * 2654435761) % 31536000) || ' seconds')::interval + ((g % 97) || ' hours')::interval end
    from generate_series(1, ${feedbackCount}) g`);
  await queryRows(db, sql`
    insert into sales (workspace_id, account_id, member_id, month, amount_minor, currency, recorded_at)
    select ${wsId}, a.id, a.assistant_id, m::date, 100000 + (a.id * 7919 + extract(month from m)::int * 104729) % 900000, 'CNY', ${AT.toISOString()}::timestamptz
    from accounts a cross join generate_series('2025-01-01'::date, '2026-11-01'::date, interval '1 month') m
    where a.workspace_id = ${wsId}`);
  await queryRows(db, sql`
    insert into progress_reports (workspace_id, member_id, period_kind, period_key, done, submitted_at)
    select ${wsId}, m.id, 'week', to_char(w, 'IYYY-"W"IW'), 'bench', w + interval '4 days' + ((m.id % 5) || ' days')::interval
    from members m cross join generate_series('2025-11-24'::timestamptz, '2026-11-16'::timestamptz, interval '7 days') w
    where m.workspace_id = ${wsId} and m.role = 'assistant'`);
  await queryRows(db, sql`analyze`);
  return { wsId, managerId: manager!.id, touchCount, feedbackCount };
}

/** One hand-written statement computing the same team table (month, each member's zone). */
function handWritten(wsId: number, managerId: number) {
  const at = AT.toISOString();
  return sql`
    with m as (
      select id, timezone as tz,
        date_trunc('month', ${at}::timestamptz at time zone timezone) as ls
      from members where workspace_id = ${wsId} and manager_id = ${managerId} and active
    ), p as (
      select id, tz, (ls at time zone tz) as s, ((ls + interval '1 month') at time zone tz) as e,
        ((ls - interval '1 month') at time zone tz) as ps, ls::date as ms,
        least(${at}::timestamptz, (ls + interval '1 month') at time zone tz) as as_of
      from m
    ), t as (
      select p.id, count(*) filter (where t.occurred_at >= p.s) as touches,
        count(*) filter (where t.occurred_at >= p.s and t.kind = 'visit') as visits,
        count(*) filter (where t.occurred_at < p.s) as prev_touches
      from p join touches t on t.workspace_id = ${wsId} and t.member_id = p.id and t.occurred_at >= p.ps and t.occurred_at < p.e
      group by p.id
    ), f as (
      select p.id, avg(f.score) filter (where f.received_at >= p.s) as csat, count(f.score) filter (where f.received_at >= p.s) as csat_n
      from p join feedback f on f.workspace_id = ${wsId} and f.member_id = p.id and f.received_at >= p.ps and f.received_at < p.e and f.score is not null
      group by p.id
    ), c as (
      select p.id, percentile_cont(0.5) within group (order by extract(epoch from f.resolved_at - f.received_at) / 3600) as median_h
      from p join feedback f on f.workspace_id = ${wsId} and f.member_id = p.id and f.is_complaint and f.resolved_at >= p.s and f.resolved_at < p.e
      group by p.id
    ), sa as (
      select p.id, sum(s.amount_minor) filter (where s.month = p.ms) as cur,
        sum(s.amount_minor) filter (where s.month = (p.ms - interval '1 month')::date) as prev,
        sum(s.amount_minor) filter (where s.month = (p.ms - interval '1 year')::date) as ly
      from p join sales s on s.workspace_id = ${wsId} and s.member_id = p.id and s.currency = 'CNY'
        and (s.month = p.ms or s.month = (p.ms - interval '1 month')::date or s.month = (p.ms - interval '1 year')::date)
      group by p.id
    ), r as (
      select p.id, count(distinct r.period_key) as on_time
      from p join progress_reports r on r.workspace_id = ${wsId} and r.member_id = p.id and r.period_kind = 'week'
        and ((to_date(r.period_key, 'IYYY-"W"IW') + 7)::timestamp at time zone p.tz) > p.s
        and ((to_date(r.period_key, 'IYYY-"W"IW') + 7)::timestamp at time zone p.tz) <= p.as_of
        and r.submitted_at <= ((to_date(r.period_key, 'IYYY-"W"IW') + 7)::timestamp at time zone p.tz)
      group by p.id
    ), cov as (
      select p.id, count(*) as assigned, count(*) filter (where lt.last_at >= p.as_of - make_interval(days => a.cadence_days)) as covered
      from p join accounts a on a.workspace_id = ${wsId} and a.assistant_id = p.id and a.archived_at is null
      left join lateral (select max(t.occurred_at) as last_at from touches t where t.workspace_id = ${wsId} and t.account_id = a.id and t.occurred_at < p.as_of) lt on true
      group by p.id
    )
    select p.id, t.touches, t.visits, t.prev_touches, f.csat, f.csat_n, c.median_h, sa.cur, sa.prev, sa.ly, r.on_time, cov.assigned, cov.covered
    from p left join t on t.id = p.id left join f on f.id = p.id left join c on c.id = p.id
      left join sa on sa.id = p.id left join r on r.id = p.id left join cov on cov.id = p.id`;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs the benchmark; prints and returns the numbers. */
export async function run(options: BenchOptions): Promise<{ oursMs: number; txMs: number; handMs: number; ratio: number }> {
  const iterations = Number(options.args.iterations ?? 15);
  const name = `kam_bench_kpi_${randomBytes(3).toString('hex')}`;
  const admin = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(options.databaseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 4 });
  try {
    await database.migrate();
    const t0 = performance.now();
    const { wsId, managerId, touchCount, feedbackCount } = await seed(database, options.scale);
    process.stdout.write(`seeded ${ASSISTANTS} assistants, ${ASSISTANTS * ACCOUNTS_PER_ASSISTANT} accounts, ${touchCount} touches, ${feedbackCount} feedback, 23 months of sales, weekly reports in ${Math.round(performance.now() - t0)} ms\n`);
    const scope = { db: database.db, workspaceId: wsId, now: AT };
    const ours = async () => {
      const team = await teamService.teamOf(scope, managerId);
      return computeKpis(scope, team.map((m) => m.id), 'month', AT, { timezones: new Map(team.map((m) => [m.id, m.timezone])) });
    };
    // What the chat runtime does: everything in one transaction on one connection (no parallelism).
    const oursTx = () => database.db.transaction(async (tx) => {
      const txScope = { db: tx as unknown as typeof database.db, workspaceId: wsId, now: AT };
      const team = await teamService.teamOf(txScope, managerId);
      return computeKpis(txScope, team.map((m) => m.id), 'month', AT, { timezones: new Map(team.map((m) => [m.id, m.timezone])) });
    });
    const hand = () => queryRows<Record<string, unknown>>(database.db, handWritten(wsId, managerId));
    // Same answers first: the comparison is only fair if both compute the same thing.
    const [a, b] = [await ours(), await hand()];
    let mismatches = 0;
    for (const row of b) {
      const s = a.get(Number(row.id))!;
      if (s.touches.actual !== Number(row.touches ?? 0) || s.visits.actual !== Number(row.visits ?? 0)
        || s.csat.count !== Number(row.csat_n ?? 0) || s.sales!.amountMinor !== BigInt(String(row.cur ?? 0))
        || s.reports.onTime !== Number(row.on_time ?? 0) || s.coverage.covered !== Number(row.covered ?? 0)) mismatches += 1;
    }
    process.stdout.write(`results agree for ${b.length - mismatches}/${b.length} assistants\n`);
    const statementsBefore = database.statementCount();
    await ours();
    const statements = database.statementCount() - statementsBefore;
    for (let i = 0; i < 2; i += 1) { await ours(); await oursTx(); await hand(); }
    const oursTimes: number[] = [];
    const txTimes: number[] = [];
    const handTimes: number[] = [];
    for (let i = 0; i < iterations; i += 1) {
      // Alternate so cache warmth and background load hit all variants equally.
      let s = performance.now(); await ours(); oursTimes.push(performance.now() - s);
      s = performance.now(); await oursTx(); txTimes.push(performance.now() - s);
      s = performance.now(); await hand(); handTimes.push(performance.now() - s);
    }
    const oursMs = median(oursTimes);
    const txMs = median(txTimes);
    const handMs = median(handTimes);
    const ratio = oursMs / handMs;
    process.stdout.write(`team KPI (month, ${ASSISTANTS} assistants), median of ${iterations}:\n`);
    process.stdout.write(`  our path (teamOf + computeKpis, ${statements} statements): ${oursMs.toFixed(1)} ms\n`);
    process.stdout.write(`  our path in one transaction (as in chat, sequential): ${txMs.toFixed(1)} ms\n`);
    process.stdout.write(`  hand-written single SQL aggregate:                 ${handMs.toFixed(1)} ms\n`);
    process.stdout.write(`  ratio: ${ratio.toFixed(2)}× pooled, ${(txMs / handMs).toFixed(2)}× in a transaction (aim ≤ 1.5×)${mismatches ? `  WARNING: ${mismatches} rows differ` : ''}\n`);
    return { oursMs, txMs, handMs, ratio };
  } finally {
    await database.close();
    // --keep leaves the database for EXPLAIN sessions.
    if (options.args.keep) process.stdout.write(`kept database ${name}\n`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
