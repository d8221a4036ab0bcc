import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { and, asc, eq } from 'drizzle-orm';
import { members } from '../../../db/schema/members.ts';
import { workspaces } from '../../../db/schema/workspaces.ts';
import { toPlainText } from '../../chat/message.ts';
import type { InboundBody, Outcome } from '../../chat/runtime.ts';
import { readBody, sendJson, type HttpRoute } from '../../server.ts';
import { mentionByName, type Person } from '../../delivery/worker.ts';
import type { PlatformAdapter, PlatformDeps } from '../types.ts';
import { seedDemoIfEmpty, CONSOLE_WORKSPACE } from './seed.ts';
import { ConsoleStore, type ConsoleEntry } from './store.ts';

export const TEAM_CHANNEL = 'channel:team';
const dmOf = (handle: string) => `dm:${handle}`;

const handleSchema = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}._-]+$/u);
const messageSchema = z.object({ user: handleSchema, text: z.string().max(40_000), conversation: z.string().max(100).optional() });
const actionSchema = z.object({ user: handleSchema, action: z.string().min(1).max(100), value: z.string().max(2000).default(''), entryId: z.number().int().optional(), nonce: z.string().max(100).optional(), conversation: z.string().max(100).optional() });
const formSchema = z.object({
  user: handleSchema, formId: z.string().min(1).max(100), values: z.record(z.string(), z.string().max(10_000)),
  state: z.string().max(2000).optional(), nonce: z.string().max(100).optional(), conversation: z.string().max(100).optional(),
});

function plain(entryMessage: ConsoleEntry['message'], people: Map<number, Person>): string | undefined {
  return entryMessage ? toPlainText(entryMessage, mentionByName(people)) : undefined;
}

/**
 * The local console: a browser chat workspace served by our own server, for trying KAM Bot
 * without Slack or Lark. Each handle is a member; each member has a DM with the bot, and
 * everyone shares the team channel.
 */
export async function createConsolePlatform(deps: PlatformDeps): Promise<PlatformAdapter> {
  const { runtime, database, clock } = deps;
  const store = new ConsoleStore();
  const seeded = await seedDemoIfEmpty(deps);

  async function workspaceId(): Promise<number | undefined> {
    const [ws] = await database.db.select({ id: workspaces.id }).from(workspaces)
      .where(and(eq(workspaces.platform, 'console'), eq(workspaces.externalId, CONSOLE_WORKSPACE)));
    return ws?.id;
  }

  /** Turns an outcome into console entries and the JSON the page renders. */
  function record(outcome: Outcome, user: string, conversation: string, entryId?: number) {
    const out: ConsoleEntry[] = [];
    const forms: unknown[] = [];
    let formErrors: Record<string, string> | undefined;
    for (const reply of outcome.replies) {
      if (reply.type === 'form') { forms.push(reply.form); continue; }
      if (reply.type === 'formErrors') { formErrors = reply.errors; continue; }
      const fields = {
        message: reply.message, plain: plain(reply.message, outcome.people),
        visibleTo: reply.visibility === 'ephemeral' && conversation !== dmOf(user) ? user : undefined,
      };
      if (reply.replaceOriginal && entryId && store.get(entryId)) {
        out.push(store.replace(entryId, { ...fields, editedAt: clock.now().toISOString() })!);
      } else {
        out.push(store.add({ conversation, from: 'bot', at: clock.now().toISOString(), ...fields }));
      }
    }
    return { replies: out, forms, formErrors, duplicate: outcome.duplicate };
  }

  const base = (user: string, conversation: string | undefined) => ({
    platform: 'console' as const,
    workspaceExternalId: CONSOLE_WORKSPACE,
    workspaceName: 'Console',
    user: { externalId: user },
    conversation: conversation === TEAM_CHANNEL
      ? { ref: TEAM_CHANNEL, kind: 'channel' as const }
      : { ref: dmOf(user), kind: 'dm' as const },
  });

  async function handleJson<T>(req: IncomingMessage, res: ServerResponse, schema: z.ZodType<T>, run: (input: T) => Promise<unknown>) {
    let parsed: T;
    try {
      const result = schema.safeParse(JSON.parse(await readBody(req, 200_000)));
      if (!result.success) { sendJson(res, 400, { error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }); return; }
      parsed = result.data;
    } catch {
      sendJson(res, 400, { error: 'body must be JSON' });
      return;
    }
    sendJson(res, 200, await run(parsed));
  }

  const page = readFileSync(fileURLToPath(new URL('./page.html', import.meta.url)));
  const servePage: HttpRoute['handle'] = (_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src https: http: data:",
      'x-content-type-options': 'nosniff',
    });
    res.end(page);
  };

  const routes: HttpRoute[] = [
    { method: 'GET', path: '/', handle: servePage },
    { method: 'GET', path: '/console', handle: servePage },
    {
      method: 'POST', path: '/console/api/messages', handle: (req, res) => handleJson(req, res, messageSchema, async (input) => {
        const b = base(input.user, input.conversation);
        store.add({ conversation: b.conversation.ref, from: input.user, at: clock.now().toISOString(), text: input.text });
        const body: InboundBody = input.text.trim().startsWith('/') || b.conversation.kind === 'channel'
          ? { kind: 'command', text: input.text.trim().replace(/^\/kam\b/i, '') }
          : { kind: 'message', text: input.text };
        if (b.conversation.kind === 'channel' && !/^\s*\/kam\b/i.test(input.text)) return { replies: [], forms: [] };
        const outcome = await runtime.handle({ ...b, body });
        return record(outcome, input.user, b.conversation.ref);
      }),
    },
    {
      method: 'POST', path: '/console/api/actions', handle: (req, res) => handleJson(req, res, actionSchema, async (input) => {
        const b = base(input.user, input.conversation);
        const outcome = await runtime.handle({
          ...b, body: { kind: 'action', actionId: input.action, value: input.value },
          // The page sends a nonce per deliberate click (and disables the button meanwhile), so a
          // retried request runs once but clicking "Log another" again works. API callers without
          // a nonce get one run per message, button and value.
          dedupeKey: input.nonce ? `click:${input.nonce}`
            : input.entryId ? `action:${input.entryId}:${input.action}:${input.value}:${input.user}` : undefined,
        });
        return record(outcome, input.user, b.conversation.ref, input.entryId);
      }),
    },
    {
      method: 'POST', path: '/console/api/forms', handle: (req, res) => handleJson(req, res, formSchema, async (input) => {
        const b = base(input.user, input.conversation);
        const outcome = await runtime.handle({
          ...b, body: { kind: 'form', formId: input.formId, values: input.values, state: input.state },
          dedupeKey: input.nonce ? `form:${input.nonce}` : undefined,
        });
        return record(outcome, input.user, b.conversation.ref);
      }),
    },
    {
      method: 'GET', path: '/console/api/conversations', handle: async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const user = url.searchParams.get('user') ?? '';
        const conversation = url.searchParams.get('conversation') ?? dmOf(user);
        const after = Number(url.searchParams.get('after') ?? 0) || 0;
        if (!handleSchema.safeParse(user).success) { sendJson(res, 400, { error: 'user is required' }); return; }
        sendJson(res, 200, { entries: store.list(conversation, user, after) });
      },
    },
    {
      method: 'GET', path: '/console/api/members', handle: async (_req, res) => {
        const id = await workspaceId();
        const rows = id ? await database.db.select({
          id: members.id, handle: members.externalId, name: members.displayName, role: members.role, locale: members.locale, timezone: members.timezone,
        }).from(members).where(and(eq(members.workspaceId, id), eq(members.isBot, false))).orderBy(asc(members.id)) : [];
        sendJson(res, 200, { members: rows, seeded });
      },
    },
  ];

  return {
    name: 'console',
    routes,
    sender: {
      async send(request) {
        const conversation = 'member' in request.target ? dmOf(request.target.member.externalId) : request.target.conversation;
        const entry = store.add({
          conversation, from: 'bot', at: clock.now().toISOString(),
          message: request.message, plain: plain(request.message, request.people),
        });
        return { externalRef: String(entry.id) };
      },
    },
  };
}
