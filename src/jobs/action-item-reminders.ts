import { queryRows, sql } from '../../db/client.ts';
import type { ActionItem } from '../../db/schema/meetings.ts';
import { groupBy } from '../lib/collections.ts';
import { reminderMessage } from '../capabilities/meetings/views.ts';
import { findDueMembers, memberSubject } from './due.ts';
import { finishRun, type JobRunWrite } from './runs.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from './types.ts';

export const ACTION_ITEM_REMINDERS_JOB = 'action-item-reminders';
/** Local time of the daily action-item reminder: 09:00. */
export const ACTION_REMINDER_MINUTES = 9 * 60;

/**
 * Reminds each owner, once per working day at 09:00 in their zone, of their open meeting action
 * items that are due tomorrow, today or overdue: one message bundling them all. Nothing due,
 * nothing sent.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  const db = ctx.database.db;
  const { members } = await findDueMembers(db, {
    job: ACTION_ITEM_REMINDERS_JOB, now: options.now, graceMinutes: actionItemRemindersJob.graceMinutes,
    roles: ['assistant', 'manager', 'admin'], workspaceId: options.workspaceId, memberId: options.memberId,
    force: options.force, includeDone: options.dryRun,
    dueTime: (_member, date) => ({ minutes: ACTION_REMINDER_MINUTES, periodKey: date }),
  });
  if (!members.length) return { job: ACTION_ITEM_REMINDERS_JOB, due: 0, enqueued: 0, previews: [] };
  const input = JSON.stringify(members.map((m) => ({ w: m.workspaceId, m: m.memberId, d: m.localDate })));
  const rows = await queryRows<{ id: number; workspace_id: number; owner_id: number; task: string; due_date: string }>(db, sql`
    select a.id, a.workspace_id, a.owner_id, a.task, to_char(a.due_date, 'YYYY-MM-DD') as due_date
    from jsonb_to_recordset(${input}::jsonb) as o(w int, m int, d date)
    join action_items a on a.workspace_id = o.w and a.owner_id = o.m and a.status = 'open' and a.due_date <= o.d + 1
    order by a.due_date, a.id`);
  const itemsOf = groupBy(rows, (r) => `${r.workspace_id}:${r.owner_id}`);
  const runs: JobRunWrite[] = [];
  for (const m of members) {
    const items = itemsOf.get(`${m.workspaceId}:${m.memberId}`);
    if (!items?.length) continue;
    const t = ctx.translator(m.locale);
    const asItems = items.map((r) => ({ id: Number(r.id), task: r.task, dueDate: r.due_date }) as ActionItem);
    runs.push({
      workspaceId: m.workspaceId, subjectKey: memberSubject(m.memberId), periodKey: m.periodKey,
      messages: [{ target: { memberId: m.memberId }, message: reminderMessage(t, asItems, m.localDate), dedupeKey: `${ACTION_ITEM_REMINDERS_JOB}:${m.memberId}:${m.periodKey}` }],
    });
  }
  return finishRun(ctx, options, ACTION_ITEM_REMINDERS_JOB, runs);
}

/** Action-item reminders: 09:00 local on working days, worth sending until noon. */
export const actionItemRemindersJob: JobDefinition = {
  name: ACTION_ITEM_REMINDERS_JOB,
  cron: '*/5 * * * *',
  graceMinutes: 180,
  run,
};
