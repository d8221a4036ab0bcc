import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, type Locale } from '../../../db/schema/members.ts';
import { workspaces } from '../../../db/schema/workspaces.ts';
import type { ProfileHint } from '../../capabilities/team/directory.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { WebClient } from './client.ts';

/** Profiles are refreshed from users.info at most this often per member. */
export const PROFILE_REFRESH_MS = 24 * 60 * 60_000;

/** Slack locale (en-US, zh-CN, zh-TW…) → ours; only mainland Chinese picks zh-CN. */
export function localeFromSlack(locale: string | undefined): Locale | undefined {
  if (!locale) return undefined;
  const v = locale.toLowerCase();
  if (v === 'zh-cn' || v === 'zh' || v === 'zh-hans') return 'zh-CN';
  if (v.startsWith('en')) return 'en';
  return undefined;
}

interface SlackUser {
  id?: string;
  name?: string;
  real_name?: string;
  tz?: string;
  locale?: string;
  is_bot?: boolean;
  profile?: { display_name?: string; real_name?: string };
}

/** users.info → ProfileHint. */
export function hintFromUser(userId: string, user: SlackUser): ProfileHint {
  const name = user.profile?.display_name?.trim() || user.profile?.real_name?.trim() || user.real_name?.trim() || user.name?.trim();
  return {
    externalId: userId,
    displayName: name || undefined,
    timezone: user.tz || undefined,
    locale: localeFromSlack(user.locale),
    isBot: user.is_bot === true || userId === 'USLACKBOT',
  };
}

/**
 * Looks up profile hints for Slack users. A member whose profile was refreshed in the last day
 * gets a bare hint (no API call, no write); others are fetched with users.info. Results are
 * also cached in memory, so a burst of events for one new user costs one call.
 */
export function createUserDirectory(database: Database, clock: Clock, logger: Logger) {
  const cache = new Map<string, { hint: ProfileHint; at: number }>();
  // Concurrent events for one user share a single users.info call.
  const pending = new Map<string, Promise<ProfileHint>>();

  async function refreshedRecently(teamId: string, userId: string, now: Date): Promise<boolean> {
    const [row] = await database.db.select({ at: members.profileRefreshedAt }).from(members)
      .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
      .where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, teamId), eq(members.externalId, userId)));
    return !!row?.at && now.getTime() - row.at.getTime() < PROFILE_REFRESH_MS;
  }

  return {
    async hint(client: WebClient, teamId: string, userId: string): Promise<ProfileHint> {
      const now = clock.now();
      const key = `${teamId}:${userId}`;
      if (await refreshedRecently(teamId, userId, now)) return { externalId: userId };
      const cached = cache.get(key);
      if (cached && now.getTime() - cached.at < PROFILE_REFRESH_MS) return cached.hint;
      const inflight = pending.get(key);
      if (inflight) return inflight;
      const fetching = (async (): Promise<ProfileHint> => {
        try {
          const result = await client.users.info({ user: userId, include_locale: true });
          const hint = hintFromUser(userId, (result.user ?? {}) as SlackUser);
          if (cache.size > 10_000) cache.clear();
          cache.set(key, { hint, at: now.getTime() });
          return hint;
        } catch (error) {
          // Without a profile the member still works; the next event tries again.
          logger.warn({ teamId, userId, err: error instanceof Error ? error.message : String(error) }, 'users.info failed');
          return { externalId: userId };
        } finally {
          pending.delete(key);
        }
      })();
      pending.set(key, fetching);
      return fetching;
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
