/** Longest command text we accept; longer input is refused before any parsing work. */
export const MAX_COMMAND_LENGTH = 4000;

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '「': '」', '『': '』' };
const SPACE = /[\s\u3000]/;

/**
 * Splits command text into tokens. Quoted phrases ("…", “…”, 「…」) stay whole; an unclosed
 * quote runs to the end of the line rather than failing, which is what people mean.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (SPACE.test(ch)) { i += 1; continue; }
    const close = QUOTES[ch];
    if (close) {
      const end = text.indexOf(close, i + 1);
      const stop = end === -1 ? text.length : end;
      tokens.push(text.slice(i + 1, stop));
      i = stop + 1;
      continue;
    }
    let j = i;
    let token = '';
    while (j < text.length && !SPACE.test(text[j]!)) {
      // key="quoted value" keeps the quoted part together.
      const inner = QUOTES[text[j]!];
      if (inner && token.endsWith('=')) {
        const end = text.indexOf(inner, j + 1);
        const stop = end === -1 ? text.length : end;
        token += text.slice(j + 1, stop);
        j = stop + 1;
        continue;
      }
      token += text[j];
      j += 1;
    }
    tokens.push(token);
    i = j;
  }
  return tokens;
}

/** Removes an optional leading `/kam` or `kam` so DMs work with or without the prefix. */
export function stripPrefix(text: string): string {
  return text.replace(/^[\s\u3000]*\/?kam(?=[\s\u3000]|$)/i, '').trim();
}

/** The words after a command name, with helpers for subcommands, flags and free text. */
export class Args {
  private readonly items: string[];

  constructor(tokens: string[]) {
    this.items = [...tokens];
  }

  get length(): number { return this.items.length; }
  peek(): string | undefined { return this.items[0]; }
  shift(): string | undefined { return this.items.shift(); }
  all(): string[] { return [...this.items]; }

  /** Takes the next token if it is one of the given words (case-insensitive). */
  takeWord(...words: string[]): string | undefined {
    const head = this.items[0]?.toLowerCase();
    if (head !== undefined && words.some((w) => w.toLowerCase() === head)) return this.items.shift();
    return undefined;
  }

  /** Takes `name=value` / `--name=value` (any of the aliases); returns the value. */
  takeOption(...names: string[]): string | undefined {
    const wanted = names.map((n) => n.toLowerCase());
    for (let i = 0; i < this.items.length; i += 1) {
      const token = this.items[i]!;
      const m = token.match(/^(?:--)?([^=：:\s]+)[=＝](.*)$/s);
      if (m && wanted.includes(m[1]!.toLowerCase())) {
        this.items.splice(i, 1);
        return m[2]!;
      }
    }
    return undefined;
  }

  /** Takes a bare `--flag` (or any alias); true when present. */
  takeFlag(...names: string[]): boolean {
    const i = this.items.findIndex((t) => names.some((n) => t.toLowerCase() === n.toLowerCase()));
    if (i === -1) return false;
    this.items.splice(i, 1);
    return true;
  }

  /** Takes every `<@m:ID>` mention token; returns member ids in order. */
  takeMentions(): number[] {
    const ids: number[] = [];
    for (let i = this.items.length - 1; i >= 0; i -= 1) {
      const m = this.items[i]!.match(/^<@m:(\d+)>$/);
      if (m) { ids.unshift(Number(m[1])); this.items.splice(i, 1); }
    }
    return ids;
  }

  /** Takes and joins everything left as free text. */
  rest(): string {
    const text = this.items.join(' ').trim();
    this.items.length = 0;
    return text;
  }
}

/** Edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** The candidates closest to `input` (by edit distance, or containing it), best first. */
export function closest(input: string, candidates: string[], limit = 3): string[] {
  const needle = input.toLowerCase().slice(0, 64);
  const maxDistance = Math.max(1, Math.floor(needle.length / 3));
  return candidates
    .map((c) => {
      const hay = c.toLowerCase();
      const contains = Math.min(needle.length, hay.length) >= 3 && (hay.includes(needle) || needle.includes(hay));
      return { c, d: contains ? 0.5 : editDistance(needle, hay.slice(0, 64)) };
    })
    .filter((x) => x.d <= maxDistance)
    .sort((x, y) => x.d - y.d || x.c.length - y.c.length)
    .slice(0, limit)
    .map((x) => x.c);
}
