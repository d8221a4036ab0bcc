import type { Account } from '../../../db/schema/accounts.ts';
import type { Feedback } from '../../../db/schema/feedback.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { Touch } from '../../../db/schema/touches.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import { daysBetween, localDate } from '../../lib/time.ts';
import type { AccountDetail, AccountStatus } from './service.ts';

/** Most rows one list shows; the most overdue come first, so the cut drops the healthiest. */
const LIST_LIMIT = 50;

/** Shortens free text for one-line list entries. */
export function clip(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "last touch … · overdue/on track" in the viewer's words. */
export function statusText(t: Translator, status: AccountStatus, timezone: string): string {
  const last = status.lastTouchAt
    ? t('accounts.lastTouch', { date: localDate(status.lastTouchAt, timezone), days: status.daysSince })
    : t('accounts.neverTouched');
  const state = status.overdueBy > 0
    ? t('accounts.overdue', { days: status.overdueBy })
    : t('accounts.onTrack', { days: -status.overdueBy });
  return `${last} · ${state}`;
}

/** The account list, most overdue first (the caller sorts). */
export function accountList(t: Translator, viewer: Member, rows: AccountStatus[]): Message {
  const overdue = rows.filter((r) => r.overdueBy > 0).length;
  const lines = rows.slice(0, LIST_LIMIT).map((r) => {
    const who = r.account.assistantId ? mention(r.account.assistantId) : t('accounts.noAssistant');
    return `- **${r.account.name}** · ${r.account.tier} · ${who} · ${statusText(t, r, viewer.timezone)}`;
  });
  const canAdd = viewer.role !== 'assistant';
  return message()
    .header(t('accounts.listTitle', { count: rows.length }))
    .text(rows.length ? t('accounts.listSummary', { overdue, count: rows.length }) : t(canAdd ? 'accounts.listEmptyLead' : 'accounts.listEmpty'))
    .text(lines.join('\n'))
    .context(rows.length > LIST_LIMIT ? t('accounts.listMore', { shown: LIST_LIMIT, count: rows.length }) : '')
    .context(t('accounts.listHint'))
    .build();
}

function touchLine(t: Translator, touch: Touch, timezone: string): string {
  const text = touch.kind === 'visit' && touch.outcome ? touch.outcome : touch.summary;
  return `- ${localDate(touch.occurredAt, timezone)} · ${t(`touches.kind.${touch.kind}`)} · ${clip(text || '—')} (${mention(touch.memberId)})`;
}

function feedbackLine(t: Translator, item: Feedback, timezone: string): string {
  const parts = [localDate(item.receivedAt, timezone)];
  if (item.score !== null) parts.push(`${item.score}/5`);
  parts.push(t(`accounts.feedbackCategory.${item.category}`));
  if (item.isComplaint) parts.push(t('accounts.complaint', { status: t(`accounts.complaintStatus.${item.status ?? 'open'}`) }));
  return `- ${parts.join(' · ')} · ${clip(item.text)}`;
}

/** One open next step with its due date, flagged when late. */
export function nextStepLine(t: Translator, touch: Touch, today: string): string {
  const due = touch.nextStepDue
    ? (daysBetween(today, touch.nextStepDue) < 0 ? t('accounts.dueLate', { date: touch.nextStepDue }) : t('accounts.due', { date: touch.nextStepDue }))
    : '';
  return `- #${touch.id} ${clip(touch.nextStep ?? '', 120)}${due ? ` · ${due}` : ''}`;
}

/** The account card for `account show`. */
export function accountCard(t: Translator, detail: AccountDetail, status: AccountStatus, timezone: string, today: string): Message {
  const { account } = detail;
  const b = message()
    .header(account.name)
    .fields([
      { label: t('accounts.tier'), value: account.tier },
      { label: t('accounts.cadence'), value: t('accounts.cadenceValue', { days: account.cadenceDays }) },
      { label: t('accounts.manager'), value: account.managerId ? mention(account.managerId) : t('common.notSet') },
      { label: t('accounts.assistant'), value: account.assistantId ? mention(account.assistantId) : t('accounts.noAssistant') },
      { label: t('accounts.status'), value: statusText(t, status, timezone) },
    ]);
  if (account.notes) b.text(`**${t('accounts.notes')}**\n${account.notes}`);
  b.text(`**${t('accounts.recentTouches')}**\n${detail.recentTouches.map((x) => touchLine(t, x, timezone)).join('\n') || `_${t('accounts.noTouches')}_`}`);
  b.text(`**${t('accounts.recentFeedback')}**\n${detail.recentFeedback.map((x) => feedbackLine(t, x, timezone)).join('\n') || `_${t('accounts.noFeedback')}_`}`);
  b.text(`**${t('accounts.openNextSteps')}**\n${detail.openNextSteps.map((x) => nextStepLine(t, x, today)).join('\n') || `_${t('accounts.noNextSteps')}_`}`);
  if (!account.archivedAt) {
    b.buttons([
      { label: t('touches.logTouchButton'), action: 'touch.another', value: String(account.id), style: 'primary' },
      { label: t('touches.visitButton'), action: 'visit.open', value: String(account.id) },
    ]);
  }
  return b.context(t('accounts.showHint')).build();
}

/** Confirmation after `account add`. */
export function accountAdded(t: Translator, account: Account): Message {
  return message()
    .text(t('accounts.added', { name: account.name, tier: account.tier, days: account.cadenceDays }))
    .context(account.assistantId ? t('accounts.addedAssistant', { assistant: mention(account.assistantId) }) : t('accounts.addedNoAssistant', { name: account.name }))
    .build();
}
