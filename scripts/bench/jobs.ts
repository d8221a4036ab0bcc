import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { openDatabase, queryRows, sql, type Database, type Db } from '../../db/client.ts';
import { Registry } from '../../src/chat/registry.ts';
import { createTranslator } from '../../src/chat/i18n/index.ts';
import { createCapabilities } from '../../src/capabilities/index.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { JOBS } from '../../src/jobs/catalog.ts';
import { DIGEST_BATCH } from '../../src/jobs/digest.ts';
import { PROMPT_BATCH } from '../../src/jobs/meeting-prompts.ts';
import { COMMIT_CHUNK } from '../../src/jobs/runs.ts';
import type { JobContext, JobDefinition, JobRunReport } from '../../src/jobs/types.ts';
import type { Locale } from '../../db/schema/members.ts';
import { createSilentLogger } from '../../src/lib/logger.ts';
import type { BenchOptions } from './index.ts';

/**
 * Job benchmark: a generated workspace set (1,000 managers, 10,000 assistants at scale 1, a
 * year of data: ≈1M touches, 200k feedback) in a fresh PostgreSQL database. Measures, per job,
 * the time and peak RSS to compute and enqueue everything for everyone at once, the number of
 * SQL statements per run (at full size and for a single member: it must not grow with members),
 * and for the nudges and the digest the ratio to a hand-written single-statement SQL baseline in
 * the same run. `--keep` keeps the generated database; `--from=<kept name>` copies it instead of
 * generating again.
 * Run with NODE_OPTIONS=--expose-gc for per-job peak RSS that starts from a collected heap.
 */

// Wednesday 25 Nov 2026 06:00 UTC: a working day in every zone used (NY 01:00 … Shanghai 14:00).
const NOW = new Date('2026-11-25T06:00:00Z');
const ZONES = ['Asia/Shanghai', 'Asia/Kolkata', 'America/New_York', 'Europe/London'];

interface Measured<T> { ms: number; peakRssMb: number; startRssMb: number; statements: number; result: T }

// With NODE_OPTIONS=--expose-gc each measurement starts from a collected heap, so a job's peak
// RSS is not inflated by garbage the previous job left behind.
const collect = (globalThis as { gc?: () => void }).gc;

async function measure<T>(database: Database, fn: () => Promise<T>): Promise<Measured<T>> {
  collect?.();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const statements = database.statementCount();
  const started = performance.now();
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { ms: performance.now() - started, peakRssMb: peak / 2 ** 20, startRssMb: startRss / 2 ** 20, statements: database.statementCount() - statements, result };
  } finally {
    clearInterval(timer);
  }
}

/** Generates the data set with set-based SQL on the server (the script's memory stays small). */
async function generate(db: Db, scale: number): Promise<{ workspaces: number; managers: number; assistants: number }> {
  const managers = Math.max(10, Math.round(1000 * scale));
  const workspaceCount = Math.max(1, Math.round(10 * scale));
  const perWorkspace = Math.ceil(managers / workspaceCount);
  const at = NOW.toISOString();
  const zones = `{${ZONES.join(',')}}`;
  await db.execute(sql`insert into workspaces (platform, external_id, name, settings)
    select 'slack', 'bench-' || g, 'Bench ' || g, '{"teamChannel":"C-bench"}'::jsonb from generate_series(1, ${workspaceCount}) g`);
  await db.execute(sql`insert into members (workspace_id, external_id, display_name, role, timezone, locale, created_at)
    select w.id, 'mgr-' || w.id || '-' || g, 'Manager ' || g, 'manager', (${zones}::text[])[1 + g % 4],
      case when g % 2 = 0 then 'zh-CN' else 'en' end, ${at}::timestamptz - interval '400 days'
    from workspaces w cross join generate_series(1, ${perWorkspace}) g`);
  await db.execute(sql`insert into members (workspace_id, external_id, display_name, role, manager_id, timezone, locale, created_at)
    select m.workspace_id, m.external_id || '-a' || k, 'Assistant ' || m.id || '.' || k, 'assistant', m.id,
      (${zones}::text[])[1 + (m.id + k) % 4], case when k % 2 = 0 then 'zh-CN' else 'en' end, ${at}::timestamptz - interval '400 days'
    from members m cross join generate_series(1, 10) k where m.role = 'manager'`);
  // Five accounts per assistant (A weekly, B fortnightly, C monthly).
  await db.execute(sql`insert into accounts (workspace_id, name, tier, manager_id, assistant_id, cadence_days, created_at)
    select a.workspace_id, a.external_id || '-acct' || k, (array['A','B','C','B','C'])[k], a.manager_id, a.id,
      (array[7,14,30,14,30])[k], ${at}::timestamptz - interval '400 days'
    from members a cross join generate_series(1, 5) k where a.role = 'assistant'`);
  // ≈100 touches per assistant over the year (20 per account); 30 % with a next step, older ones mostly done.
  await db.execute(sql`insert into touches (workspace_id, account_id, member_id, kind, occurred_at, summary, next_step, next_step_due, next_step_done_at, created_at)
    select a.workspace_id, a.id, a.assistant_id, (array['call','email','visit','meeting'])[1 + floor(x.r2 * 4)::int], x.ts, 'bench',
      case when x.r < 0.3 then 'Follow up' end,
      case when x.r < 0.3 then (x.ts + interval '7 days')::date end,
      case when x.r < 0.3 and x.ts < ${at}::timestamptz - interval '14 days' and x.r < 0.29 then x.ts + interval '5 days' end,
      x.ts
    from accounts a cross join generate_series(1, 20) k
    cross join lateral (select ${at}::timestamptz - (random() * 365 + k * 0) * interval '1 day' as ts, random() + k * 0 as r, random() + k * 0 as r2) x`);
  // 20 feedback per assistant (4 per account); 10 % complaints, a few still open.
  await db.execute(sql`insert into feedback (workspace_id, account_id, member_id, score, category, text, is_complaint, status, acknowledged_at, resolved_at, received_at, created_at)
    select a.workspace_id, a.id, a.assistant_id, 1 + floor(x.r2 * 5)::int, 'service', 'bench feedback', x.r < 0.1,
      case when x.r < 0.003 then 'open' when x.r < 0.1 then 'resolved' end,
      case when x.r >= 0.003 and x.r < 0.1 then x.ts + interval '3 hours' end,
      case when x.r >= 0.003 and x.r < 0.1 then x.ts + interval '2 days' end, x.ts, x.ts
    from accounts a cross join generate_series(1, 4) k
    cross join lateral (select ${at}::timestamptz - (random() * 365 + k * 0) * interval '1 day' as ts, random() + k * 0 as r, random() + k * 0 as r2) x`);
  // Daily reports for the last 30 days (working days, 85 % submitted).
  await db.execute(sql`insert into progress_reports (workspace_id, member_id, period_kind, period_key, done, submitted_at)
    select a.workspace_id, a.id, 'day', to_char(d, 'YYYY-MM-DD'), 'bench', d + interval '17 hours'
    from members a cross join generate_series(${at}::timestamptz - interval '30 days', ${at}::timestamptz - interval '1 day', interval '1 day') d
    where a.role = 'assistant' and extract(isodow from d) < 6 and random() < 0.85`);
  await db.execute(sql`insert into kpi_targets (workspace_id, member_id, period_kind, metric, value, updated_at)
    select w.id, null, 'month', m.metric, m.value, ${at}::timestamptz
    from workspaces w cross join (values ('touches', 40::numeric), ('visits', 8::numeric)) as m(metric, value)`);
  await db.execute(sql`analyze`);
  return sizesOf(db);
}

async function sizesOf(db: Db): Promise<{ workspaces: number; managers: number; assistants: number }> {
  const [counts] = await queryRows<{ w: number; m: number; a: number }>(db, sql`
    select (select count(*)::int from workspaces) as w,
      (select count(*)::int from members where role = 'manager') as m,
      (select count(*)::int from members where role = 'assistant') as a`);
  return { workspaces: counts!.w, managers: counts!.m, assistants: counts!.a };
}

/**
 * The hand-written baseline: the same nudge families for every due assistant, bundled into one
 * JSON message each and written with their run claims, all in ONE SQL statement (no JS work).
 */
export async function baseline(db: Db): Promise<number> {
  const at = NOW.toISOString();
  const [row] = await queryRows<{ n: number }>(db, sql`
    with due as (
      select m.workspace_id as w, m.id as m, (${at}::timestamptz at time zone m.timezone)::date as d
      from members m join workspaces ws on ws.id = m.workspace_id
      left join member_schedule_settings s on s.workspace_id = m.workspace_id and s.member_id = m.id
      where ws.active and m.active and not m.is_bot and m.role = 'assistant' and coalesce(s.nudges_enabled, true)
        and not exists (select 1 from member_leaves l where l.workspace_id = m.workspace_id and l.member_id = m.id
          and l.cancelled_at is null and (${at}::timestamptz at time zone m.timezone)::date between l.from_date and l.to_date)),
    steps as (
      select d.w, d.m, jsonb_agg(jsonb_build_object('type', 'text', 'text', a.name || ': ' || t.next_step)) as items
      from due d join touches t on t.workspace_id = d.w and t.member_id = d.m
      join accounts a on a.workspace_id = t.workspace_id and a.id = t.account_id
      where t.next_step is not null and t.next_step_due < d.d and t.next_step_done_at is null
      group by d.w, d.m),
    cadence as (
      select d.w, d.m, jsonb_agg(jsonb_build_object('type', 'text', 'text', a.name)) as items
      from due d join accounts a on a.workspace_id = d.w and a.assistant_id = d.m and a.archived_at is null
      left join lateral (select max(t.occurred_at) as last from touches t where t.workspace_id = a.workspace_id and t.account_id = a.id) lt on true
      where coalesce(lt.last, a.created_at) < ${at}::timestamptz - make_interval(days => a.cadence_days)
      group by d.w, d.m),
    complaints as (
      select d.w, d.m, jsonb_agg(jsonb_build_object('type', 'text', 'text', a.name || ': ' || f.text)) as items
      from feedback f join accounts a on a.workspace_id = f.workspace_id and a.id = f.account_id
      join due d on d.w = f.workspace_id and d.m = coalesce(a.assistant_id, f.member_id)
      where f.is_complaint and f.status = 'open' and f.received_at < ${at}::timestamptz - interval '24 hours'
      group by d.w, d.m),
    reports as (
      select d.w, d.m, jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'report missing')) as items
      from due d where not exists (select 1 from progress_reports r where r.workspace_id = d.w and r.member_id = d.m
        and r.period_kind = 'day' and r.period_key = to_char(case extract(isodow from d.d) when 1 then d.d - 3 else d.d - 1 end, 'YYYY-MM-DD'))),
    kpi as (
      select d.w, d.m, jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'touches behind')) as items
      from due d join kpi_targets k on k.workspace_id = d.w and k.member_id is null and k.period_kind = 'month' and k.metric = 'touches'
      where (select count(*) from touches t where t.workspace_id = d.w and t.member_id = d.m
        and t.occurred_at >= date_trunc('month', ${at}::timestamptz at time zone 'UTC')) < k.value * (extract(day from d.d) / 30.0) * 0.8),
    bundled as (
      select w, m, jsonb_agg(block) as blocks from (
        select w, m, jsonb_array_elements(items) as item from steps union all
        select w, m, jsonb_array_elements(items) from cadence union all
        select w, m, jsonb_array_elements(items) from complaints union all
        select w, m, jsonb_array_elements(items) from reports union all
        select w, m, jsonb_array_elements(items) from kpi) x
      cross join lateral (values (item), (jsonb_build_object('type', 'buttons', 'buttons', jsonb_build_array(
        jsonb_build_object('label', 'Mark done', 'action', 'nudge.act', 'value', 'touch.done:1', 'style', 'primary'),
        jsonb_build_object('label', 'Snooze 3 days', 'action', 'nudge.snooze', 'value', 'step:1'))))) as b(block)
      group by w, m),
    claimed as (
      insert into bench_baseline_runs (workspace_id, job, subject_key, period_key, message_count, ran_at)
      select d.w, 'nudges', 'member:' || d.m, d.d::text, 1, ${at}::timestamptz from due d
      on conflict do nothing returning workspace_id, subject_key, period_key),
    queued as (
      insert into bench_baseline_outbox (workspace_id, member_id, message, dedupe_key, next_attempt_at, created_at)
      select b.w, b.m, jsonb_build_object('blocks', b.blocks, 'fallback', 'nudge'), 'nudges:member:' || b.m || ':' || c.period_key,
        ${at}::timestamptz, ${at}::timestamptz
      from bundled b join claimed c on c.workspace_id = b.w and c.subject_key = 'member:' || b.m
      on conflict do nothing
      returning 1)
    select count(*)::int as n from queued`);
  return Number(row?.n ?? 0);
}

/**
 * The hand-written digest baseline: for every manager, last week's figures per assistant
 * (touches, visits and the week before, daily reports, open complaints, kudos, recognised in 30
 * days), the accounts at risk (top 10) and overdue action items, rendered into one JSON message
 * and written with its run claim, all in ONE SQL statement (no JS work, no KPI targets).
 */
export async function digestBaseline(db: Db): Promise<number> {
  const at = NOW.toISOString();
  const [row] = await queryRows<{ n: number }>(db, sql`
    with mgr as (
      select m.workspace_id as w, m.id as m, m.timezone as tz,
        (date_trunc('week', (${at}::timestamptz at time zone m.timezone)::date) - interval '7 days')::date as d0
      from members m join workspaces ws on ws.id = m.workspace_id
      where ws.active and m.active and not m.is_bot and m.role in ('manager', 'admin')),
    win as (
      select g.w, g.m, g.d0, a.id as a, a.display_name as name,
        (g.d0::timestamp at time zone a.timezone) as f, ((g.d0 + 7)::timestamp at time zone a.timezone) as t
      from mgr g join members a on a.workspace_id = g.w and a.manager_id = g.m and a.active and not a.is_bot),
    per as (
      select x.w, x.m, x.a, x.name,
        (select count(*) from touches t where t.workspace_id = x.w and t.member_id = x.a and t.occurred_at >= x.f and t.occurred_at < x.t) as touches,
        (select count(*) from touches t where t.workspace_id = x.w and t.member_id = x.a and t.kind = 'visit' and t.occurred_at >= x.f and t.occurred_at < x.t) as visits,
        (select count(*) from touches t where t.workspace_id = x.w and t.member_id = x.a and t.occurred_at >= x.f - interval '7 days' and t.occurred_at < x.f) as prev,
        (select count(*) from progress_reports r where r.workspace_id = x.w and r.member_id = x.a and r.period_kind = 'day'
          and r.period_key between to_char(x.d0, 'YYYY-MM-DD') and to_char(x.d0 + 6, 'YYYY-MM-DD')) as reports,
        (select count(*) from feedback f where f.workspace_id = x.w and f.member_id = x.a and f.is_complaint and f.status is distinct from 'resolved') as complaints,
        (select count(*) from kudos k where k.workspace_id = x.w and k.receiver_id = x.a and k.given_at >= x.f and k.given_at < x.t) as kudos_in,
        (select count(*) from kudos k where k.workspace_id = x.w and k.giver_id = x.a and k.given_at >= x.f and k.given_at < x.t) as kudos_out,
        exists (select 1 from recognitions g where g.workspace_id = x.w and g.member_id = x.a and g.posted_at >= ${at}::timestamptz - interval '30 days') as recognised
      from win x),
    risk as (
      select x.w, x.m, acc.name, acc.tier, lt.last_touch,
        row_number() over (partition by x.w, x.m order by lt.last_touch asc nulls first, acc.id) as rn
      from win x join accounts acc on acc.workspace_id = x.w and acc.assistant_id = x.a and acc.archived_at is null
      left join lateral (select max(t.occurred_at) as last_touch from touches t where t.workspace_id = acc.workspace_id and t.account_id = acc.id) lt on true
      left join lateral (select avg(f.score) as csat from feedback f where f.workspace_id = acc.workspace_id and f.account_id = acc.id
        and f.score is not null and f.received_at >= ${at}::timestamptz - interval '90 days') fb on true
      where lt.last_touch is null or lt.last_touch < ${at}::timestamptz - acc.cadence_days * interval '1 day' or fb.csat < 3.5),
    blocks as (
      select g.w, g.m, g.d0,
        (select jsonb_agg(jsonb_build_object('type', 'text', 'text', p.name || ': ' || p.touches || ' touches (' || p.prev || ' before), '
          || p.visits || ' visits, reports ' || p.reports || '/5, complaints ' || p.complaints || ', kudos ' || p.kudos_in || '/' || p.kudos_out
          || case when p.recognised then '' else ', not recognised' end) order by p.name)
          from per p where p.w = g.w and p.m = g.m) as team,
        (select string_agg('- ' || r.name || ' (' || r.tier || ')', E'\n' order by r.rn) from risk r where r.w = g.w and r.m = g.m and r.rn <= 10) as risks,
        (select string_agg('- ' || i.task, E'\n' order by i.due_date) from action_items i where i.workspace_id = g.w and i.manager_id = g.m
          and i.status = 'open' and i.due_date < (${at}::timestamptz at time zone g.tz)::date) as overdue
      from mgr g),
    claimed as (
      insert into bench_baseline_runs (workspace_id, job, subject_key, period_key, message_count, ran_at)
      select b.w, 'digest', 'member:' || b.m, to_char(b.d0, 'IYYY-"W"IW'), 1, ${at}::timestamptz from blocks b where b.team is not null
      on conflict do nothing returning workspace_id, subject_key, period_key),
    queued as (
      insert into bench_baseline_outbox (workspace_id, member_id, message, dedupe_key, next_attempt_at, created_at)
      select b.w, b.m, jsonb_build_object('fallback', 'digest', 'blocks',
          jsonb_build_array(jsonb_build_object('type', 'header', 'text', 'Week ' || c.period_key)) || b.team
          || jsonb_build_array(jsonb_build_object('type', 'text', 'text', coalesce(b.risks, 'no risk')),
            jsonb_build_object('type', 'text', 'text', coalesce(b.overdue, 'nothing overdue')))),
        'digest:member:' || b.m || ':' || c.period_key, ${at}::timestamptz, ${at}::timestamptz
      from blocks b join claimed c on c.workspace_id = b.w and c.subject_key = 'member:' || b.m
      on conflict do nothing
      returning 1)
    select count(*)::int as n from queued`);
  return Number(row?.n ?? 0);
}

export function jobContext(database: Database): JobContext {
  let registry: Registry | undefined;
  registry = new Registry(createCapabilities(() => registry!));
  const translators = new Map<Locale, ReturnType<typeof createTranslator>>();
  return {
    database, clock: { now: () => NOW }, logger: createSilentLogger(), outbox: createOutbox(),
    translator(locale) {
      let t = translators.get(locale);
      if (!t) { t = createTranslator(registry!.catalog, locale); translators.set(locale, t); }
      return t;
    },
  };
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const ROUNDS = 3;
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Times a job against its hand-written baseline, alternately, ROUNDS rounds each (the machine
 * may be shared). Each round starts from the same state: the previous round's writes removed.
 */
async function timeAgainstBaseline(database: Database, ctx: JobContext, job: JobDefinition, baselineSql: (db: Db) => Promise<number>) {
  const baseRuns: Array<Measured<number>> = [];
  const jobRuns: Array<Measured<JobRunReport>> = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    await database.db.execute(sql`truncate bench_baseline_runs, bench_baseline_outbox`);
    await database.db.execute(sql`delete from job_runs where job = ${job.name}`);
    await database.db.execute(sql`delete from outbox where dedupe_key like ${`${job.name}:%`}`);
    baseRuns.push(await measure(database, () => baselineSql(database.db)));
    jobRuns.push(await measure<JobRunReport>(database, () => job.run(ctx, { now: NOW, force: true })));
  }
  const baseMs = baseRuns.map((r) => r.ms);
  return { baseMs, baseMedian: median(baseMs), messages: baseRuns.at(-1)!.result, jobRuns, jobMedian: median(jobRuns.map((r) => r.ms)) };
}

/** Runs the job benchmark; prints a table and returns the numbers. */
export async function run(options: BenchOptions): Promise<Record<string, unknown>> {
  const name = `kam_bench_jobs_${randomBytes(3).toString('hex')}`;
  // --from=<db kept by --keep>: copy that generated database instead of generating again.
  const from = options.args.from && /^kam_bench_jobs_[0-9a-f]+$/.test(options.args.from) ? options.args.from : undefined;
  const admin = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(from ? `create database ${name} template ${from}` : `create database ${name}`);
  await admin.end();
  const url = new URL(options.databaseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 5 });
  const results: Record<string, unknown> = {};
  try {
    await database.migrate();
    const genStarted = performance.now();
    // A copied database starts without the previous run's job output, like a generated one.
    if (from) await database.db.execute(sql`truncate job_runs, outbox, meeting_prompts`);
    const sizes = from ? await sizesOf(database.db) : await generate(database.db, options.scale);
    const [volume] = await queryRows<{ touches: number; feedback: number }>(database.db, sql`
      select (select count(*)::int from touches) as touches, (select count(*)::int from feedback) as feedback`);
    process.stdout.write(`data: ${sizes.workspaces} workspaces, ${sizes.managers} managers, ${sizes.assistants} assistants, `
      + `${volume!.touches} touches, ${volume!.feedback} feedback (generated in ${fmt((performance.now() - genStarted) / 1000, 1)} s)\n`);
    results.data = { ...sizes, ...volume };
    // The baseline writes the same rows into clones of job_runs and outbox (same columns, defaults and indexes).
    await database.db.execute(sql`create table if not exists bench_baseline_runs (like job_runs including all)`);
    await database.db.execute(sql`create table if not exists bench_baseline_outbox (like outbox including all)`);

    const ctx = jobContext(database);
    // Warm the caches for both sides the same way (a dry run writes nothing).
    await JOBS.find((j) => j.name === 'nudges')!.run(ctx, { now: NOW, force: true, dryRun: true });
    await baseline(database.db);
    await database.db.execute(sql`truncate bench_baseline_runs, bench_baseline_outbox`);
    await database.db.execute(sql`vacuum analyze bench_baseline_runs`);

    // Compare medians of alternate rounds (see timeAgainstBaseline).
    const nudges = JOBS.find((j) => j.name === 'nudges')!;
    const { baseMs, baseMedian, messages, jobRuns: nudgeRuns, jobMedian: nudgeMedian } = await timeAgainstBaseline(database, ctx, nudges, baseline);
    process.stdout.write(`baseline (hand-written SQL, nudges): median ${fmt(baseMedian)} ms of ${baseMs.map((m) => fmt(m)).join(' / ')}, ${messages} messages, 1 statement\n`);
    process.stdout.write(`nudges job:                         median ${fmt(nudgeMedian)} ms of ${nudgeRuns.map((r) => fmt(r.ms)).join(' / ')}, ratio ${fmt(nudgeMedian / baseMedian, 2)}×\n`);
    results.baseline = { ms: baseMedian, messages, rounds: baseMs };
    results.nudges = { ms: nudgeMedian, rounds: nudgeRuns.map((r) => r.ms), ratio: nudgeMedian / baseMedian };

    const rows: Array<Record<string, unknown>> = [];
    const [oneMember] = await queryRows<{ id: number; workspace_id: number }>(database.db, sql`select id, workspace_id from members where role = 'assistant' order by id limit 1`);
    const [oneManager] = await queryRows<{ id: number; workspace_id: number }>(database.db, sql`select id, workspace_id from members where role = 'manager' order by id limit 1`);
    for (const job of JOBS as JobDefinition[]) {
      // Statements for one subject (dry run) versus everyone: the difference must not scale with members.
      const single = job.name === 'digest' || job.name.startsWith('meeting') ? oneManager! : oneMember!;
      const one = await measure(database, () => job.run(ctx, { now: NOW, force: true, dryRun: true, workspaceId: Number(single.workspace_id), memberId: Number(single.id) }));
      // The nudges already ran (last timed round above); the digest is timed against its own
      // hand-written baseline like the nudges; the other jobs run once here.
      let all: Measured<JobRunReport>;
      let ratio: number | undefined;
      if (job.name === 'nudges') {
        all = { ...nudgeRuns.at(-1)!, ms: nudgeMedian };
        ratio = nudgeMedian / baseMedian;
      } else if (job.name === 'digest') {
        const { baseMs: digestBase, baseMedian: baseMedianDigest, messages: digestMessages, jobRuns: digestRuns, jobMedian } = await timeAgainstBaseline(database, ctx, job, digestBaseline);
        all = { ...digestRuns.at(-1)!, ms: jobMedian, peakRssMb: Math.max(...digestRuns.map((r) => r.peakRssMb)) };
        ratio = jobMedian / baseMedianDigest;
        process.stdout.write(`baseline (hand-written SQL, digest): median ${fmt(baseMedianDigest)} ms of ${digestBase.map((m) => fmt(m)).join(' / ')}, ${digestMessages} messages, 1 statement; `
          + `digest job median ${fmt(jobMedian)} ms of ${digestRuns.map((r) => fmt(r.ms)).join(' / ')}\n`);
        results.digestBaseline = { ms: baseMedianDigest, messages: digestMessages, rounds: digestBase };
      } else {
        all = await measure<JobRunReport>(database, () => job.run(ctx, { now: NOW, force: true }));
      }
      const row = {
        job: job.name, ms: Math.round(all.ms), peakRssMb: Math.round(all.peakRssMb), startRssMb: Math.round(all.startRssMb), due: all.result.due, enqueued: all.result.enqueued,
        statements: all.statements, statementsForOne: one.statements,
        ratioToBaseline: ratio === undefined ? undefined : Math.round(ratio * 100) / 100,
      };
      rows.push(row);
      process.stdout.write(`${job.name.padEnd(22)} ${String(row.ms).padStart(7)} ms  peak RSS ${String(row.peakRssMb).padStart(4)} MB (from ${row.startRssMb})  `
        + `due ${String(row.due).padStart(6)}  enqueued ${String(row.enqueued).padStart(6)}  statements ${row.statements} (one subject: ${row.statementsForOne})`
        + `${row.ratioToBaseline !== undefined ? `  ratio to baseline ${row.ratioToBaseline}×` : ''}\n`);
    }
    results.jobs = rows;
    process.stdout.write(`statements: per workspace and per batch (digest ${DIGEST_BATCH} managers, meeting prompts ${PROMPT_BATCH} assistants, `
      + `claim + enqueue ${COMMIT_CHUNK} runs), so they grow with the number of batches, never per member\n`);
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`process peak RSS (whole run): ${fmt(maxRssMb)} MB\n`);
    results.maxRssMb = maxRssMb;
    return results;
  } finally {
    await database.close();
    if (options.args.keep) {
      process.stdout.write(`kept database ${name} (--keep)\n`);
    } else {
      const cleanup = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    }
  }
}

// `tsx scripts/bench/jobs.ts --scale=0.05` also works on its own.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { loadConfig } = await import('../../src/config.ts');
  const scaleArg = process.argv.find((a) => a.startsWith('--scale='));
  const databaseUrl = loadConfig().databaseUrl;
  if (!databaseUrl) { process.stderr.write('set DATABASE_URL\n'); process.exit(1); }
  await run({ scale: scaleArg ? Number(scaleArg.split('=')[1]) : 1, databaseUrl, args: {} });
  process.exit(0);
}
