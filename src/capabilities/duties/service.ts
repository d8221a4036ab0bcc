import { and, asc, eq, isNull } from 'drizzle-orm';
import { duties, dutyDefaults, type Duty, type DutyArea, type DutyCadence } from '../../../db/schema/duties.ts';
import type { Scope } from '../../chat/context.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { accountService } from '../accounts/service.ts';

export const MAX_DESCRIPTION = 300;

/** Built-in default duties, as i18n keys, used until a workspace edits its own list. */
export const BUILT_IN_DEFAULTS: Array<{ area: DutyArea; key: string; cadence: DutyCadence }> = [
  { area: 'daily', key: 'duties.default.logTouches', cadence: 'daily' },
  { area: 'daily', key: 'duties.default.weeklyReport', cadence: 'weekly' },
  { area: 'client_relations', key: 'duties.default.cadence', cadence: 'weekly' },
  { area: 'client_relations', key: 'duties.default.feedback', cadence: 'none' },
  { area: 'data_analysis', key: 'duties.default.sales', cadence: 'monthly' },
];

/** A default duty as shown and assigned (built-ins are translated for the reader). */
export interface DefaultDuty { id: number | null; area: DutyArea; description: string; cadence: DutyCadence }

/** An assigned account with its touch cadence and last touch, for the duty card. */
export interface AccountCadence {
  id: number;
  name: string;
  tier: string;
  cadenceDays: number;
  lastTouchAt: Date | null;
}

export const dutiesService = {
  /** Active duties of a member, by area then id. */
  async list(scope: Scope, memberId: number): Promise<Duty[]> {
    return scope.db.select().from(duties).where(and(
      eq(duties.workspaceId, scope.workspaceId), eq(duties.memberId, memberId), isNull(duties.removedAt),
    )).orderBy(asc(duties.area), asc(duties.id));
  },

  async get(scope: Scope, id: number): Promise<Duty | undefined> {
    const [row] = await scope.db.select().from(duties).where(and(
      eq(duties.workspaceId, scope.workspaceId), eq(duties.id, id), isNull(duties.removedAt),
    ));
    return row;
  },

  async add(scope: Scope, input: { memberId: number; area: DutyArea; description: string; cadence: DutyCadence; accountId: number | null; createdBy: number | null }): Promise<Duty> {
    const [row] = await scope.db.insert(duties).values({ workspaceId: scope.workspaceId, ...input, createdAt: scope.now }).returning();
    return row!;
  },

  /** Removes a duty (kept for history with removed_at). */
  async remove(scope: Scope, id: number): Promise<void> {
    await scope.db.update(duties).set({ removedAt: scope.now })
      .where(and(eq(duties.workspaceId, scope.workspaceId), eq(duties.id, id)));
  },

  /** The workspace's defaults: its own list, or the built-ins translated with `t`. */
  async defaults(scope: Scope, t: Translator): Promise<{ builtIn: boolean; items: DefaultDuty[] }> {
    const rows = await scope.db.select().from(dutyDefaults).where(eq(dutyDefaults.workspaceId, scope.workspaceId)).orderBy(asc(dutyDefaults.id));
    if (rows.length) return { builtIn: false, items: rows.map((r) => ({ id: r.id, area: r.area, description: r.description, cadence: r.cadence })) };
    return { builtIn: true, items: BUILT_IN_DEFAULTS.map((d) => ({ id: null, area: d.area, description: t(d.key), cadence: d.cadence })) };
  },

  /** Before the first edit, copies the built-ins into the workspace list (in the editor's language). */
  async materialiseDefaults(scope: Scope, t: Translator): Promise<void> {
    const current = await this.defaults(scope, t);
    if (!current.builtIn) return;
    await scope.db.insert(dutyDefaults).values(current.items.map((d) => ({
      workspaceId: scope.workspaceId, area: d.area, description: d.description, cadence: d.cadence, createdAt: scope.now,
    })));
  },

  async addDefault(scope: Scope, t: Translator, input: { area: DutyArea; description: string; cadence: DutyCadence }): Promise<number> {
    await this.materialiseDefaults(scope, t);
    const [row] = await scope.db.insert(dutyDefaults).values({ workspaceId: scope.workspaceId, ...input, createdAt: scope.now }).returning({ id: dutyDefaults.id });
    return row!.id;
  },

  /** Removes a default by id; false when there is no such default. */
  async removeDefault(scope: Scope, t: Translator, id: number): Promise<boolean> {
    await this.materialiseDefaults(scope, t);
    const rows = await scope.db.delete(dutyDefaults).where(and(eq(dutyDefaults.workspaceId, scope.workspaceId), eq(dutyDefaults.id, id)))
      .returning({ id: dutyDefaults.id });
    return rows.length > 0;
  },

  /**
   * Gives an assistant the default duty set, unless they already have duties (so re-joining a
   * team never duplicates them). `t` translates built-ins into the assistant's language.
   */
  async applyDefaults(scope: Scope, t: Translator, memberId: number, createdBy: number | null): Promise<number> {
    const existing = await this.list(scope, memberId);
    if (existing.length) return 0;
    const { items } = await this.defaults(scope, t);
    if (!items.length) return 0;
    await scope.db.insert(duties).values(items.map((d) => ({
      workspaceId: scope.workspaceId, memberId, area: d.area, description: d.description, cadence: d.cadence,
      accountId: null, createdBy, createdAt: scope.now,
    })));
    return items.length;
  },

  /** Accounts assigned to the member with their last touch, in one statement. */
  async accountCadences(scope: Scope, memberId: number): Promise<AccountCadence[]> {
    const rows = await accountService.assignedWithLastTouch(scope, [memberId]);
    return rows.map(({ account: a, lastAt }) => ({ id: a.id, name: a.name, tier: a.tier, cadenceDays: a.cadenceDays, lastTouchAt: lastAt }));
  },
};
