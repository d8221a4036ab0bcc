import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values must never reach a log line (tokens, secrets, signatures). */
const REDACT_PATHS = [
  '*.token', '*.botToken', '*.bot_token', '*.appToken', '*.secret', '*.clientSecret', '*.signingSecret',
  '*.encryptKey', '*.verificationToken', '*.password', '*.authorization', '*.databaseUrl',
  'headers.authorization', 'headers["x-slack-signature"]', 'headers["x-lark-signature"]',
  'config.slack', 'config.lark', 'config.databaseUrl',
];

/** Structured JSON logger with secrets redacted. */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  });
}

/** A logger that drops everything, for tests and scripts that want silence. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
