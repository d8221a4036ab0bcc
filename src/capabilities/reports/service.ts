import { and, eq, inArray } from 'drizzle-orm';
import { progressReports, type ProgressReport } from '../../../db/schema/reports.ts';
import type { Scope } from '../../chat/context.ts';

/** Limits commands and forms validate against. */
export const REPORT_LIMITS = { partLength: 2000 } as const;

export const REPORT_PARTS = ['done', 'next', 'blockers'] as const;
export type ReportPart = (typeof REPORT_PARTS)[number];
export type ReportKind = ProgressReport['periodKind'];
export type ReportParts = Partial<Record<ReportPart, string>>;

/** Progress reports (工作汇报): one per member per day or ISO week, in the member's time zone. */
export const reportService = {
  /** A member's report for one period, if any. */
  async get(scope: Scope, memberId: number, kind: ReportKind, key: string): Promise<ProgressReport | undefined> {
    const [row] = await scope.db.select().from(progressReports).where(and(
      eq(progressReports.workspaceId, scope.workspaceId), eq(progressReports.memberId, memberId),
      eq(progressReports.periodKind, kind), eq(progressReports.periodKey, key),
    ));
    return row;
  },

  /**
   * Saves the parts given for a member's period: the first submission creates the report, any
   * later one edits it (parts not given stay as they were). Race-safe on the unique index, so a
   * double submit can never create two reports. `edited` tells which happened.
   */
  async save(scope: Scope, memberId: number, kind: ReportKind, key: string, parts: ReportParts): Promise<{ report: ProgressReport; edited: boolean }> {
    const given: ReportParts = {};
    for (const part of REPORT_PARTS) if (parts[part] !== undefined) given[part] = parts[part];
    const [row] = await scope.db.insert(progressReports).values({
      workspaceId: scope.workspaceId, memberId, periodKind: kind, periodKey: key,
      done: given.done ?? '', next: given.next ?? '', blockers: given.blockers ?? '',
      submittedAt: scope.now,
    }).onConflictDoUpdate({
      target: [progressReports.workspaceId, progressReports.memberId, progressReports.periodKind, progressReports.periodKey],
      set: { ...given, editedAt: scope.now },
    }).returning();
    return { report: row!, edited: row!.editedAt !== null };
  },

  /** Reports of several members, each for their own period key (members live in different zones). */
  async forMembers(scope: Scope, kind: ReportKind, keys: Map<number, string>): Promise<Map<number, ProgressReport>> {
    if (!keys.size) return new Map();
    const rows = await scope.db.select().from(progressReports).where(and(
      eq(progressReports.workspaceId, scope.workspaceId), eq(progressReports.periodKind, kind),
      inArray(progressReports.memberId, [...keys.keys()]), inArray(progressReports.periodKey, [...new Set(keys.values())]),
    ));
    return new Map(rows.filter((r) => keys.get(r.memberId) === r.periodKey).map((r) => [r.memberId, r]));
  },
};
