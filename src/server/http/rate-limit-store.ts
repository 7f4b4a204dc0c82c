import { sql } from 'kysely';
import type { ServerContext } from '../context';

/**
 * A store for @fastify/rate-limit that keeps its counters in the database,
 * so that the sign-in and sign-up limits hold across every instance behind
 * a load balancer (per-instance memory would give an attacker N times the
 * attempts). Fixed windows: one row per key with the window's start and its
 * count, advanced by one atomic upsert (row-locked on PostgreSQL, the single
 * writer on SQLite), so concurrent attempts on several instances all count.
 *
 * The plugin calls `new Store(options)` once and `child(routeOptions)` per
 * limited route; the route's method and URL prefix the key, so each route
 * has its own counters as with the plugin's in-memory store.
 */
type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Rows older than this are deleted now and then (they can no longer limit anything). */
const STALE_MS = 3_600_000;

export function databaseRateLimitStore(ctx: ServerContext) {
  return class DatabaseRateLimitStore {
    constructor(
      _options?: unknown,
      private readonly prefix = '',
    ) {}

    // Typed by the plugin as RouteOptions; at run time it is the route's
    // merged limit parameters with the route under `routeInfo`.
    child(routeOptions: object) {
      const info = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
      return new DatabaseRateLimitStore(undefined, `${String(info?.method ?? '')} ${info?.url ?? ''}|`);
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = ctx.clock.nowMs();
      const windowStart = now - (now % timeWindow);
      const id = this.prefix + key;
      sql<{ count: number | string; window_start: number | string }>`
        INSERT INTO rate_limits (key, window_start, count) VALUES (${id}, ${windowStart}, 1)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
          window_start = excluded.window_start
        RETURNING count, window_start`
        .execute(ctx.store.db)
        .then(
          async (result) => {
            const row = result.rows[0]!;
            callback(null, { current: Number(row.count), ttl: Number(row.window_start) + timeWindow - now });
            // Housekeeping on about one call in a hundred; its failure limits nobody.
            if (Math.random() < 0.01)
              await sql`DELETE FROM rate_limits WHERE window_start < ${now - STALE_MS}`
                .execute(ctx.store.db)
                .catch(() => {});
          },
          (error: Error) => callback(error),
        );
    }

    read(key: string, callback: Callback, timeWindow: number): void {
      const now = ctx.clock.nowMs();
      const windowStart = now - (now % timeWindow);
      sql<{
        count: number | string;
        window_start: number | string;
      }>`SELECT count, window_start FROM rate_limits WHERE key = ${this.prefix + key}`
        .execute(ctx.store.db)
        .then(
          (result) => {
            const row = result.rows[0];
            const current = row && Number(row.window_start) === windowStart ? Number(row.count) : 0;
            callback(null, { current, ttl: windowStart + timeWindow - now });
          },
          (error: Error) => callback(error),
        );
    }
  };
}
