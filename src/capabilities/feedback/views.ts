import { DateTime } from 'luxon';
import type { Account } from '../../../db/schema/accounts.ts';
import { FEEDBACK_CATEGORIES, type Feedback } from '../../../db/schema/feedback.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { Form } from '../../chat/forms.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Button, type Message } from '../../chat/message.ts';
import { FEEDBACK_LIMITS, needsAlert, type FeedbackView } from './service.ts';

/** Action and form ids of this capability. */
export const FEEDBACK_IDS = {
  ack: 'feedback.ack',
  resolve: 'feedback.resolve',
  account: 'feedback.account',
  form: 'feedback.submit',
  resolveForm: 'feedback.resolveNote',
} as const;

/** Select value for "no score" (platform selects refuse empty option values). */
export const NO_SCORE = 'none';

/** A moment in the viewer's time zone, short: 2026-11-30 10:05. */
export function when(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toFormat('yyyy-MM-dd HH:mm');
}

/** ★★☆☆☆ 2/5, or "no score". */
export function scoreText(t: Translator, score: number | null): string {
  if (score === null) return t('feedback.noScore');
  return `${'★'.repeat(score)}${'☆'.repeat(FEEDBACK_LIMITS.maxScore - score)} ${score}/5`;
}

function statusText(t: Translator, row: Feedback, timezone: string): string {
  if (!row.isComplaint) return t('feedback.notAComplaint');
  if (row.status === 'resolved' && row.resolvedAt) return t('feedback.status.resolvedAt', { at: when(row.resolvedAt, timezone) });
  if (row.status === 'acknowledged' && row.acknowledgedAt) return t('feedback.status.acknowledgedAt', { at: when(row.acknowledgedAt, timezone) });
  return t('feedback.status.open');
}

function quote(text: string, max = 600): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.split('\n').map((line) => `> ${line}`).join('\n');
}

/** What the author sees after logging feedback. */
export function savedReply(t: Translator, view: FeedbackView, alerted: Member[]): Message {
  const row = view.feedback;
  const kind = row.isComplaint ? t('feedback.kind.complaint') : t('feedback.kind.feedback');
  const b = message()
    .text(t('feedback.saved', { id: row.id, kind, account: view.accountName }))
    .fields([
      { label: t('feedback.field.score'), value: scoreText(t, row.score) },
      { label: t('feedback.field.category'), value: t(`feedback.category.${row.category}`) },
    ]);
  if (alerted.length) b.context(t('feedback.alerted', { names: alerted.map((m) => mention(m.id)).join(', ') }));
  else if (needsAlert(row)) b.context(t('feedback.noOneToAlert'));
  if (row.isComplaint) b.context(t('feedback.trackHint', { id: row.id }));
  return b.build();
}

/**
 * The alert a manager gets for a low score or a complaint, in the manager's language. Complaints
 * carry the buttons for their next step; a resolved complaint has none left.
 */
export function alertCard(t: Translator, view: FeedbackView, timezone: string, options: { resolveNonce?: string } = {}): Message {
  const row = view.feedback;
  const title = row.isComplaint
    ? t('feedback.alert.complaintTitle', { account: view.accountName })
    : t('feedback.alert.lowScoreTitle', { account: view.accountName });
  const fields = [
    { label: t('feedback.field.account'), value: view.accountName },
    { label: t('feedback.field.score'), value: scoreText(t, row.score) },
    { label: t('feedback.field.category'), value: t(`feedback.category.${row.category}`) },
    { label: t('feedback.field.status'), value: statusText(t, row, timezone) },
  ];
  const buttons: Button[] = [];
  if (row.isComplaint && row.status === 'open') {
    buttons.push({ label: t('feedback.button.ack'), action: FEEDBACK_IDS.ack, value: String(row.id), style: 'primary' });
  }
  if (row.isComplaint && row.status !== 'resolved') {
    // A fresh nonce lets the button be clicked again after its form was dismissed: platforms
    // run a click on the same message, button and value only once.
    const value = options.resolveNonce ? `${row.id}.${options.resolveNonce}` : String(row.id);
    buttons.push({ label: t('feedback.button.resolve'), action: FEEDBACK_IDS.resolve, value });
  }
  buttons.push({ label: t('feedback.button.account'), action: FEEDBACK_IDS.account, value: String(row.accountId) });
  const b = message()
    .header(title)
    .text(t('feedback.alert.body', { assistant: mention(row.memberId), at: when(row.receivedAt, timezone) }))
    .text(quote(row.text))
    .fields(fields);
  if (row.status === 'resolved' && row.resolutionNote) b.text(`**${t('feedback.field.resolution')}**\n${quote(row.resolutionNote)}`);
  return b.buttons(buttons)
    .context(row.isComplaint && row.status !== 'resolved'
      ? t('feedback.alert.hintComplaint', { id: row.id })
      : t('feedback.alert.hint', { id: row.id }))
    .fallback(`${title}: ${row.text.slice(0, 200)}`)
    .build();
}

/** A list of feedback entries, newest first. */
export function feedbackList(t: Translator, timezone: string, rows: FeedbackView[], title: string): Message {
  const b = message().header(title);
  if (!rows.length) return b.text(t('feedback.list.empty')).context(t('feedback.list.hint')).build();
  const lines = rows.map(({ feedback: row, accountName }) => {
    const parts = [`**#${row.id}** ${accountName}`, scoreText(t, row.score), t(`feedback.category.${row.category}`)];
    if (row.isComplaint) parts.push(`${t('feedback.kind.complaint')}: ${statusText(t, row, timezone)}`);
    parts.push(mention(row.memberId), when(row.receivedAt, timezone));
    const snippet = row.text.length > 80 ? `${row.text.slice(0, 80)}…` : row.text;
    return `- ${parts.join(' · ')}\n  _${snippet.replace(/\n/g, ' ')}_`;
  });
  return b.text(lines.join('\n')).context(t('feedback.list.hint')).build();
}

/** Confirmation after an acknowledgement or resolution typed as a command. */
export function transitionReply(t: Translator, view: FeedbackView, timezone: string): Message {
  const row = view.feedback;
  const key = row.status === 'resolved' ? 'feedback.resolvedReply' : 'feedback.acknowledgedReply';
  return message().text(t(key, { id: row.id, account: view.accountName, assistant: mention(row.memberId) }))
    .fields([{ label: t('feedback.field.status'), value: statusText(t, row, timezone) }])
    .build();
}

/** The DM an assistant gets when their complaint moves on, in the assistant's language. */
export function assistantUpdate(t: Translator, view: FeedbackView, actor: Member): Message {
  const row = view.feedback;
  if (row.status === 'resolved') {
    return message()
      .text(t('feedback.notify.resolved', { id: row.id, account: view.accountName, manager: mention(actor.id) }))
      .text(quote(row.resolutionNote ?? ''))
      .build();
  }
  return message().text(t('feedback.notify.acknowledged', { id: row.id, account: view.accountName, manager: mention(actor.id) })).build();
}

/** The account a feedback alert links to: who holds it and how its clients feel. */
export function accountCard(
  t: Translator, timezone: string, account: Account,
  summary: { count: number; average: number | null; openComplaints: number }, recent: FeedbackView[],
): Message {
  const fields = [
    { label: t('feedback.field.tier'), value: account.tier },
    { label: t('feedback.field.assistant'), value: account.assistantId ? mention(account.assistantId) : t('common.notSet') },
    { label: t('feedback.field.average'), value: summary.average === null ? t('feedback.noScore') : `${summary.average.toFixed(1)}/5 (${summary.count})` },
    { label: t('feedback.field.openComplaints'), value: String(summary.openComplaints) },
  ];
  const b = message().header(account.name).fields(fields);
  if (recent.length) {
    b.text(recent.map(({ feedback: row }) => `- #${row.id} ${scoreText(t, row.score)} · ${t(`feedback.category.${row.category}`)} · ${when(row.receivedAt, timezone)}: _${row.text.slice(0, 80).replace(/\n/g, ' ')}_`).join('\n'));
  }
  return b.context(t('feedback.accountHint', { account: account.name })).build();
}

/** The form `/kam feedback` opens with no arguments. */
export function feedbackForm(t: Translator, accountsOfMember: Account[]): Form {
  return {
    id: FEEDBACK_IDS.form,
    title: t('feedback.form.title'),
    submitLabel: t('common.submit'),
    fields: [
      { name: 'account', label: t('feedback.field.account'), kind: 'select', required: true, options: accountsOfMember.map((a) => ({ value: String(a.id), label: a.name })) },
      {
        name: 'score', label: t('feedback.field.score'), kind: 'select',
        initial: NO_SCORE,
        options: [{ value: NO_SCORE, label: t('feedback.noScore') }, ...[5, 4, 3, 2, 1].map((s) => ({ value: String(s), label: scoreText(t, s) }))],
        hint: t('feedback.form.scoreHint'),
      },
      { name: 'category', label: t('feedback.field.category'), kind: 'select', required: true, initial: 'other', options: FEEDBACK_CATEGORIES.map((c) => ({ value: c, label: t(`feedback.category.${c}`) })) },
      { name: 'complaint', label: t('feedback.field.complaint'), kind: 'select', required: true, initial: 'no', options: [{ value: 'no', label: t('common.no') }, { value: 'yes', label: t('common.yes') }] },
      { name: 'text', label: t('feedback.field.text'), kind: 'textarea', required: true, maxLength: FEEDBACK_LIMITS.textLength, placeholder: t('feedback.form.textPlaceholder') },
    ],
  };
}

/** The small form asking for a resolution note. */
export function resolveForm(t: Translator, view: FeedbackView): Form {
  return {
    id: FEEDBACK_IDS.resolveForm,
    title: t('feedback.resolveForm.title', { id: view.feedback.id }),
    submitLabel: t('feedback.button.resolve'),
    state: String(view.feedback.id),
    fields: [
      { name: 'note', label: t('feedback.field.resolution'), kind: 'textarea', required: true, maxLength: FEEDBACK_LIMITS.noteLength, hint: `${view.accountName}: ${view.feedback.text.slice(0, 120)}` },
    ],
  };
}
