import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function problems(env: Record<string, string>): string[] {
  try { loadConfig(env); return []; } catch (e) { return e instanceof ConfigError ? e.problems : [String(e)]; }
}

describe('configuration', () => {
  it('defaults to the console on loopback with the embedded database', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.console).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reports a bad port in one clear line', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['PORT must be an integer 1-65535, got "abc"']);
  });

  it('reports every bad setting, one line each', () => {
    const found = problems({ DATABASE_URL: 'mysql://x', DEFAULT_TIMEZONE: 'Mars/Base' });
    expect(found).toHaveLength(2);
    expect(found.join('\n')).toContain('DATABASE_URL');
    expect(found.join('\n')).toContain('DEFAULT_TIMEZONE');
  });

  it('turns the console off when a platform is configured, unless asked', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(loadConfig(slack).console).toBe(false);
    expect(loadConfig({ ...slack, CONSOLE: 'on' }).console).toBe(true);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual(['SLACK_SIGNING_SECRET is required when Slack is configured']);
  });

  it('never echoes secret values in errors', () => {
    const found = problems({ SLACK_BOT_TOKEN: 'not-a-token-SECRET123', SLACK_SIGNING_SECRET: 'x' }).join('\n');
    expect(found).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(found).not.toContain('SECRET123');
  });
});
