import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { members, type Locale, type Member } from '../../../db/schema/members.ts';
import { workspaces, type Workspace } from '../../../db/schema/workspaces.ts';
import type { Platform, Scope } from '../../chat/context.ts';
import { isValidTimezone } from '../../lib/time.ts';

/** What a platform tells us about a user; any part may be unknown. */
export interface ProfileHint {
  externalId: string;
  displayName?: string;
  timezone?: string;
  locale?: Locale;
  isBot?: boolean;
}

export interface DirectoryDefaults {
  timezone: string;
  locale: Locale;
}

/** Finds or creates the workspace for a platform tenant. */
export async function ensureWorkspace(db: Db, platform: Platform, externalId: string, name = ''): Promise<Workspace> {
  const [existing] = await db.select().from(workspaces)
    .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId)));
  if (existing) return existing;
  await db.insert(workspaces).values({ platform, externalId, name }).onConflictDoNothing();
  const [created] = await db.select().from(workspaces)
    .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId)));
  return created!;
}

/**
 * Finds or creates a member on first contact. The first person in a new workspace becomes its
 * admin, so somebody can set the team up; everybody else starts as an assistant.
 * Profile hints refresh the name, and the time zone and locale unless the member chose their own.
 */
export async function ensureMember(db: Db, workspace: Workspace, hint: ProfileHint, now: Date, defaults: DirectoryDefaults): Promise<Member> {
  const [existing] = await db.select().from(members)
    .where(and(eq(members.workspaceId, workspace.id), eq(members.externalId, hint.externalId)));
  const timezone = hint.timezone && isValidTimezone(hint.timezone) ? hint.timezone : undefined;
  if (existing) {
    const patch: Partial<Member> = {};
    if (hint.displayName && hint.displayName !== existing.displayName) patch.displayName = hint.displayName.slice(0, 120);
    if (timezone && !existing.timezoneChosen && timezone !== existing.timezone) patch.timezone = timezone;
    if (hint.locale && !existing.localeChosen && hint.locale !== existing.locale) patch.locale = hint.locale;
    if (hint.displayName || timezone || hint.locale) patch.profileRefreshedAt = now;
    if (Object.keys(patch).length === 0) return existing;
    const [updated] = await db.update(members).set(patch).where(eq(members.id, existing.id)).returning();
    return updated!;
  }
  const [{ humans }] = await db.select({ humans: sql<number>`count(*)::int` }).from(members)
    .where(and(eq(members.workspaceId, workspace.id), eq(members.isBot, false))) as [{ humans: number }];
  const settings = workspace.settings;
  await db.insert(members).values({
    workspaceId: workspace.id,
    externalId: hint.externalId,
    displayName: (hint.displayName ?? hint.externalId).slice(0, 120),
    role: !hint.isBot && humans === 0 ? 'admin' : 'assistant',
    timezone: timezone ?? (typeof settings.defaultTimezone === 'string' ? settings.defaultTimezone : defaults.timezone),
    locale: hint.locale ?? settings.defaultLocale ?? defaults.locale,
    isBot: hint.isBot ?? false,
    profileRefreshedAt: hint.displayName ? now : null,
    createdAt: now,
  }).onConflictDoNothing();
  const [created] = await db.select().from(members)
    .where(and(eq(members.workspaceId, workspace.id), eq(members.externalId, hint.externalId)));
  return created!;
}

/** A member by id, only within the scope's workspace. */
export async function getMember(scope: Scope, memberId: number): Promise<Member | undefined> {
  const [row] = await scope.db.select().from(members)
    .where(and(eq(members.workspaceId, scope.workspaceId), eq(members.id, memberId)));
  return row;
}

/**
 * A member by a typed name: their handle (external id) or display name, case-insensitive,
 * with or without a leading @. Used where the platform has no native mentions (the console).
 */
export async function findMemberByName(scope: Scope, typed: string): Promise<Member | undefined> {
  const name = typed.replace(/^[@＠]/, '').trim().toLowerCase();
  if (!name || name.length > 120) return undefined;
  const rows = await scope.db.select().from(members).where(and(
    eq(members.workspaceId, scope.workspaceId),
    sql`(lower(${members.externalId}) = ${name} or lower(${members.displayName}) = ${name})`,
  )).limit(2);
  return rows.length === 1 ? rows[0] : rows.find((r) => r.externalId.toLowerCase() === name);
}

/** Active human members of the workspace other than `exceptId`, for suggestions. */
export async function listOtherMembers(scope: Scope, exceptId: number): Promise<Member[]> {
  return scope.db.select().from(members).where(and(
    eq(members.workspaceId, scope.workspaceId), ne(members.id, exceptId), eq(members.isBot, false), eq(members.active, true),
  ));
}
