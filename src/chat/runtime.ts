import { randomBytes } from 'node:crypto';
import type { Database, Db } from '../../db/client.ts';
import { processedEvents } from '../../db/schema/delivery.ts';
import type { Locale, Member } from '../../db/schema/members.ts';
import type { Workspace } from '../../db/schema/workspaces.ts';
import { ensureMember, ensureWorkspace, type DirectoryDefaults, type ProfileHint } from '../capabilities/team/directory.ts';
import { loadPeople, type Person } from '../delivery/worker.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { CommandContext, ConversationRef, Outbox, Platform } from './context.ts';
import { FormValidationError, UserError } from './errors.ts';
import { createTranslator, type Translator } from './i18n/index.ts';
import { mentionedMemberIds, message, type Message } from './message.ts';
import { Args, closest, MAX_COMMAND_LENGTH, stripPrefix, tokenize } from './parser.ts';
import type { HandlerResult, Registry } from './registry.ts';
import { ephemeral, type Reply } from './reply.ts';

/** The body of an inbound event, already verified and decoded by a platform adapter. */
export type InboundBody =
  | { kind: 'command'; text: string }
  | { kind: 'message'; text: string }
  | { kind: 'action'; actionId: string; value: string }
  | { kind: 'form'; formId: string; values: Record<string, string>; state?: string };

/**
 * A platform-neutral inbound event. Mentions in text are written `<@x:EXTERNAL_ID>` by the
 * adapter and listed in `mentions`; the runtime maps them to members.
 */
export interface InboundEvent {
  platform: Platform;
  workspaceExternalId: string;
  workspaceName?: string;
  user: ProfileHint;
  conversation: ConversationRef;
  body: InboundBody;
  mentions?: ProfileHint[];
  /** Platform event id / view id / action key: the same key is processed once. */
  dedupeKey?: string;
}

/** What the adapter renders back to the user. */
export interface Outcome {
  replies: Reply[];
  /** True when the event was a retry or double submit and nothing ran. */
  duplicate: boolean;
  locale: Locale;
  workspace?: Workspace;
  member?: Member;
  /** Everyone mentioned in the replies, for native mention rendering. */
  people: Map<number, Person>;
}

export interface ChatRuntime {
  handle(event: InboundEvent): Promise<Outcome>;
  /** A translator for a locale (jobs and adapters use it for messages they build). */
  translator(locale: Locale): Translator;
  registry: Registry;
}

export interface ChatRuntimeOptions {
  database: Database;
  registry: Registry;
  clock: Clock;
  logger: Logger;
  outbox: Outbox;
  defaults: DirectoryDefaults;
  /** Called after a transaction that may have enqueued messages commits. */
  afterCommit?: () => void;
}

const EXTERNAL_MENTION = /<@x:([^>\s]{1,64})>/g;

// PostgreSQL text cannot hold NUL, and no person means to type one.
const stripNul = (text: string) => text.replaceAll(String.fromCharCode(0), '');

/** Removes characters no handler should ever see from text and form values. */
function sanitise(event: InboundEvent): InboundEvent {
  const body = event.body;
  if (body.kind === 'command' || body.kind === 'message') return { ...event, body: { ...body, text: stripNul(body.text) } };
  if (body.kind === 'form') {
    // Form fields never carry mentions: defuse typed look-alikes of our `<@m:ID>` tokens, which
    // would otherwise be stored and later render as real pings.
    const values = Object.fromEntries(Object.entries(body.values).map(([k, v]) => [k, stripNul(String(v)).replaceAll('<@', '@')]));
    return { ...event, body: { ...body, values, state: body.state === undefined ? undefined : stripNul(body.state) } };
  }
  return { ...event, body: { ...body, value: stripNul(body.value) } };
}

/** Creates the chat runtime: identity, dedupe, routing, transactions and error handling. */
export function createChatRuntime(options: ChatRuntimeOptions): ChatRuntime {
  const { database, registry, clock, logger, outbox } = options;
  const translators = new Map<Locale, Translator>();
  const translator = (locale: Locale): Translator => {
    let t = translators.get(locale);
    if (!t) { t = createTranslator(registry.catalog, locale); translators.set(locale, t); }
    return t;
  };

  async function resolveMentions(db: Db, workspace: Workspace, event: InboundEvent, now: Date): Promise<InboundBody> {
    const body = event.body;
    if (body.kind !== 'command' && body.kind !== 'message') return body;
    if (!body.text.includes('<@x:')) return body;
    const hints = new Map((event.mentions ?? []).map((h) => [h.externalId, h]));
    const ids = new Map<string, number>();
    for (const m of body.text.matchAll(EXTERNAL_MENTION)) {
      const externalId = m[1]!;
      if (ids.has(externalId)) continue;
      const member = await ensureMember(db, workspace, hints.get(externalId) ?? { externalId }, now, options.defaults);
      ids.set(externalId, member.id);
    }
    return { ...body, text: body.text.replace(EXTERNAL_MENTION, (_, ext: string) => `<@m:${ids.get(ext)}>`) };
  }

  async function dispatch(ctx: CommandContext, body: InboundBody): Promise<HandlerResult> {
    const { t } = ctx;
    if (body.kind === 'action') {
      const action = registry.action(body.actionId);
      if (!action) throw new UserError('error.unknownAction');
      return action.run(ctx, body.value.slice(0, 2000));
    }
    if (body.kind === 'form') {
      const form = registry.form(body.formId);
      if (!form) throw new UserError('error.unknownForm');
      return form.submit(ctx, body.values, body.state);
    }
    if (body.text.length > MAX_COMMAND_LENGTH) {
      throw new UserError('error.tooLong', { field: 'text', length: body.text.length, max: MAX_COMMAND_LENGTH });
    }
    const text = stripPrefix(body.text);
    const tokens = tokenize(text);
    const name = tokens[0];
    if (!name) return registry.command('help')!.run(ctx, new Args([]));
    const command = registry.command(name);
    // Plain DM sentences (no /kam prefix, more than one word) may be answers to a question the
    // bot asked (e.g. a meeting prompt): waiting handlers look first, so "help from legal…" is
    // captured, while a bare "help" or any "/kam …" still runs the command.
    const explicit = /^[\s\u3000]*\/?kam(?=[\s\u3000]|$)/i.test(body.text) || tokens.length === 1;
    // With "/kam" (or one word) they only look when no command matches.
    if (body.kind === 'message' && (!explicit || !command)) {
      for (const handler of registry.textHandlers) {
        const handled = await handler.handle(ctx, text);
        if (handled !== undefined) return handled;
      }
    }
    if (command) {
      if (command.roles && ctx.member.role !== 'admin' && !command.roles.includes(ctx.member.role)) {
        throw new UserError('error.roleRequired', { roles: command.roles.map((r) => t(`role.${r}`)).join(' / ') });
      }
      return command.run(ctx, new Args(tokens.slice(1)));
    }
    if (body.kind === 'message') {
      const suggestion = closest(name, registry.commandNames(), 1)[0];
      return ephemeral(message().text(t('error.notUnderstood')).context(suggestion ? t('error.didYouMean', { suggestion: `/kam ${suggestion}` }) : '').build());
    }
    throw new UserError('error.unknownCommand', { command: name.slice(0, 40) });
  }

  function userErrorReply(t: Translator, error: UserError, body: InboundBody): Reply {
    const builder = message().text(`⚠️ ${t(error.key, error.params)}`);
    if (error.key === 'error.unknownCommand' && (body.kind === 'command' || body.kind === 'message')) {
      const typed = String(error.params.command ?? '');
      const suggestion = closest(typed, registry.commandNames(), 1)[0];
      builder.context(suggestion ? `${t('error.didYouMean', { suggestion: `/kam ${suggestion}` })} ${t('error.tryHelp')}` : t('error.tryHelp'));
    }
    if (error.usageOf) builder.context(t('error.usage', { usage: t(`cmd.${error.usageOf}.usage`) }));
    return ephemeral(builder.build());
  }

  function toReplies(result: HandlerResult): Reply[] {
    if (!result) return [];
    return Array.isArray(result) ? result : [result];
  }

  async function peopleIn(workspaceId: number, replies: Reply[]): Promise<Map<number, Person>> {
    const ids = new Set<number>();
    for (const r of replies) if (r.type === 'message') for (const id of mentionedMemberIds(r.message)) ids.add(id);
    return loadPeople(database.db, workspaceId, [...ids]);
  }

  async function handle(rawEvent: InboundEvent): Promise<Outcome> {
    const event = sanitise(rawEvent);
    const now = clock.now();
    const fallbackLocale = event.user.locale ?? options.defaults.locale;
    const empty = (replies: Reply[] = [], locale: Locale = fallbackLocale): Outcome => ({ replies, duplicate: false, locale, people: new Map() });
    let workspace: Workspace;
    let member: Member;
    try {
      workspace = await ensureWorkspace(database.db, event.platform, event.workspaceExternalId.slice(0, 200), event.workspaceName);
      if (!workspace.active) {
        return empty([ephemeral(message().text(translator(fallbackLocale)('error.workspaceInactive')).build())]);
      }
      member = await ensureMember(database.db, workspace, { ...event.user, externalId: event.user.externalId.slice(0, 200) }, now, options.defaults);
    } catch (error) {
      const ref = randomBytes(4).toString('hex');
      logger.error({ err: error, ref, platform: event.platform }, 'could not resolve workspace or member');
      return empty([ephemeral(message().text(translator(fallbackLocale)('error.unexpected', { ref })).build())]);
    }
    const t = translator(member.locale);
    const base = { workspace, member, locale: member.locale };
    if (member.isBot) return { ...empty([], member.locale), ...base };

    let duplicate = false;
    let replies: Reply[];
    try {
      replies = await database.db.transaction(async (tx) => {
        const scope = { db: tx as unknown as Db, workspaceId: workspace.id, now };
        if (event.dedupeKey) {
          const inserted = await tx.insert(processedEvents)
            .values({ workspaceId: workspace.id, eventKey: event.dedupeKey.slice(0, 300), processedAt: now })
            .onConflictDoNothing().returning({ key: processedEvents.eventKey });
          if (!inserted.length) { duplicate = true; return []; }
        }
        const body = await resolveMentions(scope.db, workspace, event, now);
        const ctx: CommandContext = {
          scope, workspace, member, locale: member.locale, t, translatorFor: translator,
          conversation: event.conversation, platform: event.platform, clock, outbox, logger,
          eventKey: event.dedupeKey,
          hooks: { teamJoined: (assistant) => registry.teamJoined(ctx, assistant) },
        };
        return toReplies(await dispatch(ctx, body));
      });
      options.afterCommit?.();
    } catch (error) {
      if (error instanceof UserError) {
        replies = [userErrorReply(t, error, event.body)];
      } else if (error instanceof FormValidationError) {
        replies = [{ type: 'formErrors', errors: error.errors }];
      } else {
        const ref = randomBytes(4).toString('hex');
        logger.error({ err: error, ref, workspaceId: workspace.id, memberId: member.id, kind: event.body.kind }, 'handler failed');
        replies = [ephemeral(message().text(t('error.unexpected', { ref })).build())];
      }
    }
    return { ...base, replies, duplicate, people: await peopleIn(workspace.id, replies) };
  }

  return { handle, translator, registry };
}

export type { Message };
