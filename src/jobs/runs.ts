import { queryRows, sql, type Db } from '../../db/client.ts';
import { jobRuns } from '../../db/schema/jobs.ts';
import type { OutboundTarget, Scope } from '../chat/context.ts';
import type { Message } from '../chat/message.ts';
import type { JobContext, JobRunOptions, JobRunReport, PreviewMessage } from './types.ts';

/**
 * Claims a (job, subject, period) run inside the caller's transaction. Returns false when that
 * run already happened (on this or another instance): the caller must then send nothing.
 */
export async function claimJobRun(scope: Scope, job: string, subjectKey: string, periodKey: string, messageCount: number): Promise<boolean> {
  const rows = await scope.db.insert(jobRuns).values({
    workspaceId: scope.workspaceId, job, subjectKey, periodKey, messageCount, ranAt: scope.now,
  }).onConflictDoNothing().returning({ id: jobRuns.id });
  return rows.length > 0;
}

/** One (job, subject, period) run and the messages it sends, for commitJobRuns. */
export interface JobRunWrite {
  workspaceId: number;
  /** `member:12`, `manager:3`, `workspace` (see jobRuns.subjectKey). */
  subjectKey: string;
  periodKey: string;
  /** May be empty: the run is still recorded, so "nothing to say" is decided once per period. */
  messages: Array<{ target: OutboundTarget; message: Message; dedupeKey: string }>;
}

/**
 * Runs per claim + enqueue pair of statements. Bigger sets are written in chunks of this size
 * (still inside the caller's one transaction), so the JSON payloads and driver buffers stay
 * bounded: the statement count grows with the number of chunks, never per member.
 */
export const COMMIT_CHUNK = 1000;

/** Code-unit order, the same as `collate "C"` for the ASCII keys used here. */
const byKey = (a: JobRunWrite, b: JobRunWrite): number => a.workspaceId - b.workspaceId
  || (a.subjectKey < b.subjectKey ? -1 : a.subjectKey > b.subjectKey ? 1 : 0)
  || (a.periodKey < b.periodKey ? -1 : a.periodKey > b.periodKey ? 1 : 0);

/**
 * Claims many runs and enqueues the claimed runs' messages: two statements per COMMIT_CHUNK
 * runs, whatever the number of members. Call it inside a transaction (finishRun does) so claims
 * and messages commit together. A run already claimed by this or another instance enqueues
 * nothing; outbox dedupe keys guard the messages a second time.
 * Rows are claimed in one fixed order (workspace, subject, period; across chunks too) so
 * concurrent instances wait on each other instead of deadlocking.
 */
export async function commitJobRuns(db: Db, now: Date, job: string, runs: JobRunWrite[]): Promise<{ claimed: number; enqueued: number }> {
  if (runs.length <= COMMIT_CHUNK) return commitChunk(db, now, job, runs);
  const sorted = [...runs].sort(byKey);
  let claimed = 0;
  let enqueued = 0;
  for (let i = 0; i < sorted.length; i += COMMIT_CHUNK) {
    const r = await commitChunk(db, now, job, sorted.slice(i, i + COMMIT_CHUNK));
    claimed += r.claimed;
    enqueued += r.enqueued;
  }
  return { claimed, enqueued };
}

async function commitChunk(db: Db, now: Date, job: string, runs: JobRunWrite[]): Promise<{ claimed: number; enqueued: number }> {
  if (!runs.length) return { claimed: 0, enqueued: 0 };
  const at = now.toISOString();
  const input = JSON.stringify(runs.map((r) => ({ w: r.workspaceId, s: r.subjectKey, p: r.periodKey, n: r.messages.length })));
  const claimedRows = await queryRows<{ w: number; s: string; p: string }>(db, sql`
    insert into job_runs (workspace_id, job, subject_key, period_key, message_count, ran_at)
    select r.w, ${job}, r.s, r.p, r.n, ${at}::timestamptz
    from json_to_recordset(${input}::json) as r(w int, s text, p text, n int)
    order by r.w, r.s collate "C", r.p collate "C"
    on conflict do nothing
    returning workspace_id as w, subject_key as s, period_key as p`);
  const claimed = new Set(claimedRows.map((r) => `${r.w}|${r.s}|${r.p}`));
  // Only the claimed runs' messages are sent to the database at all (no join over unclaimed ones).
  const messages = runs.filter((r) => claimed.has(`${r.workspaceId}|${r.subjectKey}|${r.periodKey}`)).flatMap((r) => r.messages.map((m) => ({
    w: r.workspaceId,
    m: 'memberId' in m.target ? m.target.memberId : null,
    c: 'conversation' in m.target ? m.target.conversation : null,
    k: m.dedupeKey.slice(0, 300), j: m.message,
  })));
  if (!messages.length) return { claimed: claimed.size, enqueued: 0 };
  const [row] = await queryRows<{ enqueued: number }>(db, sql`
    with queued as (
      insert into outbox (workspace_id, member_id, conversation, message, dedupe_key, next_attempt_at, created_at)
      select x.w, x.m, x.c, x.j, x.k, ${at}::timestamptz, ${at}::timestamptz
      from json_to_recordset(${JSON.stringify(messages)}::json) as x(w int, m int, c text, k text, j jsonb)
      order by x.w, x.k
      on conflict do nothing
      returning id)
    select count(*)::int as enqueued from queued`);
  return { claimed: claimed.size, enqueued: Number(row?.enqueued ?? 0) };
}

/**
 * Ends a job run: in a dry run, returns the messages as previews and writes nothing; otherwise
 * claims the runs and enqueues their messages in one transaction.
 */
export async function finishRun(ctx: JobContext, options: JobRunOptions, job: string, runs: JobRunWrite[]): Promise<JobRunReport> {
  if (options.dryRun) {
    const previews: PreviewMessage[] = runs.flatMap((r) => r.messages.map((m) => ({ workspaceId: r.workspaceId, target: m.target, message: m.message })));
    return { job, due: runs.length, enqueued: 0, previews };
  }
  const result = await ctx.database.db.transaction((tx) => commitJobRuns(tx as unknown as Db, options.now, job, runs));
  return { job, due: runs.length, enqueued: result.enqueued, previews: [] };
}
