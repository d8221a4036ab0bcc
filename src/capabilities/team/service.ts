import { and, asc, eq } from 'drizzle-orm';
import { members, type Locale, type Member, type Role } from '../../../db/schema/members.ts';
import type { Scope } from '../../chat/context.ts';

/** The ids of everyone who reports to a manager, as a subquery for `inArray(column, …)`. */
export function teamIdsQuery(scope: Scope, managerId: number) {
  return scope.db.select({ id: members.id }).from(members)
    .where(and(eq(members.workspaceId, scope.workspaceId), eq(members.managerId, managerId)));
}

/** Team structure: who reports to whom, roles and personal settings. */
export const teamService = {
  /** The assistants who report to a manager, by name. */
  async teamOf(scope: Scope, managerId: number): Promise<Member[]> {
    return scope.db.select().from(members).where(and(
      eq(members.workspaceId, scope.workspaceId), eq(members.managerId, managerId), eq(members.active, true),
    )).orderBy(asc(members.displayName));
  },

  /** Every active human member of the workspace, by name. */
  async everyone(scope: Scope): Promise<Member[]> {
    return scope.db.select().from(members).where(and(
      eq(members.workspaceId, scope.workspaceId), eq(members.active, true), eq(members.isBot, false),
    )).orderBy(asc(members.displayName));
  },

  /** Puts an assistant on a manager's team (an assistant has exactly one manager). */
  async assign(scope: Scope, assistant: Member, managerId: number): Promise<Member> {
    const role: Role = assistant.role === 'admin' || assistant.role === 'manager' ? assistant.role : 'assistant';
    const [row] = await scope.db.update(members).set({ managerId, role, active: true })
      .where(and(eq(members.workspaceId, scope.workspaceId), eq(members.id, assistant.id))).returning();
    return row!;
  },

  /** Takes an assistant off their manager's team; their records stay. */
  async unassign(scope: Scope, assistant: Member): Promise<Member> {
    const [row] = await scope.db.update(members).set({ managerId: null })
      .where(and(eq(members.workspaceId, scope.workspaceId), eq(members.id, assistant.id))).returning();
    return row!;
  },

  async setRole(scope: Scope, member: Member, role: Role): Promise<Member> {
    const [row] = await scope.db.update(members).set({ role })
      .where(and(eq(members.workspaceId, scope.workspaceId), eq(members.id, member.id))).returning();
    return row!;
  },

  async setTimezone(scope: Scope, member: Member, timezone: string): Promise<Member> {
    const [row] = await scope.db.update(members).set({ timezone, timezoneChosen: true })
      .where(and(eq(members.workspaceId, scope.workspaceId), eq(members.id, member.id))).returning();
    return row!;
  },

  async setLocale(scope: Scope, member: Member, locale: Locale): Promise<Member> {
    const [row] = await scope.db.update(members).set({ locale, localeChosen: true })
      .where(and(eq(members.workspaceId, scope.workspaceId), eq(members.id, member.id))).returning();
    return row!;
  },
};
