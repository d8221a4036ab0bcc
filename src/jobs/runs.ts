import { jobRuns } from '../../db/schema/jobs.ts';
import type { Scope } from '../chat/context.ts';

/**
 * Claims a (job, subject, period) run inside the caller's transaction. Returns false when that
 * run already happened (on this or another instance): the caller must then send nothing.
 */
export async function claimJobRun(scope: Scope, job: string, subjectKey: string, periodKey: string, messageCount: number): Promise<boolean> {
  const rows = await scope.db.insert(jobRuns).values({
    workspaceId: scope.workspaceId, job, subjectKey, periodKey, messageCount, ranAt: scope.now,
  }).onConflictDoNothing().returning({ id: jobRuns.id });
  return rows.length > 0;
}
