/** Inbound Slack text → the neutral command text the chat layer reads. */

const SLACK_TOKEN = /<([@#!])?([^>|]*)(?:\|([^>]*))?>/g;

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Converts Slack's wire text: `<@U123|name>` / `<@U123>` become `<@x:U123>` (listed in the
 * result), channel links become `#name`, URLs plain URLs, and entities are unescaped. Anything
 * a user typed that looks like one of our internal tokens is defused, so people cannot forge
 * mentions by typing them.
 */
export function fromSlackText(text: string, options: { stripUserId?: string } = {}): { text: string; userIds: string[] } {
  const userIds: string[] = [];
  let out = '';
  let last = 0;
  const plain = (segment: string) => unescape(segment).replace(/<@/g, '@');
  for (const m of text.matchAll(SLACK_TOKEN)) {
    out += plain(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, sigil, id = '', label] = m;
    if (sigil === '@' && /^[UW][A-Z0-9]{1,30}$/.test(id)) {
      if (id === options.stripUserId) continue;
      if (!userIds.includes(id)) userIds.push(id);
      out += `<@x:${id}>`;
    } else if (sigil === '#') {
      out += `#${plain(label ?? id)}`;
    } else if (sigil === '!') {
      out += `@${plain(label ?? id.split('^')[0] ?? '')}`;
    } else if (!sigil) {
      out += plain(id);
    } else {
      out += plain(label ?? id);
    }
  }
  out += plain(text.slice(last));
  return { text: out.replace(/[ \t]{2,}/g, ' ').trim(), userIds };
}

/** True for Slack DM channel ids (D…). */
export function isDirectMessageChannel(channelId: string | undefined): boolean {
  return !!channelId && channelId.startsWith('D');
}
