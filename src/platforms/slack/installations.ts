import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { slackInstallations } from '../../../db/schema/slack.ts';
import { workspaces } from '../../../db/schema/workspaces.ts';
import { ensureWorkspace } from '../../capabilities/team/directory.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';

function keyOf(enterpriseId: string | undefined, teamId: string | undefined, isEnterpriseInstall: boolean): string {
  return `${enterpriseId ?? '-'}:${isEnterpriseInstall ? '-' : teamId ?? '-'}`;
}

/** Slack installations kept in PostgreSQL, plus the KAM workspace lifecycle that goes with them. */
export interface SlackInstallationStore extends InstallationStore {
  /** The bot token for a Slack team, or undefined when the app is not installed there. */
  botTokenFor(teamId: string): Promise<string | undefined>;
}

/**
 * Bolt's InstallationStore backed by the slack_installations table. Installing (or
 * re-installing) creates or re-activates the team's KAM workspace. Tokens stay in the row:
 * nothing here logs an installation, only team ids.
 */
export function createInstallationStore(database: Database, clock: Clock, logger: Logger): SlackInstallationStore {
  const db = database.db;

  async function fetchRow(query: InstallationQuery<boolean>) {
    if (query.isEnterpriseInstall && query.enterpriseId) {
      const [row] = await db.select().from(slackInstallations).where(eq(slackInstallations.installKey, keyOf(query.enterpriseId, undefined, true)));
      return row;
    }
    if (query.teamId) {
      const [row] = await db.select().from(slackInstallations).where(eq(slackInstallations.installKey, keyOf(query.enterpriseId, query.teamId, false)));
      if (row) return row;
      // Team installs made before the team joined an Enterprise Grid org are keyed without it.
      const [any] = await db.select().from(slackInstallations).where(and(eq(slackInstallations.teamId, query.teamId), eq(slackInstallations.isEnterpriseInstall, false)));
      return any;
    }
    return undefined;
  }

  return {
    async storeInstallation(installation) {
      const now = clock.now();
      const teamId = installation.team?.id;
      const enterpriseId = installation.enterprise?.id;
      const isEnterpriseInstall = installation.isEnterpriseInstall === true;
      const installKey = keyOf(enterpriseId, teamId, isEnterpriseInstall);
      await db.insert(slackInstallations).values({
        installKey, teamId: teamId ?? null, enterpriseId: enterpriseId ?? null, isEnterpriseInstall,
        installation, installedAt: now, updatedAt: now,
      }).onConflictDoUpdate({ target: slackInstallations.installKey, set: { installation, updatedAt: now, teamId: teamId ?? null } });
      if (teamId) {
        const workspace = await ensureWorkspace(db, 'slack', teamId, installation.team?.name ?? '');
        if (!workspace.active) await db.update(workspaces).set({ active: true }).where(eq(workspaces.id, workspace.id));
      }
      logger.info({ teamId, enterpriseId }, 'slack app installed');
    },

    async fetchInstallation(query) {
      const row = await fetchRow(query);
      if (!row) throw new Error(`no Slack installation for team ${query.teamId ?? query.enterpriseId ?? '?'}`);
      return row.installation as Installation<'v1' | 'v2', boolean>;
    },

    async deleteInstallation(query) {
      const row = await fetchRow(query);
      if (row) await db.delete(slackInstallations).where(eq(slackInstallations.installKey, row.installKey));
    },

    async botTokenFor(teamId) {
      const row = await fetchRow({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
      return (row?.installation as Installation | undefined)?.bot?.token;
    },
  };
}

/** Marks a Slack team's KAM workspace inactive (uninstall, revoked bot token). */
export async function deactivateWorkspace(database: Database, teamId: string): Promise<boolean> {
  const rows = await database.db.update(workspaces).set({ active: false })
    .where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, teamId)))
    .returning({ id: workspaces.id });
  return rows.length > 0;
}
