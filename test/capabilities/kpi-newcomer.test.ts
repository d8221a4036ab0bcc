import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { members } from '../../db/schema/members.ts';
import { computeKpis } from '../../src/capabilities/kpi/service.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { consoleWorkspaceId } from '../support/records.ts';

describe.each(DATABASE_KINDS)('report on-time rate for newcomers (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind, {}, '2026-11-30T02:00:00Z'); });
  afterAll(async () => { await t?.close(); });

  it('expects weekly reports only for weeks that ended after the member joined', async () => {
    const db = t.database.db;
    const workspaceId = await consoleWorkspaceId(t);
    const [mei] = await db.select().from(members).where(eq(members.externalId, 'mei'));
    const [tom] = await db.select().from(members).where(eq(members.externalId, 'tom'));
    // mei has been here all month; tom joined on November 20th.
    await db.update(members).set({ createdAt: new Date('2026-10-01T00:00:00Z') }).where(eq(members.id, mei!.id));
    await db.update(members).set({ createdAt: new Date('2026-11-20T00:00:00Z') }).where(eq(members.id, tom!.id));
    const kpis = await computeKpis({ db, workspaceId, now: t.clock.now() }, [mei!.id, tom!.id], 'month', t.clock.now());
    // Weeks ending in November by Monday the 30th (Shanghai): Nov 2, 9, 16, 23 and 30.
    expect(kpis.get(mei!.id)!.reports.expected).toBe(5);
    // London weeks ending after Nov 20: Nov 23 and 30.
    expect(kpis.get(tom!.id)!.reports.expected).toBe(2);
    expect(t.text(await t.say('tom', '/kam kpi'))).toContain('0/2');
  });
});
