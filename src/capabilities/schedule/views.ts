import type { JobRun } from '../../../db/schema/jobs.ts';
import type { Member } from '../../../db/schema/members.ts';
import { DEFAULT_NUDGE_MINUTES, type MemberLeave, type MemberScheduleSettings } from '../../../db/schema/schedule.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import type { JobDefinition } from '../../jobs/types.ts';
import { formatClockTime } from '../../lib/time.ts';
import { isLead } from '../team/access.ts';
import { meetingSlotFrom } from '../meetings/service.ts';

/** Localised weekday name (ISO 1 = Monday). */
export function weekdayName(t: Translator, weekday: number): string {
  return t(`schedule.weekday.${weekday}`);
}

function when(at: Date, timezone: string): string {
  return at.toLocaleString('sv-SE', { timeZone: timezone, hour12: false }).slice(0, 16);
}

/** A member's reminder settings and upcoming leave. */
export function settingsCard(t: Translator, member: Member, settings: MemberScheduleSettings | undefined, leave: MemberLeave[]): Message {
  const nudgesOn = settings?.nudgesEnabled ?? true;
  const fields = [
    { label: t('schedule.nudges'), value: nudgesOn ? t('schedule.nudgesAtShort', { time: formatClockTime(settings?.nudgeMinutes ?? DEFAULT_NUDGE_MINUTES) }) : t('schedule.off') },
    {
      label: t('schedule.quiet'),
      value: typeof settings?.quietStartMinutes === 'number' && typeof settings.quietEndMinutes === 'number'
        ? `${formatClockTime(settings.quietStartMinutes)}–${formatClockTime(settings.quietEndMinutes)}` : t('schedule.none'),
    },
    { label: t('team.timezone'), value: member.timezone },
  ];
  if (isLead(member)) {
    fields.push({
      label: t('schedule.meeting'),
      value: meetingValue(t, settings?.meetingWeekday ?? null, settings?.meetingMinutes ?? null),
    });
  }
  fields.push({ label: t('schedule.leave'), value: leave.length ? leave.map((l) => `#${l.id} ${l.fromDate} → ${l.toDate}`).join('\n') : t('schedule.none') });
  return message().header(t('schedule.settingsTitle')).fields(fields).context(t('schedule.settingsHint')).build();
}

/** Upcoming leave of a member. */
export function leaveList(t: Translator, member: Member, own: boolean, leave: MemberLeave[]): Message {
  const b = message().header(own ? t('schedule.leaveTitle') : t('schedule.leaveTitleFor', { name: mention(member.id) }));
  if (!leave.length) return b.text(t('schedule.noLeave')).context(t('schedule.leaveHint')).build();
  return b.text(leave.map((l) => `- #${l.id} ${l.fromDate} → ${l.toDate}`).join('\n')).context(t('schedule.leaveCancelHint')).build();
}

function subject(key: string): string {
  const m = key.match(/^(?:member|manager):(\d+)$/);
  return m ? mention(Number(m[1])) : key;
}

/** `/kam admin jobs`: every job's schedule, last run and recent activity in this workspace. */
export function jobsList(t: Translator, jobs: readonly JobDefinition[], stats: Map<string, { lastRun: Date | null; runs: number; messages: number }>,
  recent: JobRun[], timezone: string): Message {
  const lines = jobs.map((job) => {
    const s = stats.get(job.name);
    const last = s?.lastRun ? when(s.lastRun, timezone) : t('schedule.never');
    return t('schedule.jobLine', { job: job.name, cron: job.cron, grace: job.graceMinutes, last, runs: s?.runs ?? 0, messages: s?.messages ?? 0 });
  });
  const b = message().header(t('schedule.jobsTitle')).text(lines.join('\n'));
  if (recent.length) {
    b.context(t('schedule.recentRuns'));
    b.text(recent.map((r) => `- ${when(r.ranAt, timezone)} · ${r.job} · ${subject(r.subjectKey)} · ${r.periodKey} · ${t('schedule.messages', { count: r.messageCount })}`).join('\n'));
  }
  return b.context(t('schedule.jobsHint')).build();
}

/** The weekly meeting slot as shown: "off", the chosen slot, or the default marked as such. */
function meetingValue(t: Translator, weekday: number | null, minutes: number | null): string {
  const slot = meetingSlotFrom(weekday, minutes);
  if (!slot) return t('schedule.meetingOffValue');
  const text = `${weekdayName(t, slot.weekday)} ${formatClockTime(slot.minutes)}`;
  return weekday === null ? `${text} ${t('schedule.defaultSuffix')}` : text;
}
