import { LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { SlackConfig } from '../../config.ts';
import { scrubSecrets, type Logger } from '../../lib/logger.ts';

export type WebClient = InstanceType<typeof webApi.WebClient>;

/** Slack's Web API base URL; `SLACK_API_URL` may point it at a fake (it must end with a slash). */
export function apiUrlOf(config: SlackConfig): string {
  const url = config.apiUrl ?? 'https://slack.com/api/';
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Bolt/web-api log lines go through our pino logger at one level lower, as plain strings:
 * Slack's libraries never see our logger's objects, and nothing they log carries a token.
 */
export function createSlackLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  const text = (msg: unknown[]) => scrubSecrets(msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : '')).filter(Boolean).join(' ')).slice(0, 500);
  let level = LogLevel.WARN;
  return {
    debug: () => {},
    info: (...msg) => child.debug(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: (l) => { level = l; },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * WebClient options for every client we make: the configured API URL, and no retries inside
 * the client (a 429 rejects at once) because the outbox owns retries and backoff.
 */
export function webClientOptions(config: SlackConfig, logger: Logger) {
  return {
    slackApiUrl: apiUrlOf(config),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: createSlackLogger(logger),
  };
}

/** Caches one WebClient per bot token. */
export function createClientPool(config: SlackConfig, logger: Logger): (token: string) => WebClient {
  const clients = new Map<string, WebClient>();
  return (token) => {
    let client = clients.get(token);
    if (!client) { client = new webApi.WebClient(token, webClientOptions(config, logger)); clients.set(token, client); }
    return client;
  };
}
