import { TOUCH_KINDS, type Touch } from '../../../db/schema/touches.ts';
import type { Account } from '../../../db/schema/accounts.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import type { Form, FormField } from '../../chat/forms.ts';
import { mention, message, type Button, type Message } from '../../chat/message.ts';
import { localDate } from '../../lib/time.ts';
import { clip } from '../accounts/views.ts';
import { TOUCH_LIMITS, type TouchRow } from './service.ts';

export const TOUCH_FORM_ID = 'touch.submit';
export const VISIT_FORM_ID = 'visit.submit';

function followUpButtons(t: Translator, touch: Touch, againAction: string): Button[] {
  const buttons: Button[] = [{ label: t('touches.logAnother'), action: againAction, value: String(touch.accountId) }];
  if (touch.nextStep && !touch.nextStepDoneAt) {
    buttons.push({ label: t('touches.markDone'), action: 'touch.done', value: String(touch.id), style: 'primary' });
  }
  return buttons;
}

function nextStepField(t: Translator, touch: Touch) {
  if (!touch.nextStep) return [];
  const due = touch.nextStepDue ? ` · ${t('accounts.due', { date: touch.nextStepDue })}` : '';
  return [{ label: t('touches.nextStep'), value: `${touch.nextStep}${due}` }];
}

/** Confirmation of a logged touch, with "log another" and "mark next step done" buttons. */
export function touchLogged(t: Translator, touch: Touch, account: Account, timezone: string): Message {
  return message()
    .text(t('touches.logged', { kind: t(`touches.kind.${touch.kind}`), name: account.name, date: localDate(touch.occurredAt, timezone), id: touch.id }))
    .fields([{ label: t('touches.summary'), value: clip(touch.summary, 300) }, ...nextStepField(t, touch)])
    .buttons(followUpButtons(t, touch, 'touch.another'))
    .build();
}

/** The visit report card (拜访报告). */
export function visitReport(t: Translator, touch: Touch, account: Account, timezone: string): Message {
  const fields = [
    { label: t('touches.date'), value: localDate(touch.occurredAt, timezone) },
    { label: t('touches.by'), value: mention(touch.memberId) },
  ];
  if (touch.attendees) fields.push({ label: t('touches.attendees'), value: touch.attendees });
  if (touch.clientNeeds) fields.push({ label: t('touches.clientNeeds'), value: touch.clientNeeds });
  if (touch.outcome) fields.push({ label: t('touches.outcome'), value: touch.outcome });
  fields.push(...nextStepField(t, touch));
  return message()
    .header(t('touches.visitTitle', { name: account.name }))
    .fields(fields)
    .context(t('touches.visitSaved', { id: touch.id }))
    .buttons(followUpButtons(t, touch, 'visit.open'))
    .build();
}

/** A list of touches, newest first. */
export function touchList(t: Translator, rows: TouchRow[], title: string, timezone: string): Message {
  const lines = rows.map(({ touch, accountName }) => {
    const text = touch.kind === 'visit' && touch.outcome ? touch.outcome : touch.summary;
    let line = `- #${touch.id} ${localDate(touch.occurredAt, timezone)} · ${t(`touches.kind.${touch.kind}`)} · **${accountName}** · ${clip(text || '—', 80)} (${mention(touch.memberId)})`;
    if (touch.nextStep) {
      line += touch.nextStepDoneAt
        ? ` · ✅ ${clip(touch.nextStep, 40)}`
        : ` · ⏳ ${clip(touch.nextStep, 40)}${touch.nextStepDue ? ` (${touch.nextStepDue})` : ''}`;
    }
    return line;
  });
  return message()
    .header(title)
    .text(lines.join('\n') || t('touches.listEmpty'))
    .context(rows.length >= TOUCH_LIMITS.listRows ? t('touches.listTruncated', { count: rows.length }) : t('touches.listHint'))
    .build();
}

/** Slack static selects hold at most 100 options. */
const MAX_OPTIONS = 100;

function accountField(t: Translator, accounts: Account[], selected: number | undefined): FormField {
  const options = accounts.slice(0, MAX_OPTIONS).map((a) => ({ value: String(a.id), label: a.name.slice(0, 75) }));
  // A preset must be one of the options (Slack rejects the view otherwise), e.g. not an archived account.
  const initial = selected !== undefined && options.some((o) => o.value === String(selected)) ? String(selected) : undefined;
  return { name: 'account', label: t('touches.account'), kind: 'select', required: true, options, initial };
}

/** The form for logging a touch (opened by "Log another" or `/kam touch` alone). */
export function touchForm(t: Translator, accounts: Account[], today: string, selected?: number): Form {
  return {
    id: TOUCH_FORM_ID,
    title: t('touches.formTitle'),
    submitLabel: t('common.save'),
    fields: [
      accountField(t, accounts, selected),
      { name: 'kind', label: t('touches.kindLabel'), kind: 'select', required: true, options: TOUCH_KINDS.map((k) => ({ value: k, label: t(`touches.kind.${k}`) })), initial: 'call' },
      { name: 'date', label: t('touches.date'), kind: 'date', initial: today },
      { name: 'summary', label: t('touches.summary'), kind: 'textarea', required: true, maxLength: TOUCH_LIMITS.summary },
      { name: 'next', label: t('touches.nextStep'), kind: 'text', maxLength: TOUCH_LIMITS.nextStep },
      { name: 'due', label: t('touches.due'), kind: 'date' },
    ],
  };
}

/** The visit report form (拜访报告). */
export function visitForm(t: Translator, accounts: Account[], today: string, selected?: number): Form {
  return {
    id: VISIT_FORM_ID,
    title: t('touches.visitFormTitle'),
    submitLabel: t('common.save'),
    fields: [
      accountField(t, accounts, selected),
      { name: 'date', label: t('touches.date'), kind: 'date', initial: today },
      { name: 'attendees', label: t('touches.attendees'), kind: 'text', maxLength: TOUCH_LIMITS.attendees, placeholder: t('touches.attendeesPlaceholder') },
      { name: 'needs', label: t('touches.clientNeeds'), kind: 'textarea', maxLength: TOUCH_LIMITS.clientNeeds },
      { name: 'outcome', label: t('touches.outcome'), kind: 'textarea', required: true, maxLength: TOUCH_LIMITS.outcome },
      { name: 'next', label: t('touches.nextStep'), kind: 'text', maxLength: TOUCH_LIMITS.nextStep },
      { name: 'due', label: t('touches.due'), kind: 'date' },
    ],
  };
}
