/* oxlint-disable unicorn/require-post-message-target-origin -- Slack's chat.postMessage, not window.postMessage */
import { createHash, randomBytes } from 'node:crypto';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { and, eq } from 'drizzle-orm';
import { workspaces } from '../../../db/schema/workspaces.ts';
import { HOME_COMMAND } from '../../capabilities/home/commands.ts';
import type { ProfileHint } from '../../capabilities/team/directory.ts';
import type { ConversationRef } from '../../chat/context.ts';
import { ConfigError } from '../../config.ts';
import type { Reply } from '../../chat/reply.ts';
import { createOutbox } from '../../delivery/outbox.ts';
import type { InboundBody, Outcome } from '../../chat/runtime.ts';
import type { HttpRoute } from '../../server.ts';
import type { PlatformAdapter, PlatformDeps } from '../types.ts';
import { apiUrlOf, createClientPool, createSlackLogger, webClientOptions, type WebClient } from './client.ts';
import { createInstallationStore, deactivateWorkspace } from './installations.ts';
import { SlackHttpReceiver } from './receiver.ts';
import { actionIdOf, formValuesOf, modalErrors, parseModalMetadata, renderHomeView, renderMessage, renderModal, SLACK_LIMITS, type RenderContext } from './render.ts';
import { createSlackSender, toDeliveryError } from './sender.ts';
import { fromSlackText, isDirectMessageChannel } from './text.ts';
import { createUserDirectory } from './users.ts';

/** Bot scopes, each for a call or event we use (manifest.yml declares exactly these; a test checks). */
export const BOT_SCOPES = {
  commands: 'the /kam slash command',
  'chat:write': 'chat.postMessage, chat.postEphemeral, chat.update',
  'im:history': 'message.im events (DMs to the bot)',
  'app_mentions:read': 'app_mention events',
  'users:read': 'users.info for names and time zones',
} as const;
/** Events we subscribe to (manifest settings.event_subscriptions.bot_events). */
export const BOT_EVENTS = ['app_home_opened', 'message.im', 'app_mention', 'app_uninstalled', 'tokens_revoked'] as const;
/** Slash commands we register. */
export const SLASH_COMMANDS = ['/kam'] as const;
/** Our own button that re-runs a command with a trigger id, so a form can open as a modal. */
export const RERUN_ACTION = 'slack.rerun';

/** The Slack adapter plus a hook tests use to wait for work started after an ack. */
export interface SlackPlatform extends PlatformAdapter {
  /** Resolves when every request received so far has been fully handled. */
  idle(): Promise<void>;
}

/** Where and how to answer one inbound interaction. */
interface AnswerTarget {
  client: WebClient;
  userId: string;
  channelId?: string;
  responseUrl?: string;
  triggerId?: string;
  threadTs?: string;
  /** The command text, so a form requested from a DM can be reopened from a button. */
  rerunText?: string;
  /** The interaction came from the App Home tab: replace-original means republish it. */
  fromHome?: boolean;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * Slack through Bolt, inside our HTTP server (POST /slack/events) or over Socket Mode when
 * SLACK_APP_TOKEN is set. Every interaction is acknowledged first; the chat runtime then runs
 * and the answer goes back by response_url, chat.postMessage/postEphemeral or views.open.
 */
export async function createSlackPlatform(deps: PlatformDeps): Promise<SlackPlatform> {
  const { config, database, runtime, clock } = deps;
  const slack = config.slack!;
  const logger = deps.logger.child({ platform: 'slack' });
  const clientFor = createClientPool(slack, logger);
  const users = createUserDirectory(database, clock, logger);
  const store = slack.oauth ? createInstallationStore(database, clock, logger) : undefined;
  const clientOptions = webClientOptions(slack, logger);
  const slackLogger = createSlackLogger(logger);
  const outbox = createOutbox();

  // OAuth: Bolt's InstallProvider (inside an HTTPReceiver we never start) serves the install
  // pages from our server and authorizes each team's events from the PostgreSQL store.
  const oauth = slack.oauth && store ? new HTTPReceiver({
    signingSecret: slack.signingSecret,
    clientId: slack.oauth.clientId,
    clientSecret: slack.oauth.clientSecret,
    stateSecret: slack.oauth.stateSecret,
    installationStore: store,
    scopes: Object.keys(BOT_SCOPES),
    logger: slackLogger,
    installerOptions: { directInstall: true, clientOptions: { slackApiUrl: apiUrlOf(slack) } },
  }) : undefined;

  const httpReceiver = slack.appToken ? undefined : new SlackHttpReceiver({ signingSecret: slack.signingSecret, clock, logger });
  const receiver: Receiver = httpReceiver ?? new SocketModeReceiver({
    appToken: slack.appToken!, logger: slackLogger, installerOptions: { clientOptions: { slackApiUrl: apiUrlOf(slack) } },
  });

  let singleTeamId: string | undefined;
  let botUserId: string | undefined;
  let botId: string | undefined;
  if (!oauth) {
    // One clear line at start-up when the token is wrong, instead of failures on every event.
    try {
      const auth = await clientFor(slack.botToken!).auth.test();
      singleTeamId = str(auth.team_id);
      botUserId = str(auth.user_id);
      botId = str(auth.bot_id);
    } catch (error) {
      const reason = (error as { data?: { error?: string } }).data?.error ?? (error instanceof Error ? error.message : String(error));
      throw new ConfigError([`SLACK_BOT_TOKEN was rejected by Slack (auth.test: ${reason}); check the token, or SLACK_API_URL`]);
    }
    if (singleTeamId) {
      // The token works, so the app is installed there again (it may have been uninstalled before).
      await database.db.update(workspaces).set({ active: true })
        .where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, singleTeamId), eq(workspaces.active, false)));
    }
  }

  const app = new App({
    receiver,
    ...(oauth ? { authorize: oauth.installer!.authorize } : { token: slack.botToken, botId, botUserId, tokenVerificationEnabled: false }),
    logger: slackLogger,
    clientOptions: { ...clientOptions, logger: slackLogger },
    convoStore: false,
  });

  // Work after an ack keeps running; track it so shutdown (and tests) can wait for it, in
  // HTTP and Socket Mode alike.
  const inflight = new Set<Promise<unknown>>();
  app.use(async ({ next }) => {
    const work = next();
    inflight.add(work);
    try { await work; } finally { inflight.delete(work); }
  });
  const settle = async () => { while (inflight.size) await Promise.allSettled(inflight); };

  // ---- inbound ------------------------------------------------------------------------------

  async function handle(client: WebClient, teamId: string, userId: string, conversation: ConversationRef, body: InboundBody, extra: { dedupeKey?: string; mentionIds?: string[]; teamName?: string } = {}): Promise<Outcome> {
    const user = await users.hint(client, teamId, userId);
    const mentions: ProfileHint[] = [];
    for (const id of extra.mentionIds ?? []) mentions.push(await users.hint(client, teamId, id));
    return runtime.handle({
      platform: 'slack', workspaceExternalId: teamId, workspaceName: extra.teamName, user, conversation, body,
      mentions: mentions.length ? mentions : undefined, dedupeKey: extra.dedupeKey,
    });
  }

  function renderContext(outcome: Outcome): RenderContext {
    const t = runtime.translator(outcome.locale);
    return { people: outcome.people, moreNote: (count) => t('home.moreNotShown', { count }) };
  }

  async function postToResponseUrl(url: string, payload: Record<string, unknown>): Promise<void> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`response_url answered ${res.status}`);
  }

  async function publishHome(client: WebClient, userId: string, outcome: Outcome, reply: Reply): Promise<void> {
    if (reply.type !== 'message') return;
    await client.views.publish({ user_id: userId, view: renderHomeView(reply.message, renderContext(outcome)) as never });
  }

  /** Sends every reply of an outcome back to Slack; a failed answer is logged, never thrown. */
  async function answer(outcome: Outcome, target: AnswerTarget): Promise<void> {
    const { client, userId, channelId } = target;
    const t = runtime.translator(outcome.locale);
    const ctx = renderContext(outcome);
    const inDm = !channelId || isDirectMessageChannel(channelId);
    for (const reply of outcome.replies) {
      try {
        if (reply.type === 'formErrors') {
          // Only reached when the modal had to close before validation finished: say what was wrong.
          const lines = Object.values(reply.errors).map((e) => `- ${e}`).join('\n');
          const rendered = renderMessage({ blocks: [{ type: 'text', text: `⚠️ ${lines}` }] }, ctx);
          await client.chat.postMessage({ channel: inDm ? channelId ?? userId : userId, ...rendered, blocks: rendered.blocks as never });
          continue;
        }
        if (reply.type === 'form') {
          if (target.triggerId) {
            try {
              const meta = { f: reply.form.id, s: reply.form.state, c: channelId, ...(target.fromHome ? { h: 1 as const } : {}) };
              await client.views.open({ trigger_id: target.triggerId, view: renderModal(reply.form, meta, t, outcome.people) as never });
              continue;
            } catch (error) {
              // Trigger ids live 3 seconds; when it expired, offer the button below instead.
              logger.warn({ err: (error as { data?: { error?: string } }).data?.error ?? String(error) }, 'views.open failed');
              if (!target.rerunText) throw error;
            }
          }
          // No trigger id (DMs and mentions): offer a button, whose click brings one.
          const value = target.rerunText?.slice(0, SLACK_LIMITS.buttonValue + 1) ?? '';
          const prompt = { blocks: [{ type: 'text' as const, text: t('home.formHint') }, ...(value && value.length <= SLACK_LIMITS.buttonValue ? [{ type: 'buttons' as const, buttons: [{ label: t('home.openForm'), action: RERUN_ACTION, value, style: 'primary' as const }] }] : [])] };
          const rendered = renderMessage(prompt, ctx);
          if (inDm) await client.chat.postMessage({ channel: channelId ?? userId, ...rendered, blocks: rendered.blocks as never });
          else await client.chat.postEphemeral({ channel: channelId!, user: userId, ...rendered, blocks: rendered.blocks as never });
          continue;
        }
        if (target.fromHome && reply.replaceOriginal) { await publishHome(client, userId, outcome, reply); continue; }
        const rendered = renderMessage(reply.message, ctx);
        if (target.responseUrl) {
          try {
            await postToResponseUrl(target.responseUrl, {
              response_type: reply.visibility === 'public' ? 'in_channel' : 'ephemeral',
              replace_original: reply.replaceOriginal === true,
              ...rendered,
            });
            continue;
          } catch (error) {
            logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'response_url failed; answering by DM');
            await client.chat.postMessage({ channel: userId, ...rendered, blocks: rendered.blocks as never });
            continue;
          }
        }
        if (inDm || reply.visibility === 'public') {
          await client.chat.postMessage({ channel: channelId ?? userId, ...rendered, blocks: rendered.blocks as never, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) });
        } else {
          try {
            await client.chat.postEphemeral({ channel: channelId!, user: userId, ...rendered, blocks: rendered.blocks as never, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) });
          } catch {
            // Not in that channel (or it is gone): a private answer still reaches them by DM.
            await client.chat.postMessage({ channel: userId, ...rendered, blocks: rendered.blocks as never });
          }
        }
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error;
        const failure = toDeliveryError(error);
        if (failure.retryable && reply.type === 'message' && outcome.workspace && outcome.member) {
          // Slack is briefly unavailable: the answer waits in the outbox and arrives as a DM.
          const scope = { db: database.db, workspaceId: outcome.workspace.id, now: clock.now() };
          await outbox.enqueue(scope, { memberId: outcome.member.id }, reply.message, `slack-reply:${randomBytes(8).toString('hex')}`)
            .then(() => deps.delivery.kick(), (err: unknown) => logger.error({ err: String(err) }, 'could not queue a Slack answer'));
          logger.warn({ err: failure.message }, 'Slack answer queued for retry');
          continue;
        }
        logger.error({ err: code ?? (error instanceof Error ? error.message : String(error)), reply: reply.type }, 'could not answer on Slack');
      }
    }
  }

  const conversationOf = (channelId: string | undefined, userId: string): ConversationRef =>
    channelId && !isDirectMessageChannel(channelId) ? { ref: channelId, kind: 'channel' } : { ref: channelId ?? userId, kind: 'dm' };

  // `/kam …`: acknowledge at once, answer through response_url.
  app.command('/kam', async ({ command, ack, client }) => {
    await ack();
    const { text, userIds } = fromSlackText(command.text ?? '');
    const outcome = await handle(client, command.team_id, command.user_id, conversationOf(command.channel_id, command.user_id),
      { kind: 'command', text }, { mentionIds: userIds, teamName: command.team_domain });
    await answer(outcome, { client, userId: command.user_id, channelId: command.channel_id, responseUrl: command.response_url, triggerId: command.trigger_id, rerunText: text });
  });

  // DMs to the bot. Bots, edits and every other subtype are not commands.
  app.event('message', async ({ event, body, client }) => {
    const e = event as unknown as Record<string, unknown>;
    if (e.channel_type !== 'im' || e.subtype || e.bot_id || e.edited || typeof e.user !== 'string') return;
    const teamId = str((body as { team_id?: string }).team_id) ?? str(e.team);
    if (!teamId) return;
    const { text, userIds } = fromSlackText(String(e.text ?? ''));
    const channel = String(e.channel);
    const outcome = await handle(client, teamId, e.user, { ref: channel, kind: 'dm' }, { kind: 'message', text },
      { dedupeKey: `slack:event:${String((body as { event_id?: string }).event_id ?? e.ts)}`, mentionIds: userIds });
    await answer(outcome, { client, userId: e.user, channelId: channel, rerunText: text });
  });

  // "@KAM Bot …" in a channel: the rest of the message is a command.
  app.event('app_mention', async ({ event, body, client, context }) => {
    if (!event.user || (event as { bot_id?: string }).bot_id) return;
    const teamId = str((body as { team_id?: string }).team_id) ?? str(event.team);
    if (!teamId) return;
    const { text, userIds } = fromSlackText(event.text ?? '', { stripUserId: context.botUserId });
    const outcome = await handle(client, teamId, event.user, conversationOf(event.channel, event.user), { kind: 'command', text },
      { dedupeKey: `slack:event:${String((body as { event_id?: string }).event_id ?? event.ts)}`, mentionIds: userIds });
    await answer(outcome, { client, userId: event.user, channelId: event.channel, threadTs: event.thread_ts, rerunText: text });
  });

  // The App Home tab: rebuilt from the home capability every time it is opened.
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const teamId = str((body as { team_id?: string }).team_id);
    if (!teamId) return;
    await refreshHome(client, teamId, event.user);
  });

  async function uninstall(teamId: string | undefined, enterpriseId: string | undefined, why: string) {
    if (!teamId) return;
    await deactivateWorkspace(database, teamId);
    await store?.deleteInstallation?.({ teamId, enterpriseId, isEnterpriseInstall: false });
    logger.info({ teamId, why }, 'slack workspace deactivated');
  }
  app.event('app_uninstalled', async ({ body }) => {
    const b = body as { team_id?: string; enterprise_id?: string };
    await uninstall(b.team_id, b.enterprise_id, 'app_uninstalled');
  });
  app.event('tokens_revoked', async ({ event, body }) => {
    const b = body as { team_id?: string; enterprise_id?: string };
    if ((event.tokens?.bot ?? []).length) await uninstall(b.team_id, b.enterprise_id, 'tokens_revoked');
  });

  // Buttons. action_id is our action id; the dedupe key makes a double click run once.
  app.action(/.*/, async ({ ack, body, action, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const a = action as { action_id: string; value?: string; selected_option?: { value?: string } };
    const container = (body.container ?? {}) as { type?: string; message_ts?: string; channel_id?: string; view_id?: string };
    const teamId = body.team?.id ?? body.user.team_id;
    if (!teamId) return;
    const userId = body.user.id;
    const channelId = body.channel?.id ?? container.channel_id;
    const fromHome = container.type === 'view' && body.view?.type === 'home';
    const value = a.value ?? a.selected_option?.value ?? '';
    const target: AnswerTarget = { client, userId, channelId, responseUrl: str(body.response_url), triggerId: body.trigger_id, fromHome };
    if (a.action_id === RERUN_ACTION) {
      const outcome = await handle(client, teamId, userId, conversationOf(channelId, userId), { kind: 'command', text: value });
      await answer(outcome, { ...target, responseUrl: undefined });
      return;
    }
    const actionId = actionIdOf(a.action_id);
    const where = container.message_ts ?? container.view_id ?? body.view?.id ?? '';
    const outcome = await handle(client, teamId, userId, conversationOf(channelId, userId), { kind: 'action', actionId, value },
      { dedupeKey: `slack:action:${where}:${actionId}:${userId}:${hashOf(value)}` });
    await answer(outcome, target);
  });

  // Modal submits: validation errors go back inline in the ack; success closes the modal.
  app.view(/.*/, async ({ ack, body, view, client }) => {
    const meta = parseModalMetadata(view.private_metadata);
    const teamId = body.team?.id ?? body.user.team_id;
    if (!meta || !teamId) { await ack(); return; }
    const values = formValuesOf(view.state);
    const userId = body.user.id;
    const work = handle(client, teamId, userId, conversationOf(meta.c, userId), { kind: 'form', formId: meta.f, values, state: meta.s },
      { dedupeKey: `slack:view:${view.id}:${hashOf(values)}` });
    let late = false;
    const timeout = new Promise<'late'>((resolve) => { setTimeout(() => resolve('late'), 2_000).unref(); });
    const first = await Promise.race([work, timeout]);
    if (first === 'late') { late = true; await ack(); }
    const outcome = await work;
    if (!late) {
      const errors = outcome.replies.find((r) => r.type === 'formErrors');
      if (errors && errors.type === 'formErrors') { await ack({ response_action: 'errors', errors: modalErrors(errors.errors) }); return; }
      const next = outcome.replies.find((r) => r.type === 'form');
      if (next && next.type === 'form') {
        const t = runtime.translator(outcome.locale);
        await ack({ response_action: 'update', view: renderModal(next.form, { f: next.form.id, s: next.form.state, c: meta.c }, t, outcome.people) as never });
        await answer({ ...outcome, replies: outcome.replies.filter((r) => r.type === 'message') }, { client, userId, channelId: meta.c });
        return;
      }
      await ack();
    }
    await answer(outcome, { client, userId, channelId: meta.c });
    if (meta.h && !outcome.duplicate && !outcome.replies.some((r) => r.type === 'formErrors')) await refreshHome(client, teamId, userId);
  });

  /** Republishes a member's App Home (after something they did from it changed what it shows). */
  async function refreshHome(client: WebClient, teamId: string, userId: string): Promise<void> {
    const outcome = await handle(client, teamId, userId, { ref: userId, kind: 'dm' }, { kind: 'command', text: HOME_COMMAND });
    const reply = outcome.replies.find((r) => r.type === 'message');
    if (!reply) return;
    try { await publishHome(client, userId, outcome, reply); } catch (error) {
      logger.error({ err: (error as { data?: { error?: string } }).data?.error ?? String(error) }, 'views.publish failed');
    }
  }

  app.error(async (error) => {
    logger.error({ err: error.message, code: (error as { code?: string }).code }, 'slack listener failed');
  });

  const routes: HttpRoute[] = [];
  if (httpReceiver) routes.push({ method: 'POST', path: '/slack/events', handle: (req, res) => httpReceiver.handle(req, res) });
  if (oauth) {
    for (const path of ['/slack/install', '/slack/oauth_redirect']) {
      routes.push({ method: 'GET', path, handle: (req, res) => oauth.requestListener(req, res) });
    }
  }

  const sender = createSlackSender({
    runtime, clock,
    async clientFor(teamId) {
      if (store) {
        const token = await store.botTokenFor(teamId);
        return token ? clientFor(token) : undefined;
      }
      return clientFor(slack.botToken!);
    },
  });

  return {
    name: 'slack',
    routes,
    sender,
    async start() {
      if (!httpReceiver) await app.start();
    },
    async stop() {
      if (httpReceiver) await httpReceiver.stop();
      else await app.stop();
      await settle();
    },
    async idle() {
      await httpReceiver?.idle();
      await settle();
    },
  };
}
