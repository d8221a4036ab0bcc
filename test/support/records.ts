import { desc, eq, sql } from 'drizzle-orm';
import { accounts } from '../../db/schema/accounts.ts';
import { touches } from '../../db/schema/touches.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import type { TestApp } from './app.ts';

/** Database look-ups tests use to check what a command really wrote. */

export async function touchCount(t: TestApp): Promise<number> {
  const [row] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(touches);
  return row!.n;
}

export async function lastTouch(t: TestApp) {
  const [row] = await t.database.db.select().from(touches).orderBy(desc(touches.id)).limit(1);
  return row!;
}

export async function accountId(t: TestApp, name: string): Promise<number> {
  const [row] = await t.database.db.select({ id: accounts.id }).from(accounts).where(sql`${accounts.name} = ${name}`);
  return row!.id;
}

/** The id of the console workspace the test app seeded. */
export async function consoleWorkspaceId(t: TestApp): Promise<number> {
  const [ws] = await t.database.db.select().from(workspaces).where(eq(workspaces.platform, 'console'));
  return ws!.id;
}
