import { queryRows, sql, type Db } from '../../db/client.ts';
import type { Locale } from '../../db/schema/members.ts';
import type { WorkspaceSettings } from '../../db/schema/workspaces.ts';
import { recognitionMessage, recordRecognitions, weekOf, weeklyWins, workspaceHabits } from '../capabilities/digest/recognition.ts';
import { workingDayMap } from '../capabilities/holidays/service.ts';
import { addDays, formatClockTime, localParts, zonedTimeToInstant } from '../lib/time.ts';
import { runsAlreadyDone } from './due.ts';
import { commitJobRuns } from './runs.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport, PreviewMessage } from './types.ts';

export const RECOGNITION_JOB = 'recognition';
/** Local time of the weekly recognition post, on the team's last working day of the week. */
export const RECOGNITION_MINUTES = 16 * 60;
const SUBJECT = 'workspace';

/**
 * The weekly recognition post (表彰) in each workspace's team channel: at 16:00 on the last
 * working day of the week in the team's zone (usually Friday), the week's wins — only praise,
 * never a ranking. Members who opted out are not named. No team channel, no post.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  const db = ctx.database.db;
  const spaces = await queryRows<{ id: number; settings: WorkspaceSettings | string }>(db, sql`
    select id, settings from workspaces
    where active and coalesce(settings->>'teamChannel', '') <> ''
      ${options.workspaceId !== undefined ? sql`and id = ${options.workspaceId}` : sql``}
    order by id`);
  const report: JobRunReport = { job: RECOGNITION_JOB, due: 0, enqueued: 0, previews: [] };
  for (const space of spaces) {
    const workspaceId = Number(space.id);
    const settings = (typeof space.settings === 'string' ? JSON.parse(space.settings) : space.settings) as WorkspaceSettings;
    const scope = { db: db as Db, workspaceId, now: options.now };
    const habits = await workspaceHabits(scope);
    const zone = typeof settings.defaultTimezone === 'string' ? settings.defaultTimezone : habits.timezone;
    const week = weekOf(options.now, zone);
    const weekStart = localParts(week.start, zone).date;
    const dates = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i));
    const working = await workingDayMap(scope, dates);
    const lastWorking = dates.toReversed().find((d) => working.get(d));
    if (!lastWorking) continue;
    const dueAt = zonedTimeToInstant(lastWorking, formatClockTime(RECOGNITION_MINUTES), zone)!;
    const late = options.now.getTime() - dueAt.getTime();
    if (!options.force && (late < 0 || late >= recognitionJob.graceMinutes * 60_000)) continue;
    if (!options.dryRun) {
      const done = await runsAlreadyDone(db, RECOGNITION_JOB, [{ workspaceId, subjectKey: SUBJECT, periodKey: week.key }]);
      if (done.size) continue;
    }
    report.due += 1;
    const wins = await weeklyWins(scope, week);
    const locale: Locale = settings.defaultLocale === 'en' || settings.defaultLocale === 'zh-CN' ? settings.defaultLocale : habits.locale;
    const post = recognitionMessage(ctx.translator(locale), week.key, wins);
    const target = { conversation: String(settings.teamChannel) };
    if (options.dryRun) {
      if (post) report.previews.push({ workspaceId, target, message: post } satisfies PreviewMessage);
      continue;
    }
    report.enqueued += await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const result = await commitJobRuns(t, options.now, RECOGNITION_JOB, [{
        workspaceId, subjectKey: SUBJECT, periodKey: week.key,
        messages: post ? [{ target, message: post, dedupeKey: `${RECOGNITION_JOB}:${week.key}` }] : [],
      }]);
      if (result.claimed) await recordRecognitions({ db: t, workspaceId, now: options.now }, week.key, wins);
      return result.enqueued;
    });
  }
  return report;
}

/** Recognition posts: looked for every 15 minutes; still worth posting for 4 hours. */
export const recognitionJob: JobDefinition = {
  name: RECOGNITION_JOB,
  cron: '*/15 * * * *',
  graceMinutes: 4 * 60,
  run,
};
