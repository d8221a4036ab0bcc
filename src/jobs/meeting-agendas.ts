import type { Db } from '../../db/client.ts';
import { AGENDA_LEAD_MINUTES, meetingsService, type MeetingRef } from '../capabilities/meetings/service.ts';
import { groupBy } from '../lib/collections.ts';
import { agendaMessage, formatWhen } from '../capabilities/meetings/views.ts';
import { formatClockTime, weekdayOf, zonedTimeToInstant } from '../lib/time.ts';
import { findDueMembers, memberSubject } from './due.ts';
import { slotOf } from './meeting-prompts.ts';
import { finishRun, type JobRunWrite } from './runs.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from './types.ts';

export const MEETING_AGENDAS_JOB = 'meeting-agendas';

/**
 * The compiled weekly meeting agenda: each manager gets it AGENDA_LEAD_MINUTES before their
 * meeting (in their zone), with every assistant's answers, who has not answered, open action
 * items carried forward and the week's key numbers. No meeting on a day off, so no agenda.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  const db = ctx.database.db;
  const { members } = await findDueMembers(db, {
    job: MEETING_AGENDAS_JOB, now: options.now, graceMinutes: meetingAgendasJob.graceMinutes, roles: ['manager', 'admin'],
    workspaceId: options.workspaceId, memberId: options.memberId, force: options.force, includeDone: options.dryRun,
    respectQuietHours: false,
    dueTime(member, date) {
      const slot = slotOf(member);
      if (!slot || (!options.force && weekdayOf(date) !== slot.weekday)) return null;
      return { minutes: Math.max(0, slot.minutes - AGENDA_LEAD_MINUTES), periodKey: date };
    },
  });
  if (!members.length) return { job: MEETING_AGENDAS_JOB, due: 0, enqueued: 0, previews: [] };

  const runs: JobRunWrite[] = [];
  for (const [workspaceId, leads] of groupBy(members, (m) => m.workspaceId)) {
    const meetings: MeetingRef[] = leads.map((m) => ({
      managerId: m.memberId, date: m.localDate, at: zonedTimeToInstant(m.localDate, formatClockTime(slotOf(m)!.minutes), m.timezone)!,
    }));
    const agendas = await meetingsService.buildAgendas({ db: db as Db, workspaceId, now: options.now }, meetings);
    for (const lead of leads) {
      const agenda = agendas.get(lead.memberId);
      // A lead without assistants has no meeting to prepare.
      if (!agenda || !agenda.assistants.length) continue;
      const t = ctx.translator(lead.locale);
      runs.push({
        workspaceId, subjectKey: memberSubject(lead.memberId), periodKey: lead.periodKey,
        messages: [{
          target: { memberId: lead.memberId },
          message: agendaMessage(t, agenda, formatWhen(agenda.meeting.at, lead.timezone, lead.locale)),
          dedupeKey: `${MEETING_AGENDAS_JOB}:${lead.memberId}:${lead.periodKey}`,
        }],
      });
    }
  }
  return finishRun(ctx, options, MEETING_AGENDAS_JOB, runs);
}

/** Agendas: due an hour before each meeting; still useful until the meeting starts. */
export const meetingAgendasJob: JobDefinition = {
  name: MEETING_AGENDAS_JOB,
  cron: '*/5 * * * *',
  graceMinutes: AGENDA_LEAD_MINUTES,
  run,
};
