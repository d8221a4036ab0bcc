import { eq, sql } from 'drizzle-orm';
import { workspaces, type WorkspaceSettings } from '../../../db/schema/workspaces.ts';
import type { Scope } from '../../chat/context.ts';

/** The scope's workspace settings JSON (empty when the workspace is unknown). */
export async function readWorkspaceSettings(scope: Scope): Promise<WorkspaceSettings> {
  const [row] = await scope.db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, scope.workspaceId));
  return row?.settings ?? {};
}

/**
 * Merges keys into the workspace settings in SQL (jsonb ||), so concurrent writers of other keys
 * (team channel, schedules) are never overwritten with a stale copy.
 */
export async function mergeWorkspaceSettings(scope: Scope, patch: Record<string, unknown>): Promise<void> {
  await scope.db.update(workspaces)
    .set({ settings: sql`${workspaces.settings} || ${JSON.stringify(patch)}::jsonb` })
    .where(eq(workspaces.id, scope.workspaceId));
}
