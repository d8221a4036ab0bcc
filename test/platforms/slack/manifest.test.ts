import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_EVENTS, BOT_SCOPES, SLASH_COMMANDS } from '../../../src/platforms/slack/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const manifest = parse(readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as Record<string, any>;
const sources = readdirSync(path.join(ROOT, 'src/platforms/slack')).filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(path.join(ROOT, 'src/platforms/slack', f), 'utf8')).join('\n');

/** Bot scope each Web API method needs (https://api.slack.com/methods); null = none. */
const METHOD_SCOPES: Record<string, string | null> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'users.info': 'users:read',
  'views.open': null,
  'views.publish': null,
  'views.update': null,
};
/** Bot scope each event subscription needs; null = none. */
const EVENT_SCOPES: Record<string, string | null> = {
  app_home_opened: null,
  app_uninstalled: null,
  tokens_revoked: null,
  'message.im': 'im:history',
  app_mention: 'app_mentions:read',
};

const sorted = (xs: Iterable<string>) => [...xs].sort();
const methodsCalled = new Set([...sources.matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`));
const eventsHandled = new Set([...sources.matchAll(/app\.event\('(\w+)'/g)].map((m) => (m[1] === 'message' ? 'message.im' : m[1]!)));

describe('manifest.yml', () => {
  it('is complete: display information, bot user, App Home, interactivity', () => {
    expect(manifest.display_information.name).toBe('KAM Bot');
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(manifest.display_information.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.features.bot_user.display_name).toBeTruthy();
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('declares the /kam command with a description and usage hint', () => {
    const commands = manifest.features.slash_commands as Array<Record<string, string>>;
    expect(commands.map((c) => c.command)).toEqual([...SLASH_COMMANDS]);
    for (const c of commands) {
      expect(c.description?.length).toBeGreaterThan(10);
      expect(c.usage_hint).toContain('help');
    }
    expect(sources).toContain("app.command('/kam'");
  });

  it('points every request URL at our single endpoint, on a placeholder host', () => {
    const urls = [
      ...manifest.features.slash_commands.map((c: { url: string }) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    for (const url of urls) expect(url).toBe('https://YOUR-HOST/slack/events');
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://YOUR-HOST/slack/oauth_redirect']);
    expect(sources).toContain("path: '/slack/events'");
    expect(sources).toContain("'/slack/oauth_redirect'");
  });

  it('subscribes to exactly the events the code handles', () => {
    expect(sorted(manifest.settings.event_subscriptions.bot_events)).toEqual(sorted(BOT_EVENTS));
    expect(sorted(eventsHandled)).toEqual(sorted(BOT_EVENTS));
  });

  it('asks for exactly the bot scopes the code uses: every one declared, nothing unused', () => {
    for (const method of methodsCalled) expect(Object.keys(METHOD_SCOPES), `unknown scope for ${method}`).toContain(method);
    const needed = new Set<string>(['commands']);
    for (const method of methodsCalled) if (METHOD_SCOPES[method]) needed.add(METHOD_SCOPES[method]!);
    for (const event of eventsHandled) if (EVENT_SCOPES[event]) needed.add(EVENT_SCOPES[event]!);
    expect(sorted(manifest.oauth_config.scopes.bot)).toEqual(sorted(needed));
    expect(sorted(Object.keys(BOT_SCOPES))).toEqual(sorted(needed));
  });
});
