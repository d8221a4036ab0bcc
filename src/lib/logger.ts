import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Keys whose values must never reach a log line (tokens, secrets, signatures). */
const REDACT_PATHS = [
  '*.token', '*.botToken', '*.bot_token', '*.appToken', '*.secret', '*.clientSecret', '*.signingSecret',
  '*.encryptKey', '*.verificationToken', '*.password', '*.authorization', '*.databaseUrl',
  'headers.authorization', 'headers["x-slack-signature"]', 'headers["x-lark-signature"]',
  'config.slack', 'config.lark', 'config.databaseUrl',
];

// `"app_secret":"…"`, `\"token\":\"…\"` (JSON inside JSON) and `token=…` forms.
const SECRET_FIELD = /((?:secret|token|password|encrypt_?key|api_?key)\\?"?\s*[:=]\s*\\?"?)([^"\\,&}\s]+)/gi;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SLACK_TOKEN = /\b(?:xox[abeprs]|xapp)-[A-Za-z0-9-]+/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi;

/**
 * Removes secrets from free text headed for a log line: secret-looking fields, bearer tokens,
 * Slack tokens and URL passwords. Also drops the `params:` part drizzle appends to a failed
 * query's message, which carries every bound value (user text, stored installations).
 */
export function scrubSecrets(text: string): string {
  const cut = text.indexOf('\nparams: ');
  const withoutParams = cut === -1 ? text : `${text.slice(0, cut)}\nparams: [omitted]${text.slice(cut).match(/\n {4}at [\s\S]*$/)?.[0] ?? ''}`;
  return withoutParams.replace(SECRET_FIELD, '$1[redacted]').replace(BEARER, '$1[redacted]')
    .replace(SLACK_TOKEN, '[redacted]').replace(URL_PASSWORD, '$1[redacted]@');
}

/** The standard error serializer, minus bound query values and anything secret-looking. */
function errSerializer(value: unknown): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (!(value instanceof Error)) return value;
  const out = { ...stdSerializers.err(value) } as Record<string, unknown>;
  delete out.params;
  delete out.parameters;
  delete out.config;
  delete out.request;
  delete out.response;
  for (const key of ['message', 'stack']) if (typeof out[key] === 'string') out[key] = scrubSecrets(out[key]);
  return out;
}

const serializers = { err: errSerializer, error: errSerializer };

/** Structured JSON logger with secrets redacted. */
export function createLogger(options: { level?: string; pretty?: boolean; destination?: DestinationStream } = {}): Logger {
  const settings = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers,
    base: undefined,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A logger that drops everything, for tests and scripts that want silence. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
