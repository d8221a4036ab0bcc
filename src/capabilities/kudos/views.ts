import type { Kudos, KudosValue } from '../../../db/schema/kudos.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import { localDate, type Period } from '../../lib/time.ts';

const MEDALS = ['🥇', '🥈', '🥉'];

function countText(t: Translator, n: number): string {
  return n === 1 ? t('kudos.count.one') : t('kudos.count.other', { count: n });
}

/** The public praise post. */
export function kudosPost(t: Translator, giverId: number, receiverId: number, reason: string, valueTag: string | null): Message {
  return message()
    .header(t('kudos.postTitle'))
    .text(t('kudos.post', { giver: mention(giverId), receiver: mention(receiverId), reason }))
    .context(valueTag ? t('kudos.postValue', { value: `#${valueTag}` }) : '')
    .build();
}

/** The DM the receiver gets. */
export function kudosDm(t: Translator, giverId: number, reason: string, valueTag: string | null): Message {
  return message()
    .text(t('kudos.dm', { giver: mention(giverId), reason }))
    .context(valueTag ? t('kudos.postValue', { value: `#${valueTag}` }) : '')
    .build();
}

/** The leaderboard: top receivers only (never a bottom list). */
export function leaderboard(t: Translator, period: Period, rows: Array<{ memberId: number; count: number; topValue: string | null }>): Message {
  const lines = rows.map((r, i) => {
    const line = t('kudos.topLine', { rank: MEDALS[i] ?? `${i + 1}.`, name: mention(r.memberId), count: countText(t, r.count) });
    return r.topValue ? `${line} · _${t('kudos.topValue', { value: `#${r.topValue}` })}_` : line;
  });
  return message()
    .header(t('kudos.topTitle', { period: t(`kudos.period.${period.kind}`, { key: period.key }) }))
    .text(lines.length ? lines.join('\n') : t('kudos.topEmpty'))
    .build();
}

/** A member's received kudos, newest first. */
export function history(t: Translator, receiverId: number, total: number, items: Kudos[], timezone: string): Message {
  const lines = items.map((k) => `- ${t('kudos.historyLine', {
    date: localDate(k.givenAt, timezone), giver: mention(k.giverId), value: k.valueTag ? ` · #${k.valueTag}` : '', reason: k.reason,
  })}`);
  return message()
    .header(t('kudos.historyTitle', { name: mention(receiverId), total }))
    .text(lines.length ? lines.join('\n') : t('kudos.historyEmpty'))
    .build();
}

/** The workspace's value tags. */
export function valuesList(t: Translator, values: KudosValue[]): Message {
  const lines = values.map((v) => {
    const key = `kudos.value.${v.tag}`;
    const description = v.description || (t(key) !== key ? t(key) : '');
    return `- **#${v.tag}**${description ? ` — ${description}` : ''}`;
  });
  return message().header(t('kudos.valuesTitle')).text(lines.join('\n')).context(t('kudos.valuesHint')).build();
}
