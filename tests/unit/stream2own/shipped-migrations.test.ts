import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/main/services/db/database';
import { stream2ownMigrations } from '../../../src/main/services/wallet/migrations';

/** The statements a migration hands to `db.exec`, without a database. */
function execCalls(id: string): string[] {
  const migration = stream2ownMigrations.find((m) => m.id === id);
  if (!migration) throw new Error(`no migration ${id}`);
  const calls: string[] = [];
  migration.up({ exec: (sql: string) => calls.push(sql) } as unknown as Db);
  return calls;
}

describe('shipped wallet migrations', () => {
  // An install that ran stream2own-001 must see the same tables as one that runs it now:
  // the SQL it executes is pinned byte for byte (the SHA-256 of the string as shipped).
  it('stream2own-001-initial runs the SQL it shipped with, byte for byte', () => {
    const calls = execCalls('stream2own-001-initial');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(4519);
    expect(
      createHash('sha256')
        .update(calls[0] ?? '')
        .digest('hex'),
    ).toBe('04ed441a995a84d0c9f8e7e953ce541213555063a5fc200d30bdd42c3723184f');
  });
});
