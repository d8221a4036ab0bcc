import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql, type Database, type Db } from '../../db/client.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { message } from '../../src/chat/message.ts';
import { COMMIT_CHUNK, commitJobRuns, type JobRunWrite } from '../../src/jobs/runs.ts';
import { DATABASE_KINDS, freshDatabase } from '../support/db.ts';

const NOW = new Date('2026-11-30T01:00:00Z');

describe.each(DATABASE_KINDS)('job runs bigger than one commit chunk (%s)', (kind) => {
  let database: Database;
  let ws: number;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    const [w] = await database.db.insert(workspaces).values({ platform: 'console', externalId: 'chunks', name: 'Chunks' }).returning();
    ws = w!.id;
  });
  afterAll(async () => {
    await database?.close();
  });

  // More runs than two chunks, in scrambled order, with one run whose claim already exists.
  const total = COMMIT_CHUNK * 2 + 7;
  const runs = (): JobRunWrite[] => Array.from({ length: total }, (_, i) => {
    const n = (i * 7919) % total;
    return {
      workspaceId: ws, subjectKey: `member:${n}`, periodKey: '2026-11-30',
      messages: [{ target: { conversation: `C${n}` }, message: message().text(`reminder ${n}`).build(), dedupeKey: `chunks:member:${n}:2026-11-30` }],
    };
  });
  const commit = () => database.db.transaction((tx) => commitJobRuns(tx as unknown as Db, NOW, 'chunks', runs()));

  it('claims every run and queues every message exactly once, across chunks and on a second run', async () => {
    await database.db.execute(sql`insert into job_runs (workspace_id, job, subject_key, period_key, message_count, ran_at)
      values (${ws}, 'chunks', 'member:5', '2026-11-30', 1, ${NOW.toISOString()}::timestamptz)`);
    expect(await commit()).toEqual({ claimed: total - 1, enqueued: total - 1 });
    expect(await commit()).toEqual({ claimed: 0, enqueued: 0 });
    const [row] = await queryRows<{ n: number; distinct_keys: number; five: number }>(database.db, sql`
      select count(*)::int as n, count(distinct dedupe_key)::int as distinct_keys,
        count(*) filter (where conversation = 'C5')::int as five
      from outbox where workspace_id = ${ws}`);
    // The member whose run was already done gets nothing; everyone else gets one message.
    expect(row).toEqual({ n: total - 1, distinct_keys: total - 1, five: 0 });
  });
});
