import { DateTime } from 'luxon';
import type { Member } from '../../../db/schema/members.ts';
import type { ProgressReport } from '../../../db/schema/reports.ts';
import type { Form } from '../../chat/forms.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import { REPORT_LIMITS, REPORT_PARTS, type ReportKind } from './service.ts';

export const REPORT_FORM_ID = 'reports.submit';

function when(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toFormat('yyyy-MM-dd HH:mm');
}

/** "daily report 2026-11-30" / "weekly report 2026-W49". */
export function periodLabel(t: Translator, kind: ReportKind, key: string): string {
  return t(`reports.period.${kind}`, { key });
}

function partLines(t: Translator, report: ProgressReport): string {
  return REPORT_PARTS.map((part) => `**${t(`reports.part.${part}`)}**\n${report[part] || `_${t('common.none')}_`}`).join('\n');
}

/** Confirmation after saving: says whether it was new or an edit, and echoes what was saved. */
export function savedReply(t: Translator, report: ProgressReport, edited: boolean): Message {
  const period = periodLabel(t, report.periodKind, report.periodKey);
  return message()
    .text(t(edited ? 'reports.edited' : 'reports.saved', { period }))
    .text(partLines(t, report))
    .context(t('reports.savedHint'))
    .build();
}

/** One member's report for a period, or a note that it is missing. */
export function reportCard(t: Translator, viewerTimezone: string, member: Member, kind: ReportKind, key: string, report: ProgressReport | undefined): Message {
  const period = periodLabel(t, kind, key);
  const b = message().header(t('reports.showTitle', { name: member.displayName, period }));
  if (!report) return b.text(t('reports.missing', { name: mention(member.id), period })).build();
  const stamp = report.editedAt
    ? t('reports.stampEdited', { submitted: when(report.submittedAt, viewerTimezone), edited: when(report.editedAt, viewerTimezone) })
    : t('reports.stamp', { submitted: when(report.submittedAt, viewerTimezone) });
  return b.text(partLines(t, report)).context(stamp).build();
}

/** A manager's overview: each team member's report for their own current period. */
export function teamOverview(t: Translator, kind: ReportKind, rows: Array<{ member: Member; key: string; report?: ProgressReport }>): Message {
  const b = message().header(t(`reports.teamTitle.${kind}`));
  if (!rows.length) return b.text(t('reports.teamEmpty')).build();
  const lines = rows.map(({ member, key, report }) => {
    if (!report) return `- ${mention(member.id)} · ${key}: _${t('reports.notYet')}_`;
    const summary = REPORT_PARTS.filter((p) => report[p]).map((p) => `${t(`reports.part.${p}`)}: ${report[p].slice(0, 120).replace(/\n/g, ' ')}`).join(' | ');
    return `- ${mention(member.id)} · ${key}: ${summary}`;
  });
  const submitted = rows.filter((r) => r.report).length;
  return b.text(lines.join('\n')).context(t('reports.teamCount', { submitted, total: rows.length })).build();
}

/** The report form for one period, prefilled with what was already written. */
export function reportForm(t: Translator, kind: ReportKind, key: string, existing: ProgressReport | undefined): Form {
  return {
    id: REPORT_FORM_ID,
    title: t(existing ? 'reports.form.editTitle' : 'reports.form.title', { period: periodLabel(t, kind, key) }),
    submitLabel: t('common.save'),
    state: `${kind}:${key}`,
    fields: REPORT_PARTS.map((part) => ({
      name: part, label: t(`reports.part.${part}`), kind: 'textarea' as const, maxLength: REPORT_LIMITS.partLength,
      initial: existing?.[part] ?? '', placeholder: t(`reports.form.placeholder.${part}`),
    })),
  };
}
