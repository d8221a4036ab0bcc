import type { Form } from '../../chat/forms.ts';
import type { Message } from '../../chat/message.ts';

/** One line in a console conversation, as the page shows it. */
export interface ConsoleEntry {
  id: number;
  conversation: string;
  /** Member handle of the author, or "bot". */
  from: string;
  at: string;
  /** Set for ephemeral bot replies: only this handle sees them. */
  visibleTo?: string;
  text?: string;
  message?: Message;
  /** Rendered plain text of `message`, mentions resolved to @names. */
  plain?: string;
  form?: Form;
  editedAt?: string;
}

/** In-memory conversation log for the local console (the database keeps the real records). */
export class ConsoleStore {
  private nextId = 1;
  private readonly entries: ConsoleEntry[] = [];
  private readonly limit: number;

  constructor(limit = 2000) {
    this.limit = limit;
  }

  add(entry: Omit<ConsoleEntry, 'id'>): ConsoleEntry {
    const saved = { ...entry, id: this.nextId++ };
    this.entries.push(saved);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return saved;
  }

  get(id: number): ConsoleEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  replace(id: number, patch: Partial<ConsoleEntry>): ConsoleEntry | undefined {
    const entry = this.get(id);
    if (entry) Object.assign(entry, patch);
    return entry;
  }

  /** Entries of a conversation that `viewer` may see, after `afterId`. */
  list(conversation: string, viewer: string, afterId = 0): ConsoleEntry[] {
    return this.entries.filter((e) => e.conversation === conversation && e.id > afterId && (!e.visibleTo || e.visibleTo === viewer));
  }
}
