import { and, asc, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { intArray, queryRows } from '../../../db/client.ts';
import { groupBy } from '../../lib/collections.ts';
import {
  actionItems, meetingNotes, meetingPrompts, MEETING_QUESTIONS,
  type ActionItem, type MeetingAnswers, type MeetingPrompt, type MeetingQuestion,
} from '../../../db/schema/meetings.ts';
import { members, type Member } from '../../../db/schema/members.ts';
import { memberScheduleSettings } from '../../../db/schema/schedule.ts';
import type { Scope } from '../../chat/context.ts';
import { addDays, localParts, zonedTimeToInstant, formatClockTime } from '../../lib/time.ts';

/** Default weekly meeting: Monday 10:00 in the manager's time zone. */
export const DEFAULT_MEETING_WEEKDAY = 1;
export const DEFAULT_MEETING_MINUTES = 10 * 60;
/** The compiled agenda goes to the manager this long before the meeting. */
export const AGENDA_LEAD_MINUTES = 60;
/** The prompt goes out at this local time on the assistant's last working day before the meeting. */
export const PROMPT_LOCAL_MINUTES = 16 * 60;
export const MAX_ANSWER_LENGTH = 1000;
export const MAX_TASK_LENGTH = 500;

/** When a manager's weekly meeting happens. */
export interface MeetingSlot {
  weekday: number;
  minutes: number;
}

/** One concrete meeting: a manager and the meeting's local date in the manager's zone. */
export interface MeetingRef {
  managerId: number;
  /** Local date in the manager's time zone. */
  date: string;
  at: Date;
}

/** Stored as the meeting weekday when a manager switched the weekly meeting off. */
export const MEETING_OFF_WEEKDAY = 0;

/** A manager's slot from stored settings: unset means the default, weekday 0 means no meeting. */
export function meetingSlotFrom(weekday: number | null, minutes: number | null): MeetingSlot | null {
  if (weekday === MEETING_OFF_WEEKDAY) return null;
  return { weekday: weekday ?? DEFAULT_MEETING_WEEKDAY, minutes: minutes ?? DEFAULT_MEETING_MINUTES };
}

/** Meeting slots of the given managers in one query; unset settings get the default, null = off. */
export async function loadMeetingSlots(scope: Scope, managerIds: readonly number[]): Promise<Map<number, MeetingSlot | null>> {
  const slots = new Map<number, MeetingSlot | null>(managerIds.map((id) => [id, meetingSlotFrom(null, null)]));
  if (!managerIds.length) return slots;
  const rows = await scope.db.select({
    memberId: memberScheduleSettings.memberId, weekday: memberScheduleSettings.meetingWeekday, minutes: memberScheduleSettings.meetingMinutes,
  }).from(memberScheduleSettings).where(and(
    eq(memberScheduleSettings.workspaceId, scope.workspaceId), sql`${memberScheduleSettings.memberId} = any(${intArray(managerIds)})`,
  ));
  for (const r of rows) {
    slots.set(r.memberId, meetingSlotFrom(r.weekday, r.minutes));
  }
  return slots;
}

/**
 * The meeting occurrence on or after `from` (local dates in `timezone`), i.e. the first local
 * date with the slot's weekday whose meeting instant is after `after`.
 */
export function nextMeeting(managerId: number, slot: MeetingSlot, timezone: string, after: Date): MeetingRef {
  const today = localParts(after, timezone);
  let date = addDays(today.date, (slot.weekday - today.weekday + 7) % 7);
  for (let i = 0; i < 3; i += 1) {
    const at = zonedTimeToInstant(date, formatClockTime(slot.minutes), timezone)!;
    if (at.getTime() > after.getTime()) return { managerId, date, at };
    date = addDays(date, 7);
  }
  /* c8 ignore next */
  throw new Error('unreachable: a weekly slot always occurs within two weeks');
}

/** The first question the assistant has not answered yet. */
export function nextQuestion(answers: MeetingAnswers): MeetingQuestion | undefined {
  return MEETING_QUESTIONS.find((q) => answers[q] === undefined);
}

const SKIP_WORDS = new Set(['-', '—', 'skip', 'n/a', 'na', 'none', '无', '没有', '跳过', '略']);
const NUMBERED = /^\s*(?:\(?([1-5])\s*[.)）、:：]|([①②③④⑤]))\s*(.*)$/;

/** Normalises one typed answer: skip words become '' (skipped). */
function cleanAnswer(text: string): string {
  const v = text.trim().slice(0, MAX_ANSWER_LENGTH);
  return SKIP_WORDS.has(v.toLowerCase()) ? '' : v;
}

/**
 * Reads a DM reply to a prompt: numbered lines ("1. …", "②…") or exactly five lines answer
 * everything at once; anything else answers the next open question. Returns the captured pairs.
 */
export function parseDmAnswers(text: string, answers: MeetingAnswers): Array<[MeetingQuestion, string]> {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const numbered = lines.map((l) => l.match(NUMBERED));
  if (lines.length >= 2 && numbered.filter(Boolean).length >= 2) {
    const out = new Map<MeetingQuestion, string>();
    let current: MeetingQuestion | undefined;
    for (let i = 0; i < lines.length; i += 1) {
      const m = numbered[i];
      if (m) {
        const n = m[1] ? Number(m[1]) : '①②③④⑤'.indexOf(m[2]!) + 1;
        current = MEETING_QUESTIONS[n - 1]!;
        out.set(current, m[3] ?? '');
      } else if (current) {
        out.set(current, `${out.get(current)}\n${lines[i]}`.trim());
      }
    }
    return [...out].map(([q, a]) => [q, cleanAnswer(a)]);
  }
  if (lines.length === MEETING_QUESTIONS.length) return MEETING_QUESTIONS.map((q, i) => [q, cleanAnswer(lines[i]!)]);
  const q = nextQuestion(answers);
  return q ? [[q, cleanAnswer(text)]] : [];
}

export interface ActionInput {
  ownerId: number;
  task: string;
  dueDate: string | null;
}

export interface AgendaAssistant {
  member: Member;
  prompt?: Pick<MeetingPrompt, 'id' | 'answers' | 'answeredAt'>;
}

export interface AgendaNumbers {
  touches: number;
  visits: number;
  complaints: number;
  open: number;
}

/** Everything a compiled weekly meeting agenda shows. */
export interface Agenda {
  meeting: MeetingRef;
  assistants: AgendaAssistant[];
  openItems: ActionItem[];
  numbers: Map<number, AgendaNumbers>;
  /** Local "today" of each item owner, to flag overdue items. */
  ownerToday: Map<number, string>;
}

/** Weekly meeting prompts, answers, notes and action items. */
export const meetingsService = {
  /** The latest prompt for the assistant whose meeting has not started yet. */
  async openPrompt(scope: Scope, assistantId: number, options: { unansweredOnly?: boolean } = {}): Promise<MeetingPrompt | undefined> {
    const [row] = await scope.db.select().from(meetingPrompts).where(and(
      eq(meetingPrompts.workspaceId, scope.workspaceId), eq(meetingPrompts.assistantId, assistantId),
      gt(meetingPrompts.meetingAt, scope.now), options.unansweredOnly ? isNull(meetingPrompts.answeredAt) : undefined,
    )).orderBy(asc(meetingPrompts.meetingAt)).limit(1);
    return row;
  },

  async getPrompt(scope: Scope, id: number): Promise<MeetingPrompt | undefined> {
    const [row] = await scope.db.select().from(meetingPrompts)
      .where(and(eq(meetingPrompts.workspaceId, scope.workspaceId), eq(meetingPrompts.id, id)));
    return row;
  },

  /** Merges answers into a prompt; the prompt counts as answered once every question has one. */
  async saveAnswers(scope: Scope, prompt: MeetingPrompt, answers: MeetingAnswers, complete = false): Promise<MeetingPrompt> {
    const merged = { ...prompt.answers, ...answers };
    const done = complete || nextQuestion(merged) === undefined;
    const [row] = await scope.db.update(meetingPrompts).set({ answers: merged, answeredAt: done ? (prompt.answeredAt ?? scope.now) : null })
      .where(and(eq(meetingPrompts.workspaceId, scope.workspaceId), eq(meetingPrompts.id, prompt.id))).returning();
    return row!;
  },

  /** Records meeting notes and their action items; returns the created items. */
  async recordNotes(scope: Scope, managerId: number, notes: string, items: ActionInput[]): Promise<ActionItem[]> {
    const [note] = await scope.db.insert(meetingNotes).values({ workspaceId: scope.workspaceId, managerId, notes, createdAt: scope.now }).returning();
    if (!items.length) return [];
    return scope.db.insert(actionItems).values(items.map((i) => ({
      workspaceId: scope.workspaceId, managerId, noteId: note!.id, ownerId: i.ownerId, task: i.task, dueDate: i.dueDate, createdAt: scope.now,
    }))).returning();
  },

  /** Action items of a manager's meetings, or owned by a member; open first by due date. */
  async listItems(scope: Scope, filter: { managerId?: number; ownerId?: number; all: boolean }): Promise<ActionItem[]> {
    const who = filter.managerId !== undefined && filter.ownerId !== undefined
      ? sql`(${actionItems.managerId} = ${filter.managerId} or ${actionItems.ownerId} = ${filter.ownerId})`
      : filter.managerId !== undefined ? eq(actionItems.managerId, filter.managerId) : eq(actionItems.ownerId, filter.ownerId!);
    return scope.db.select().from(actionItems).where(and(
      eq(actionItems.workspaceId, scope.workspaceId), who, filter.all ? undefined : eq(actionItems.status, 'open'),
    )).orderBy(desc(sql`${actionItems.status} = 'open'`), sql`${actionItems.dueDate} asc nulls last`, asc(actionItems.id)).limit(filter.all ? 100 : 50);
  },

  async getItem(scope: Scope, id: number): Promise<ActionItem | undefined> {
    const [row] = await scope.db.select().from(actionItems).where(and(eq(actionItems.workspaceId, scope.workspaceId), eq(actionItems.id, id)));
    return row;
  },

  async markDone(scope: Scope, item: ActionItem): Promise<ActionItem> {
    const [row] = await scope.db.update(actionItems).set({ status: 'done', doneAt: scope.now })
      .where(and(eq(actionItems.workspaceId, scope.workspaceId), eq(actionItems.id, item.id))).returning();
    return row!;
  },

  /**
   * Compiles agendas for many meetings at once: a fixed number of statements whatever the
   * number of managers (assistants, prompts, open items, touch counts, complaint counts).
   */
  async buildAgendas(scope: Scope, meetings: MeetingRef[]): Promise<Map<number, Agenda>> {
    const out = new Map<number, Agenda>();
    if (!meetings.length) return out;
    const managerIds = meetings.map((m) => m.managerId);
    const team = await scope.db.select().from(members).where(and(
      eq(members.workspaceId, scope.workspaceId), eq(members.active, true), eq(members.isBot, false),
      sql`${members.managerId} = any(${intArray(managerIds)})`,
    )).orderBy(asc(members.displayName));
    const dates = [...new Set(meetings.map((m) => m.date))];
    const prompts = await scope.db.select({
      id: meetingPrompts.id, managerId: meetingPrompts.managerId, assistantId: meetingPrompts.assistantId, meetingDate: meetingPrompts.meetingDate,
      answers: meetingPrompts.answers, answeredAt: meetingPrompts.answeredAt,
    }).from(meetingPrompts).where(and(
      eq(meetingPrompts.workspaceId, scope.workspaceId), sql`${meetingPrompts.managerId} = any(${intArray(managerIds)})`,
      sql`${meetingPrompts.meetingDate} = any(${`{${dates.join(',')}}`}::date[])`,
    ));
    const itemRows = await scope.db.select({ item: actionItems, ownerTz: members.timezone }).from(actionItems)
      .innerJoin(members, eq(members.id, actionItems.ownerId)).where(and(
      eq(actionItems.workspaceId, scope.workspaceId), eq(actionItems.status, 'open'), sql`${actionItems.managerId} = any(${intArray(managerIds)})`,
    )).orderBy(sql`${actionItems.dueDate} asc nulls last`, asc(actionItems.id));
    const meetingOf = new Map(meetings.map((m) => [m.managerId, m]));
    // Key numbers cover the 7 days before each meeting (or before now, on demand).
    const windows = team.map((a) => {
      const end = Math.min(meetingOf.get(a.managerId!)!.at.getTime(), scope.now.getTime());
      return { member_id: a.id, f: new Date(end - 7 * 86_400_000).toISOString(), t: new Date(end).toISOString() };
    });
    const numbers = new Map<number, AgendaNumbers>();
    if (windows.length) {
      const rows = await queryRows<{ member_id: number; touches: number; visits: number; complaints: number; open: number }>(scope.db, sql`
        with w as (select * from jsonb_to_recordset(${JSON.stringify(windows)}::jsonb) as w(member_id int, f timestamptz, t timestamptz))
        select w.member_id,
          (select count(*) from touches t where t.workspace_id = ${scope.workspaceId} and t.member_id = w.member_id and t.occurred_at >= w.f and t.occurred_at < w.t)::int as touches,
          (select count(*) from touches t where t.workspace_id = ${scope.workspaceId} and t.member_id = w.member_id and t.kind = 'visit' and t.occurred_at >= w.f and t.occurred_at < w.t)::int as visits,
          (select count(*) from feedback f where f.workspace_id = ${scope.workspaceId} and f.member_id = w.member_id and f.is_complaint and f.received_at >= w.f and f.received_at < w.t)::int as complaints,
          (select count(*) from feedback f where f.workspace_id = ${scope.workspaceId} and f.member_id = w.member_id and f.is_complaint and f.status is distinct from 'resolved')::int as open
        from w`);
      for (const r of rows) numbers.set(Number(r.member_id), { touches: Number(r.touches), visits: Number(r.visits), complaints: Number(r.complaints), open: Number(r.open) });
    }
    const items = itemRows.map((r) => r.item);
    const ownerToday = new Map<number, string>();
    for (const r of itemRows) {
      if (!ownerToday.has(r.item.ownerId)) ownerToday.set(r.item.ownerId, localParts(scope.now, r.ownerTz).date);
    }
    const promptOf = new Map(prompts.map((p) => [`${p.managerId}:${p.assistantId}:${p.meetingDate}`, p]));
    const teamOf = groupBy(team, (a) => a.managerId!);
    const itemsOf = groupBy(items, (i) => i.managerId);
    for (const meeting of meetings) {
      const assistants = (teamOf.get(meeting.managerId) ?? []).map((member) => (
        { member, prompt: promptOf.get(`${meeting.managerId}:${member.id}:${meeting.date}`) }
      ));
      out.set(meeting.managerId, { meeting, assistants, openItems: itemsOf.get(meeting.managerId) ?? [], numbers, ownerToday });
    }
    return out;
  },
};
