/* oxlint-disable unicorn/require-post-message-target-origin -- Slack's chat.postMessage, not window.postMessage */
import { webApi } from '@slack/bolt';
import type { ChatRuntime } from '../../chat/runtime.ts';
import type { Clock } from '../../lib/clock.ts';
import { DeliveryError, type PlatformSender } from '../../delivery/worker.ts';
import type { WebClient } from './client.ts';
import { renderMessage } from './render.ts';

/** Slack error codes that will not get better by trying again. */
const PERMANENT = new Set([
  'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope',
  'channel_not_found', 'user_not_found', 'is_archived', 'not_in_channel', 'cannot_dm_bot', 'user_disabled',
  'msg_too_long', 'invalid_blocks', 'invalid_blocks_format', 'no_text', 'too_many_attachments', 'restricted_action',
  'team_access_not_granted', 'invalid_arguments', 'ekm_access_denied', 'org_login_required',
]);

/**
 * Turns a Web API failure into a DeliveryError the outbox understands: 429 → retry after the
 * Retry-After it gave, 5xx and network errors → retry with backoff, known permanent Slack
 * errors (invalid_auth, channel_not_found…) → give up.
 */
export function toDeliveryError(error: unknown): DeliveryError {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === webApi.ErrorCode.RateLimitedError) {
    const seconds = Number((error as { retryAfter?: number }).retryAfter);
    return new DeliveryError('slack: rate limited', true, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000);
  }
  if (code === webApi.ErrorCode.HTTPError) {
    const status = Number((error as { statusCode?: number }).statusCode);
    return new DeliveryError(`slack: HTTP ${status}`, status >= 500 || status === 408);
  }
  if (code === webApi.ErrorCode.RequestError) {
    return new DeliveryError('slack: network error', true);
  }
  if (code === webApi.ErrorCode.PlatformError) {
    const slackError = String((error as { data?: { error?: string } }).data?.error ?? 'unknown_error');
    if (slackError === 'ratelimited') return new DeliveryError('slack: ratelimited', true, 30_000);
    return new DeliveryError(`slack: ${slackError}`, !PERMANENT.has(slackError));
  }
  return new DeliveryError(`slack: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300), true);
}

export interface SlackSenderOptions {
  runtime: ChatRuntime;
  clock: Clock;
  /** The bot client for a Slack team id, or undefined when the app is not installed there. */
  clientFor(teamId: string): Promise<WebClient | undefined>;
}

/**
 * The delivery worker's Slack sender: chat.postMessage to a member (their DM with the app,
 * addressed by user id) or to a channel. One message per outbox row; a message longer than
 * Slack allows is truncated with a note rather than split, so a retry can never duplicate a part.
 * After a 429 the whole Slack team waits out Retry-After: the rest of the batch is deferred
 * without calling Slack, instead of hammering an API that just asked us to slow down.
 */
export function createSlackSender(options: SlackSenderOptions): PlatformSender {
  const pausedUntil = new Map<string, number>();
  return {
    async send(request) {
      const teamId = request.workspace.externalId;
      const now = options.clock.now().getTime();
      const pause = pausedUntil.get(teamId) ?? 0;
      if (pause > now) throw new DeliveryError('slack: rate limited (waiting for Retry-After)', true, pause - now);
      const client = await options.clientFor(teamId);
      if (!client) throw new DeliveryError('slack: app not installed in this team', false);
      const isMember = 'member' in request.target;
      const channel = 'member' in request.target ? request.target.member.externalId : request.target.conversation;
      if (!channel) throw new DeliveryError('slack: no channel to post to', false);
      const locale = isMember && 'member' in request.target ? request.target.member.locale : request.workspace.settings.defaultLocale ?? 'en';
      const t = options.runtime.translator(locale);
      const rendered = renderMessage(request.message, { people: request.people, moreNote: (n) => t('home.moreNotShown', { count: n }) });
      try {
        const result = await client.chat.postMessage({ channel, text: rendered.text, blocks: rendered.blocks as never, unfurl_links: false });
        return { externalRef: typeof result.ts === 'string' ? `${String(result.channel ?? channel)}:${result.ts}` : undefined };
      } catch (error) {
        const failure = toDeliveryError(error);
        if (failure.retryAfterMs !== undefined) pausedUntil.set(teamId, now + failure.retryAfterMs);
        throw failure;
      }
    },
  };
}
