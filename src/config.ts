import { z } from 'zod';
import { isValidTimezone } from './lib/time.ts';

/**
 * The only reader of process.env. Each setting is validated and every bad one is reported
 * on its own line, e.g. `PORT must be an integer 1-65535, got "abc"`.
 */

const optionalText = z.string().trim().min(1).optional();

const portSchema = z.string().optional().transform((raw, ctx) => {
  if (raw === undefined || raw === '') return 3000;
  const n = Number(raw);
  // 0 asks the OS for a free port (tests, parallel local runs).
  if (!/^\d+$/.test(raw) || n > 65535 || (n < 1 && raw !== '0')) {
    ctx.addIssue({ code: 'custom', message: `PORT must be an integer 1-65535, got "${raw}"` });
    return z.NEVER;
  }
  return n;
});

const envSchema = z.object({
  PORT: portSchema,
  HOST: z.string().optional(),
  DATABASE_URL: z.string().optional().refine((v) => !v || /^postgres(ql)?:\/\//.test(v), {
    message: 'DATABASE_URL must start with postgres:// or postgresql://',
  }),
  DATABASE_POOL_SIZE: z.string().optional().refine((v) => !v || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100), {
    message: 'DATABASE_POOL_SIZE must be an integer 1-100',
  }),
  DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  CONSOLE: z.enum(['on', 'off', 'auto']).optional(),
  DEFAULT_TIMEZONE: z.string().optional().refine((v) => !v || isValidTimezone(v), {
    message: 'DEFAULT_TIMEZONE must be an IANA time zone such as Asia/Shanghai',
  }),
  DEFAULT_LOCALE: z.enum(['en', 'zh-CN']).optional(),
  SCHEDULER: z.enum(['on', 'off']).optional(),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: z.string().url().optional(),
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText,
  LARK_APP_ID: optionalText,
  LARK_APP_SECRET: optionalText,
  LARK_DOMAIN: optionalText,
  LARK_ENCRYPT_KEY: optionalText,
  LARK_VERIFICATION_TOKEN: optionalText,
  LARK_MODE: z.enum(['webhook', 'ws']).optional(),
});

export interface SlackConfig {
  botToken?: string;
  signingSecret: string;
  appToken?: string;
  apiUrl?: string;
  oauth?: { clientId: string; clientSecret: string; stateSecret: string };
}

export interface LarkConfig {
  appId: string;
  appSecret: string;
  domain: string;
  encryptKey?: string;
  verificationToken?: string;
  mode: 'webhook' | 'ws';
}

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  databasePoolSize: number;
  dataDir: string;
  logLevel: string;
  console: boolean;
  scheduler: boolean;
  defaultTimezone: string;
  defaultLocale: 'en' | 'zh-CN';
  slack?: SlackConfig;
  lark?: LarkConfig;
}

/** Thrown with one line per bad setting; main prints it and exits. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates configuration from an environment map (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
    }));
  }
  const e = parsed.data;
  const problems: string[] = [];

  let slack: SlackConfig | undefined;
  const oauthParts = [e.SLACK_CLIENT_ID, e.SLACK_CLIENT_SECRET, e.SLACK_STATE_SECRET];
  if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN || oauthParts.some(Boolean)) {
    if (!e.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET is required when Slack is configured');
    const hasOauth = oauthParts.every(Boolean);
    if (oauthParts.some(Boolean) && !hasOauth) {
      problems.push('SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET must be set together');
    }
    if (!e.SLACK_BOT_TOKEN && !hasOauth) problems.push('SLACK_BOT_TOKEN is required unless OAuth (SLACK_CLIENT_ID…) is configured');
    if (e.SLACK_BOT_TOKEN && !e.SLACK_BOT_TOKEN.startsWith('xoxb-')) problems.push('SLACK_BOT_TOKEN must start with xoxb-');
    if (e.SLACK_APP_TOKEN && !e.SLACK_APP_TOKEN.startsWith('xapp-')) problems.push('SLACK_APP_TOKEN must start with xapp-');
    slack = {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET ?? '',
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      oauth: hasOauth ? { clientId: e.SLACK_CLIENT_ID!, clientSecret: e.SLACK_CLIENT_SECRET!, stateSecret: e.SLACK_STATE_SECRET! } : undefined,
    };
  }

  let lark: LarkConfig | undefined;
  if (e.LARK_APP_ID || e.LARK_APP_SECRET) {
    if (!e.LARK_APP_ID) problems.push('LARK_APP_ID is required when LARK_APP_SECRET is set');
    if (!e.LARK_APP_SECRET) problems.push('LARK_APP_SECRET is required when LARK_APP_ID is set');
    const domain = e.LARK_DOMAIN ?? 'feishu';
    if (!['feishu', 'lark'].includes(domain) && !/^https?:\/\//.test(domain)) {
      problems.push(`LARK_DOMAIN must be feishu, lark or a base URL, got "${domain}"`);
    }
    const mode = e.LARK_MODE ?? 'webhook';
    if (mode === 'webhook' && !e.LARK_VERIFICATION_TOKEN && !e.LARK_ENCRYPT_KEY) {
      problems.push('LARK_VERIFICATION_TOKEN or LARK_ENCRYPT_KEY is required in webhook mode');
    }
    lark = {
      appId: e.LARK_APP_ID ?? '', appSecret: e.LARK_APP_SECRET ?? '', domain,
      encryptKey: e.LARK_ENCRYPT_KEY, verificationToken: e.LARK_VERIFICATION_TOKEN, mode,
    };
  }

  if (problems.length) throw new ConfigError(problems);

  const consoleSetting = e.CONSOLE ?? 'auto';
  return {
    port: e.PORT,
    // The console has no login, so by default it only listens on loopback.
    host: e.HOST ?? (slack || lark ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: e.DATABASE_URL || undefined,
    databasePoolSize: e.DATABASE_POOL_SIZE ? Number(e.DATABASE_POOL_SIZE) : 10,
    dataDir: e.DATA_DIR ?? './data',
    logLevel: e.LOG_LEVEL ?? 'info',
    console: consoleSetting === 'on' || (consoleSetting === 'auto' && !slack && !lark),
    scheduler: (e.SCHEDULER ?? 'on') === 'on',
    defaultTimezone: e.DEFAULT_TIMEZONE ?? 'Asia/Shanghai',
    defaultLocale: e.DEFAULT_LOCALE ?? 'en',
    slack,
    lark,
  };
}
