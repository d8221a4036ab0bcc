import { and, eq, sql } from 'drizzle-orm';
import { accounts, DEFAULT_CADENCE_DAYS } from '../../../db/schema/accounts.ts';
import { members } from '../../../db/schema/members.ts';
import { workspaces } from '../../../db/schema/workspaces.ts';
import type { PlatformDeps } from '../types.ts';

export const CONSOLE_WORKSPACE = 'local';

/**
 * On an empty console workspace, creates a demo team so there is something to try:
 * one manager, two assistants, three accounts. Returns true when it seeded.
 */
export async function seedDemoIfEmpty(deps: Pick<PlatformDeps, 'database' | 'config' | 'logger' | 'clock'>): Promise<boolean> {
  const { db } = deps.database;
  return db.transaction(async (tx) => {
    await tx.insert(workspaces).values({ platform: 'console', externalId: CONSOLE_WORKSPACE, name: 'Console', settings: { teamChannel: 'channel:team' } })
      .onConflictDoNothing();
    const [ws] = await tx.select().from(workspaces).where(and(eq(workspaces.platform, 'console'), eq(workspaces.externalId, CONSOLE_WORKSPACE))).for('update');
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(members).where(eq(members.workspaceId, ws!.id)) as [{ n: number }];
    if (n > 0) return false;
    const tz = deps.config.defaultTimezone;
    const now = deps.clock.now();
    const [manager] = await tx.insert(members).values({ workspaceId: ws!.id, externalId: 'wang', displayName: 'Wang Li', role: 'admin', timezone: tz, locale: 'zh-CN', createdAt: now }).returning();
    const [mei] = await tx.insert(members).values({ workspaceId: ws!.id, externalId: 'mei', displayName: 'Mei Chen', role: 'assistant', managerId: manager!.id, timezone: tz, locale: 'zh-CN', createdAt: now }).returning();
    const [tom] = await tx.insert(members).values({ workspaceId: ws!.id, externalId: 'tom', displayName: 'Tom Baker', role: 'assistant', managerId: manager!.id, timezone: 'Europe/London', locale: 'en', createdAt: now }).returning();
    await tx.insert(accounts).values([
      { workspaceId: ws!.id, name: 'Acme Corp', tier: 'A', managerId: manager!.id, assistantId: tom!.id, cadenceDays: DEFAULT_CADENCE_DAYS.A, createdAt: now },
      { workspaceId: ws!.id, name: '华东制造', tier: 'A', managerId: manager!.id, assistantId: mei!.id, cadenceDays: DEFAULT_CADENCE_DAYS.A, createdAt: now },
      { workspaceId: ws!.id, name: 'Globex', tier: 'B', managerId: manager!.id, assistantId: mei!.id, cadenceDays: DEFAULT_CADENCE_DAYS.B, createdAt: now },
    ]);
    deps.logger.info('empty database: seeded the console demo team (wang = manager/admin, mei and tom = assistants, 3 accounts)');
    return true;
  });
}
