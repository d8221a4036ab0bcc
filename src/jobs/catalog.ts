import { actionItemRemindersJob } from './action-item-reminders.ts';
import { digestJob } from './digest.ts';
import { greetingRemindersJob } from './greeting-reminders.ts';
import { housekeepingJob } from './housekeeping.ts';
import { meetingAgendasJob } from './meeting-agendas.ts';
import { meetingPromptsJob } from './meeting-prompts.ts';
import { nudgesJob } from './nudges.ts';
import { recognitionJob } from './recognition.ts';
import { reportRemindersJob } from './report-reminders.ts';
import type { JobDefinition } from './types.ts';

/**
 * Every scheduled job, in the order a tick runs them. Adding a job is one line here (its name
 * is what `/kam admin run <job>` takes).
 */
export const JOBS: JobDefinition[] = [
  reportRemindersJob,
  nudgesJob,
  meetingPromptsJob,
  meetingAgendasJob,
  actionItemRemindersJob,
  recognitionJob,
  digestJob,
  greetingRemindersJob,
  housekeepingJob,
];
