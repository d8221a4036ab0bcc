import { createHmac } from 'node:crypto';

/**
 * Builds and sends requests exactly as Slack does: v0 signatures, form-encoded slash commands,
 * `payload=` interactivity bodies and JSON Events API envelopes.
 */

/** Slack's v0 signature of a raw body at a timestamp (seconds). */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  /** Seconds; defaults to "now" on the app's clock. */
  timestamp?: number;
  signature?: string;
  secret?: string;
  headers?: Record<string, string>;
}

export interface SlashCommand {
  team: string;
  user: string;
  channel: string;
  text: string;
  responseId?: string;
  userName?: string;
}

export interface ButtonClick {
  team: string;
  user: string;
  channel?: string;
  actionId: string;
  value?: string;
  messageTs?: string;
  responseId?: string;
  /** 'message' (default) or 'home' for App Home buttons. */
  container?: 'message' | 'home';
}

export interface ViewSubmission {
  team: string;
  user: string;
  viewId: string;
  callbackId: string;
  privateMetadata: string;
  /** block id → action id → input state. */
  values: Record<string, Record<string, Record<string, unknown>>>;
}

export class SlackRequests {
  private seq = 0;

  constructor(private readonly appUrl: string, private readonly secret: string, private readonly now: () => Date, private readonly responseUrl: (id: string) => string) {}

  /** Posts a raw body with Slack's headers, signed unless told otherwise. */
  async send(body: string, contentType: string, options: SendOptions = {}): Promise<Response> {
    const timestamp = options.timestamp ?? Math.floor(this.now().getTime() / 1000);
    const signature = options.signature ?? slackSignature(options.secret ?? this.secret, timestamp, body);
    return fetch(`${this.appUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...options.headers,
      },
      body,
    });
  }

  /** The body Slack posts for `/kam <text>`. */
  commandBody(c: SlashCommand): string {
    this.seq += 1;
    return new URLSearchParams({
      token: 'gIkuvaNzQIHg97ATvDxqgjtO', team_id: c.team, team_domain: `team-${c.team.toLowerCase()}`,
      channel_id: c.channel, channel_name: c.channel.startsWith('D') ? 'directmessage' : 'general',
      user_id: c.user, user_name: c.userName ?? c.user.toLowerCase(), command: '/kam', text: c.text,
      api_app_id: 'A0KAMBOT', is_enterprise_install: 'false',
      response_url: this.responseUrl(c.responseId ?? `cmd-${this.seq}`),
      trigger_id: `13345224609.738474920.${this.seq}`,
    }).toString();
  }

  command(c: SlashCommand, options?: SendOptions): Promise<Response> {
    return this.send(this.commandBody(c), 'application/x-www-form-urlencoded', options);
  }

  /** An Events API envelope around `event`. */
  envelope(team: string, event: Record<string, unknown>, eventId?: string): Record<string, unknown> {
    this.seq += 1;
    return {
      token: 'XXYYZZ', team_id: team, api_app_id: 'A0KAMBOT', event, type: 'event_callback',
      event_id: eventId ?? `Ev0${this.seq}TESTEVENT`, event_time: Math.floor(this.now().getTime() / 1000),
      authorizations: [{ enterprise_id: null, team_id: team, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false, event_context: `4-event-${this.seq}`,
    };
  }

  event(team: string, event: Record<string, unknown>, options: SendOptions & { eventId?: string; retryNum?: number } = {}): Promise<Response> {
    const headers = { ...options.headers, ...(options.retryNum ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}) };
    return this.send(JSON.stringify(this.envelope(team, event, options.eventId)), 'application/json', { ...options, headers });
  }

  /** A DM to the bot (message.im). */
  dm(team: string, user: string, text: string, options: SendOptions & { eventId?: string; retryNum?: number; extra?: Record<string, unknown> } = {}): Promise<Response> {
    this.seq += 1;
    return this.event(team, {
      type: 'message', channel: `D${user.slice(1)}`, user, text, ts: `1700000${this.seq}.000200`, team,
      channel_type: 'im', event_ts: `1700000${this.seq}.000200`, ...options.extra,
    }, options);
  }

  interaction(payload: Record<string, unknown>, options?: SendOptions): Promise<Response> {
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', options);
  }

  /** A block_actions payload for a button click. */
  click(c: ButtonClick, options?: SendOptions): Promise<Response> {
    this.seq += 1;
    const home = c.container === 'home';
    return this.interaction({
      type: 'block_actions',
      user: { id: c.user, username: c.user.toLowerCase(), name: c.user.toLowerCase(), team_id: c.team },
      api_app_id: 'A0KAMBOT', token: 'XXYYZZ',
      container: home ? { type: 'view', view_id: 'VHOME1' } : { type: 'message', message_ts: c.messageTs ?? '1700000000.000100', channel_id: c.channel, is_ephemeral: true },
      trigger_id: `trigger.${this.seq}`,
      team: { id: c.team, domain: `team-${c.team.toLowerCase()}` },
      enterprise: null, is_enterprise_install: false,
      ...(home ? { view: { id: 'VHOME1', type: 'home', team_id: c.team } } : {
        channel: { id: c.channel, name: 'directmessage' },
        message: { type: 'message', ts: c.messageTs ?? '1700000000.000100', text: 'earlier message' },
        response_url: this.responseUrl(c.responseId ?? `act-${this.seq}`),
      }),
      state: { values: {} },
      actions: [{ action_id: c.actionId, block_id: 'b1', text: { type: 'plain_text', text: 'Button', emoji: true }, value: c.value ?? '', type: 'button', action_ts: '1700000000.5' }],
    }, options);
  }

  /** A view_submission payload for a modal. */
  submit(v: ViewSubmission, options?: SendOptions): Promise<Response> {
    this.seq += 1;
    return this.interaction({
      type: 'view_submission',
      team: { id: v.team, domain: `team-${v.team.toLowerCase()}` },
      user: { id: v.user, username: v.user.toLowerCase(), name: v.user.toLowerCase(), team_id: v.team },
      api_app_id: 'A0KAMBOT', token: 'XXYYZZ', trigger_id: `trigger.${this.seq}`,
      view: {
        id: v.viewId, team_id: v.team, type: 'modal', callback_id: v.callbackId, private_metadata: v.privateMetadata,
        state: { values: v.values }, hash: `hash-${this.seq}`, title: { type: 'plain_text', text: 'Form' }, blocks: [],
        app_id: 'A0KAMBOT', bot_id: 'BBOT',
      },
      response_urls: [], is_enterprise_install: false, enterprise: null,
    }, options);
  }
}
