import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../db/client.ts';

/** The database kinds every database test runs against: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const DATABASE_KINDS: Array<'pglite' | 'postgres'> = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

function databaseUrlFor(name: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Opens a fresh, migrated database of the given kind: an in-memory PGlite, or a brand-new
 * PostgreSQL database (dropped again by `close`). Tests never share data.
 */
export async function freshDatabase(kind: 'pglite' | 'postgres', options: { poolSize?: number } = {}): Promise<Database & { url?: string }> {
  if (kind === 'pglite') {
    const database = await openDatabase({});
    await database.migrate();
    return database;
  }
  const name = `kam_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = databaseUrlFor(name);
  const database = await openDatabase({ url, poolSize: options.poolSize ?? 5 });
  await database.migrate();
  return {
    ...database,
    url,
    async close() {
      await database.close();
      const cleanup = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
